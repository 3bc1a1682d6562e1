/**
 * `pnpm bench:tools`: what an in-process tool and hooks cost per warm turn, beside a turn with no
 * tool and one with the built-in Read. The real `claude` binary against fake-anthropic (no model
 * latency); every tool turn is two model calls. Prints a Markdown table for the README.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replies, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { z } from 'zod';
import {
  ClaudeSession,
  type ClaudeSessionOptions,
  createToolServer,
  getCliVersion,
  type HookCallback,
  tool,
} from '../src/index.js';
import { median, ms, percentile, table } from './stats.js';

const TURNS = Number(process.env.BENCH_TOOL_TURNS ?? 30);
const WARM_UP = 3;

const echo = createToolServer({
  name: 'bench',
  tools: [tool('echo', 'Echoes its text', { text: z.string() }, async ({ text }) => text)],
});
const noop: HookCallback = async () => ({});

async function main(): Promise<void> {
  const fake = await startFakeAnthropic();
  const configDir = await mkdtemp(join(tmpdir(), 'ccs-bench-config-'));
  const cwd = await mkdtemp(join(tmpdir(), 'ccs-bench-work-'));
  const file = join(cwd, 'note.txt');
  await writeFile(file, 'a short note\n');
  const config = {
    configDir,
    cwd,
    allowedTools: ['Read', ...echo.toolNames],
    env: {
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'bench-key',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  };
  console.error(
    `claude ${await getCliVersion(config)}, fake-anthropic without added latency, ${TURNS} turns each`,
  );

  const scenarios: Array<{ name: string; options: ClaudeSessionOptions; script: () => void }> = [
    { name: 'no tool', options: {}, script: () => fake.enqueue(replies.text('done')) },
    {
      name: 'built-in Read',
      options: {},
      script: () => fake.enqueue(replies.toolUse('Read', { file_path: file }), replies.text('done')),
    },
    {
      name: 'in-process tool',
      options: { toolServers: [echo] },
      script: () => fake.enqueue(replies.toolUse('mcp__bench__echo', { text: 'hi' }), replies.text('done')),
    },
    {
      name: 'in-process tool + PreToolUse and PostToolUse hooks',
      options: {
        toolServers: [echo],
        hooks: { PreToolUse: [{ hooks: [noop] }], PostToolUse: [{ hooks: [noop] }] },
      },
      script: () => fake.enqueue(replies.toolUse('mcp__bench__echo', { text: 'hi' }), replies.text('done')),
    },
  ];
  const rows: string[][] = [];
  let baseline: number | undefined;
  try {
    for (const scenario of scenarios) {
      const session = await ClaudeSession.start({ ...scenario.options, config });
      const times: number[] = [];
      try {
        for (let i = 0; i < WARM_UP + TURNS; i++) {
          scenario.script();
          const started = performance.now();
          await session.send(`turn ${i}`);
          if (i >= WARM_UP) times.push(performance.now() - started);
        }
      } finally {
        await session.close();
      }
      const p50 = median(times);
      baseline ??= p50;
      rows.push([
        scenario.name,
        String(times.length),
        ms(p50),
        ms(percentile(times, 95)),
        `+${ms(p50 - baseline)}`,
      ]);
    }
  } finally {
    await fake.close();
    await rm(configDir, { recursive: true, force: true });
    await rm(cwd, { recursive: true, force: true });
  }
  console.log(table(['warm turn', 'n', 'p50', 'p95', 'p50 over no tool'], rows));
}

await main();
