/**
 * `pnpm bench`: what a turn costs through the HTTP server, against fake-anthropic (no model latency)
 * and the real `claude` binary, each figure beside its baseline measured in the same run: a raw warm
 * CLI process (core's ClaudeSession) for latency and CPU, a CLI spawned per message (resuming the
 * conversation each time, as the original Python server did) for throughput. Prints a Markdown table.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { ClaudeCodeClient, ClaudeSession } from '@claude-code-server/core';
import { createCliTestEnv, findProcessesByEnv } from '@claude-code-server/core/testing';
import { rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { pino } from 'pino';
import { type ClaudeCodeServer, createServer } from '../src/index.js';

const WARM_TURNS = Number(process.env.BENCH_WARM_TURNS ?? 30);
const USERS = Number(process.env.BENCH_USERS ?? 50);
const TURNS = Number(process.env.BENCH_TURNS ?? 10);
const CHURN_SLOTS = Number(process.env.BENCH_SLOTS ?? 6);
const SPAWN_USERS = Number(process.env.BENCH_SPAWN_USERS ?? 6);
const SPAWN_TURNS = Number(process.env.BENCH_SPAWN_TURNS ?? 3);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? Number.NaN;
}
const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const times = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;

const fake = await startFakeAnthropic();
fake.addRule(rules.echo);
const cli = await createCliTestEnv({ baseUrl: fake.url, prefix: 'server-bench' });

/** CPU seconds the CLI processes of the bench's config dir have used (user + system, from /proc). */
function cliCpuSeconds(): number {
  let ticks = 0;
  for (const pid of findProcessesByEnv('CLAUDE_CONFIG_DIR', cli.configDir)) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone in between.
    }
  }
  return ticks / 100;
}
const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function startBenchServer(maxLive: number): Promise<{ server: ClaudeCodeServer; url: string }> {
  const server = await createServer({
    store: createMemorySessionStore(),
    claude: { config_dir: cli.configDir, env: cli.env },
    projects: { main: { path: cli.workDir } },
    agent: { max_live: maxLive },
    limits: { max_queue: USERS * TURNS, max_queue_per_session: TURNS },
    logger: pino({ level: 'silent' }),
  });
  const url = `http://127.0.0.1:${((await server.listen(0)).address() as AddressInfo).port}`;
  return { server, url };
}

