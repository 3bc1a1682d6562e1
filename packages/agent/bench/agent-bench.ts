/**
 * `pnpm bench`: what a turn costs through the agent, against fake-anthropic (no model latency) and
 * the real `claude` binary. Prints a Markdown table for the README.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ClaudeSession } from '@claude-code-server/core';
import { startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import type { SessionStore } from '@claude-code-server/store';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { createSqliteSessionStore } from '@claude-code-server/store-sqlite';
import { ClaudeAgent } from '../src/index.js';
import { TestNamespace } from '../src/test-support/test-stores.js';

const WARM_TURNS = Number(process.env.BENCH_WARM_TURNS ?? 50);
const HANDOFF_TURNS = Number(process.env.BENCH_HANDOFF_TURNS ?? 10);
// The bench's Redis keys and Postgres schema, deleted at the end.
const namespace = new TestNamespace('bench');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? Number.NaN;
}
const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const fake = await startFakeAnthropic();
fake.setDefault({ type: 'text', text: 'ok' });
const root = await mkdtemp(join(tmpdir(), 'agent-bench-'));
const env = {
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_API_KEY: 'test-key',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
};
const rows: string[][] = [];
const record = (name: string, samples: number[]) =>
  rows.push([name, String(samples.length), ms(percentile(samples, 50)), ms(percentile(samples, 95))]);

async function newAgent(store: SessionStore, name: string, cwd: string): Promise<ClaudeAgent> {
  const configDir = join(root, `config-${name}-${randomUUID().slice(0, 6)}`);
  await mkdir(configDir);
  return new ClaudeAgent({ store, configDir, config: { env, cwd }, pool: { maxLive: 1, spares: 0 } });
}

try {
  const cwd = join(root, 'work');
  await mkdir(cwd);

  // Baseline: the same turns on a bare warm process, no agent.
  const session = await ClaudeSession.start({ config: { env, cwd, configDir: join(root, 'config-bare') } });
  await session.send('warm up');
  const bare: number[] = [];
  for (let i = 0; i < WARM_TURNS; i++) bare.push(await timed(() => session.send(`turn ${i}`).result));
  await session.close();
  record('core ClaudeSession turn (no agent)', bare);

  const stores: Array<[string, () => SessionStore]> = [
    ['memory', () => createMemorySessionStore()],
    ['SQLite', () => createSqliteSessionStore({ path: join(root, 'bench.db') })],
    ['Redis', () => namespace.redisStore()],
    ['Postgres', () => namespace.postgresStore()],
  ];
  for (const [name, open] of stores) {
    const store = open();
    const agent = await newAgent(store, name, cwd);
    const userId = `bench-${randomUUID().slice(0, 8)}`;
    try {
      await agent.chat('warm up', { userId });
      const answered: number[] = [];
      for (let i = 0; i < WARM_TURNS; i++) {
        // A user who reads the answer first: the transcript of the turn before is stored by then.
        await agent.whenIdle();
        answered.push(await timed(() => agent.chat(`turn ${i}`, { userId })));
      }
      const backToBack: number[] = [];
      for (let i = 0; i < WARM_TURNS; i++) {
        backToBack.push(await timed(() => agent.chat(`next ${i}`, { userId })));
      }
      record(`agent.chat until the answer, warm process, ${name} store`, answered);
      record(`agent.chat back to back (the turn before stored in the background), ${name} store`, backToBack);
      await agent.clearSession(userId);
    } finally {
      await agent.close();
      await store.close();
    }
  }

  // Two agents (two config dirs) sharing one store, taking turns: every turn resumes from the store.
  const store = createMemorySessionStore();
  const a = await newAgent(store, 'a', cwd);
  const b = await newAgent(store, 'b', cwd);
  const handoff: number[] = [];
  await a.chat('warm up', { userId: 'handoff' });
  for (let i = 0; i < HANDOFF_TURNS; i++) {
    await Promise.all([a.whenIdle(), b.whenIdle()]);
    handoff.push(await timed(() => (i % 2 === 0 ? b : a).chat(`turn ${i}`, { userId: 'handoff' })));
  }
  record('agent.chat after another agent ran the last turn (resume from the store)', handoff);
  await Promise.all([a.close(), b.close()]);
  await store.close();

  const cpu = cpus();
  console.log(
    `Machine: ${cpu[0]?.model ?? 'unknown'} x ${cpu.length}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
      `Linux ${release()}; Node ${process.version}; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
  );
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(line(['scenario', 'turns', 'p50', 'p95']));
  console.log(line(['---', '---', '---', '---']));
  for (const row of rows) console.log(line(row));
} finally {
  await namespace.drop();
  await fake.close();
  await rm(root, { recursive: true, force: true });
}
