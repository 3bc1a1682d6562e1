/**
 * `pnpm bench`: what a turn costs through the HTTP server, against fake-anthropic (no model latency)
 * and the real `claude` binary, beside the same turn on a raw warm CLI process (core's ClaudeSession)
 * measured in the same run. Prints a Markdown table.
 */
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { ClaudeSession } from '@claude-code-server/core';
import { createCliTestEnv } from '@claude-code-server/core/testing';
import { rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { pino } from 'pino';
import { createServer } from '../src/index.js';

const WARM_TURNS = Number(process.env.BENCH_WARM_TURNS ?? 30);
const USERS = Number(process.env.BENCH_USERS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 6);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? Number.NaN;
}
const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);

const fake = await startFakeAnthropic();
fake.addRule(rules.echo);
const cli = await createCliTestEnv({ baseUrl: fake.url, prefix: 'server-bench' });
const store = createMemorySessionStore();
const server = await createServer({
  store,
  claude: { config_dir: cli.configDir, env: cli.env },
  projects: { main: { path: cli.workDir } },
  agent: { max_live: SLOTS },
  limits: { max_concurrent_turns: SLOTS, max_queue: USERS * MESSAGES },
  logger: pino({ level: 'silent' }),
});
const url = `http://127.0.0.1:${((await server.listen(0)).address() as AddressInfo).port}`;

async function chat(userId: string, message: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(`${url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, user_id: userId }),
  });
  if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${await res.text()}`);
  await res.json();
  return performance.now() - start;
}

/** Time until the first `delta` event of a streamed turn, and until its end. */
async function stream(userId: string, message: string): Promise<{ firstDelta: number; total: number }> {
  const start = performance.now();
  const res = await fetch(`${url}/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, user_id: userId }),
  });
  let firstDelta = Number.NaN;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as ReadableStream<Uint8Array>) {
    if (Number.isNaN(firstDelta) && decoder.decode(chunk).includes('event: delta')) {
      firstDelta = performance.now() - start;
    }
  }
  return { firstDelta, total: performance.now() - start };
}

/** The baseline: back-to-back turns and first deltas of one warm CLI process, no server, no store. */
async function rawWarmCli(): Promise<{ turns: number[]; firstDeltas: number[] }> {
  const session = await ClaudeSession.start({ config: { ...cli.config, includePartialMessages: true } });
  try {
    await session.send('warm up');
    const turns: number[] = [];
    for (let i = 0; i < WARM_TURNS; i++) {
      const start = performance.now();
      await session.send(`raw ${i}`);
      turns.push(performance.now() - start);
    }
    const firstDeltas: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      let first = Number.NaN;
      for await (const event of session.send(`raw streamed ${i}`)) {
        if (event.type === 'text_delta' && Number.isNaN(first)) first = performance.now() - start;
      }
      firstDeltas.push(first);
    }
    return { turns, firstDeltas };
  } finally {
    await session.close();
  }
}

const rows: Array<[string, string]> = [];
const ratio = (value: number, baseline: number) =>
  `${ms(value)} (raw ${ms(baseline)}, ${(value / baseline).toFixed(2)}x)`;
try {
  const raw = await rawWarmCli();
  rows.push(['first message of a new session (process started)', ms(await chat('cold', 'hello there'))]);
  const warm: number[] = [];
  for (let i = 0; i < WARM_TURNS; i++) warm.push(await chat('cold', `message ${i}`));
  rows.push([
    `warm turn back to back, POST /chat, p50 of ${WARM_TURNS}`,
    ratio(percentile(warm, 50), percentile(raw.turns, 50)),
  ]);
  rows.push([
    `warm turn back to back, POST /chat, p95 of ${WARM_TURNS}`,
    ratio(percentile(warm, 95), percentile(raw.turns, 95)),
  ]);
  const streamed: number[] = [];
  for (let i = 0; i < 10; i++) streamed.push((await stream('cold', `streamed ${i}`)).firstDelta);
  rows.push([
    'warm turn, POST /chat/stream, first delta p50 of 10',
    ratio(percentile(streamed, 50), percentile(raw.firstDeltas, 50)),
  ]);

  const spawnedBefore = server.agent.stats().pool.spawned;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: USERS }, (_, u) =>
      Array.from({ length: MESSAGES }, (_, n) => chat(`load-${u}`, `m${n}`)),
    ).flat(),
  );
  const wall = performance.now() - start;
  const spawned = server.agent.stats().pool.spawned - spawnedBefore;
  rows.push([
    `${USERS} users x ${MESSAGES} messages at once (${SLOTS} slots, ${SLOTS} processes)`,
    `${(wall / 1000).toFixed(1)} s, ${((USERS * MESSAGES) / (wall / 1000)).toFixed(1)} turns/s, ${spawned} processes started`,
  ]);
} finally {
  await server.shutdown({ deadlineMs: 0 });
  await store.close();
  await fake.close();
  await cli.cleanup();
}

console.log(`${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end\n`);
console.log('| measure | value |\n|---|---|');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
