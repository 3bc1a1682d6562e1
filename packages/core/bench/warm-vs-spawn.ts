/**
 * `pnpm bench`: how much a warm process saves over spawning the CLI per message. Runs the real
 * `claude` binary against fake-anthropic (no model latency), one scenario after the other, and prints
 * a Markdown table for the README.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { type ClaudeConfig, getCliVersion } from '../src/index.js';
import {
  type Measurement,
  newConversationCold,
  newConversationFromSpare,
  spawnPerTurn,
  warmSession,
} from './scenarios.js';
import { median, ms, percentile, table } from './stats.js';

const SPAWNED_TURNS = Number(process.env.BENCH_SPAWNED_TURNS ?? 20);
const WARM_TURNS = Number(process.env.BENCH_WARM_TURNS ?? 100);
const NEW_CONVERSATIONS = Number(process.env.BENCH_NEW_CONVERSATIONS ?? 10);
const COLD_CONVERSATIONS = Number(process.env.BENCH_COLD_CONVERSATIONS ?? 5);
const SPARE_SETTLE_MS = 1_000;

function machine(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return [
    `CPU: ${cpu[0]?.model ?? 'unknown'} x ${cpu.length}`,
    `RAM: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Linux ${release()}, Node ${process.version}`,
    `load average at start: ${load}`,
  ].join('; ');
}

const fmt = (value: number | undefined, unit: string, digits = 2) =>
  value === undefined ? '' : `${value.toFixed(digits)}${unit}`;

async function main(): Promise<void> {
  const fake = await startFakeAnthropic();
  fake.setDefault({ type: 'text', text: 'Benchmark answer.' });
  const configDir = await mkdtemp(join(tmpdir(), 'ccs-bench-config-'));
  const cwd = await mkdtemp(join(tmpdir(), 'ccs-bench-work-'));
  const config: ClaudeConfig = {
    configDir,
    cwd,
    env: {
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'bench-key',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  };
  const header = `${machine()}\nclaude ${await getCliVersion(config)}, fake-anthropic without added latency`;
  console.error(header);
  const results: Measurement[] = [];
  try {
    for (const run of [
      () => spawnPerTurn(config, SPAWNED_TURNS, 3),
      () => warmSession(config, WARM_TURNS, 5),
      () => newConversationFromSpare(config, NEW_CONVERSATIONS, SPARE_SETTLE_MS),
      () => newConversationCold(config, COLD_CONVERSATIONS),
    ]) {
      const result = await run();
      console.error(`done: ${result.name}`);
      results.push(result);
    }
  } finally {
    await fake.close();
    await rm(configDir, { recursive: true, force: true });
    await rm(cwd, { recursive: true, force: true });
  }

  const [spawned, warm, spare] = results as [Measurement, Measurement, Measurement, Measurement];
  const rows = results.map((r) => [
    r.name,
    String(r.latenciesMs.length),
    ms(median(r.latenciesMs)),
    ms(percentile(r.latenciesMs, 95)),
    r === spawned ? '1x' : `${(median(spawned.latenciesMs) / median(r.latenciesMs)).toFixed(1)}x`,
    fmt(r.cpuSecondsPerTurn, ' s', 3),
    fmt(r.peakRssMb, ' MB', 0),
    r.note ?? '',
  ]);
  const speedup = median(spawned.latenciesMs) / median(warm.latenciesMs);
  const spareMedian = median(spare.latenciesMs);
  console.log(header);
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  console.log(
    table(
      ['scenario', 'n', 'p50', 'p95', 'p50 speed-up vs (a)', 'CPU per turn', 'peak RSS (tree)', 'note'],
      rows,
    ),
  );
  console.log(
    `\nwarm RSS after the turns: ${fmt(warm.rssAfterMb, ' MB', 0)}; ` +
      `CPU per turn (a)/(b): ${((spawned.cpuSecondsPerTurn ?? 0) / (warm.cpuSecondsPerTurn || Number.NaN)).toFixed(0)}x`,
  );
  console.log(
    `target warm >= 15x faster than spawn-per-turn at p50: ${speedup >= 15 ? 'met' : 'MISSED'} (${speedup.toFixed(1)}x)`,
  );
  console.log(
    `target new conversation from a spare < 150 ms at p50: ${spareMedian < 150 ? 'met' : 'MISSED'} (${ms(spareMedian)})`,
  );
}

await main();