async function chat(url: string, userId: string, message: string): Promise<number> {
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

/** Time until the first `delta` event of a streamed turn. */
async function firstDelta(url: string, userId: string, message: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(`${url}/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, user_id: userId }),
  });
  let first = Number.NaN;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as ReadableStream<Uint8Array>) {
    if (Number.isNaN(first) && decoder.decode(chunk).includes('event: delta'))
      first = performance.now() - start;
  }
  return first;
}

/** The baseline: back-to-back turns, first deltas and CPU of one warm CLI process, no server, no store. */
async function rawWarmCli(): Promise<{ turns: number[]; firstDeltas: number[]; cpuPerTurn: number }> {
  const session = await ClaudeSession.start({ config: { ...cli.config, includePartialMessages: true } });
  try {
    await session.send('warm up');
    const cpuBefore = cliCpuSeconds() + ownCpuSeconds();
    const turns: number[] = [];
    for (let i = 0; i < WARM_TURNS; i++) {
      const start = performance.now();
      await session.send(`raw ${i}`);
      turns.push(performance.now() - start);
    }
    const cpuPerTurn = (cliCpuSeconds() + ownCpuSeconds() - cpuBefore) / WARM_TURNS;
    const firstDeltas: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      let first = Number.NaN;
      for await (const event of session.send(`raw streamed ${i}`)) {
        if (event.type === 'text_delta' && Number.isNaN(first)) first = performance.now() - start;
      }
      firstDeltas.push(first);
    }
    return { turns, firstDeltas, cpuPerTurn };
  } finally {
    await session.close();
  }
}

/** USERS users, each already warm, send TURNS turns each, all at once; turns/s and the server's peak RSS. */
async function throughput(maxLive: number): Promise<{ perSecond: number; spawned: number; peakRss: number }> {
  const { server, url } = await startBenchServer(maxLive);
  try {
    await Promise.all(Array.from({ length: USERS }, (_, u) => chat(url, `load-${u}`, 'hello')));
    const spawnedBefore = server.agent.stats().pool.spawned;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: USERS }, (_, u) =>
        Array.from({ length: TURNS }, (_, n) => chat(url, `load-${u}`, `m${n}`)),
      ).flat(),
    );
    const wall = (performance.now() - start) / 1000;
    clearInterval(sampler);
    return {
      perSecond: (USERS * TURNS) / wall,
      spawned: server.agent.stats().pool.spawned - spawnedBefore,
      peakRss,
    };
  } finally {
    await server.shutdown({ deadlineMs: 0 });
  }
}

/** The ceiling: USERS raw warm CLI processes (no server, no store), TURNS turns each, all at once. */
async function rawThroughput(): Promise<number> {
  const sessions = await Promise.all(
    Array.from({ length: USERS }, () => ClaudeSession.start({ config: cli.config })),
  );
  try {
    await Promise.all(sessions.map((session) => session.send('warm up')));
    const start = performance.now();
    await Promise.all(
      sessions.map(async (session) => {
        for (let n = 0; n < TURNS; n++) await session.send(`m${n}`);
      }),
    );
    return (USERS * TURNS) / ((performance.now() - start) / 1000);
  } finally {
    await Promise.all(sessions.map((session) => session.close()));
  }
}

/** The design the server replaces: a CLI spawned per message, resuming the conversation each time. */
async function spawnPerMessage(): Promise<number> {
  const client = new ClaudeCodeClient(cli.config);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: SPAWN_USERS }, async () => {
      let resume: string | undefined;
      for (let n = 0; n < SPAWN_TURNS; n++) resume = (await client.chat(`m${n}`, { resume })).sessionId;
    }),
  );
  return (SPAWN_USERS * SPAWN_TURNS) / ((performance.now() - start) / 1000);
}

const rows: Array<[string, string, string, string]> = [];
try {
  const raw = await rawWarmCli();
  const { server, url } = await startBenchServer(CHURN_SLOTS);
  try {
    rows.push([
      'first message of a new session (process started)',
      ms(await chat(url, 'solo', 'hello')),
      '',
      '',
    ]);
    const cpuBefore = cliCpuSeconds() + ownCpuSeconds();
    const warm: number[] = [];
    for (let i = 0; i < WARM_TURNS; i++) warm.push(await chat(url, 'solo', `message ${i}`));
    const cpuPerTurn = (cliCpuSeconds() + ownCpuSeconds() - cpuBefore) / WARM_TURNS;
    for (const p of [50, 95]) {
      const [value, baseline] = [percentile(warm, p), percentile(raw.turns, p)];
      rows.push([
        `warm turn back to back, POST /chat, p${p} of ${WARM_TURNS}`,
        ms(value),
        `${ms(baseline)} raw warm CLI`,
        times(value, baseline),
      ]);
    }
    rows.push([
      'CPU per warm turn (server + CLI)',
      ms(cpuPerTurn * 1000),
      `${ms(raw.cpuPerTurn * 1000)} raw warm CLI`,
      times(cpuPerTurn, raw.cpuPerTurn),
    ]);
    const deltas: number[] = [];
    for (let i = 0; i < 10; i++) deltas.push(await firstDelta(url, 'solo', `streamed ${i}`));
    const [delta, rawDelta] = [percentile(deltas, 50), percentile(raw.firstDeltas, 50)];
    rows.push([
      'warm turn, POST /chat/stream, first delta p50 of 10',
      ms(delta),
      `${ms(rawDelta)} raw warm CLI`,
      `+${ms(delta - rawDelta)}`,
    ]);
  } finally {
    await server.shutdown({ deadlineMs: 0 });
  }

  const spawned = await spawnPerMessage();
  const rawLoad = await rawThroughput();
  for (const maxLive of [USERS, CHURN_SLOTS]) {
    const load = await throughput(maxLive);
    rows.push([
      `${USERS} warm users x ${TURNS} turns at once, max_live ${maxLive}`,
      `${load.perSecond.toFixed(1)} turns/s (${load.spawned} processes started; server RSS peak ${mb(load.peakRss)})`,
      `${spawned.toFixed(1)} turns/s spawn per message (${SPAWN_USERS} users x ${SPAWN_TURNS})`,
      times(load.perSecond, spawned),
    ]);
    if (maxLive === USERS) {
      rows.push([
        `the same load, against ${USERS} raw warm CLI processes (no server)`,
        `${load.perSecond.toFixed(1)} turns/s through the server`,
        `${rawLoad.toFixed(1)} turns/s raw warm CLI`,
        times(load.perSecond, rawLoad),
      ]);
    }
  }
} finally {
  await fake.close();
  await cli.cleanup();
}

console.log(`${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end\n`);
console.log('| measure | through the server | baseline (same run) | ratio |\n|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
