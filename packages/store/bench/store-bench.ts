import type { SessionStore } from '../src/index.js';
import { BENCH_TARGETS, type BenchTarget } from './bench-stores.js';
import { percentile, timeEach } from './latency.js';

// Latency of appendMessage and listMessages on a session that already holds 10 or 10,000 messages.
// An O(1) append shows a ratio (10,000 / 10) near 1.0. Run: pnpm bench [store ...]

const SIZES = [10, 10_000] as const;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const WARMUP = 30;
const PAGE_LIMIT = 10;
const FILL_CONCURRENCY = 50;
const SESSIONS = 3;

type Size = (typeof SIZES)[number];
type Operation = 'append' | 'read newest page' | 'read oldest page';
type Figures = Record<Operation, Record<Size, { p50: number; p99: number }>>;

let sessionCounter = 0;

async function sessionWith(store: SessionStore, messages: number): Promise<string> {
  const id = `bench-${process.pid}-${++sessionCounter}`;
  await store.createSession({ id, userId: 'bench' });
  for (let done = 0; done < messages; done += FILL_CONCURRENCY) {
    const batch = Math.min(FILL_CONCURRENCY, messages - done);
    await Promise.all(
      Array.from({ length: batch }, (_, i) =>
        store.appendMessage(id, { role: i % 2 ? 'assistant' : 'user', content: message(done + i) }),
      ),
    );
  }
  return id;
}

function message(i: number): string {
  return `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}`;
}

/**
 * Times the operations round-robin over a few sessions holding `size` messages each. Appends would grow
 * a 10-message session past its size, so such sessions are replaced (untimed) after every round.
 */
async function measure(
  store: SessionStore,
  size: Size,
  samples = SAMPLES,
): Promise<Figures[Operation][Size][]> {
  const ids: string[] = [];
  for (let i = 0; i < SESSIONS; i++) ids.push(await sessionWith(store, size));
  const pick = (i: number) => ids[i % SESSIONS]!;
  const refill = async (i: number) => {
    if (size >= 1000 || i % SESSIONS !== SESSIONS - 1) return;
    for (let j = 0; j < SESSIONS; j++) {
      await store.deleteSession(ids[j]!);
      ids[j] = await sessionWith(store, size);
    }
  };
  const append = (i: number) => store.appendMessage(pick(i), { role: 'user', content: message(size + i) });
  const newest = (i: number) => store.listMessages(pick(i), { limit: PAGE_LIMIT });
  const oldest = (i: number) => store.listMessages(pick(i), { limit: PAGE_LIMIT, after: 0 });
  const results = [];
  for (const [operation, between] of [[append, refill], [newest], [oldest]] as const) {
    await timeEach(WARMUP, operation, between);
    const durations = await timeEach(samples, operation, between);
    results.push({ p50: percentile(durations, 50), p99: percentile(durations, 99) });
  }
  for (const id of ids) await store.deleteSession(id);
  return results;
}

async function benchTarget(target: BenchTarget): Promise<Figures | string> {
  let opened: Awaited<ReturnType<BenchTarget['open']>>;
  try {
    opened = await target.open();
    await opened.store.getSession('bench-probe');
  } catch (error) {
    return `skipped: ${error instanceof Error ? error.message : String(error)}`;
  }
  const operations: Operation[] = ['append', 'read newest page', 'read oldest page'];
  const figures = Object.fromEntries(operations.map((op) => [op, {}])) as Figures;
  try {
    // An untimed pass first, so neither size is measured on a cold client or JIT.
    await measure(opened.store, 10, 100);
    for (const size of SIZES) {
      const results = await measure(opened.store, size);
      operations.forEach((op, i) => {
        figures[op][size] = results[i]!;
      });
    }
  } finally {
    await opened.store.close();
    await opened.cleanup();
  }
  return figures;
}

const ms = (value: number) => (value < 1 ? value.toFixed(3) : value.toFixed(2));

function printTable(rows: [string, Figures | string][]): void {
  console.log(`| store | operation | p50 @10 | p99 @10 | p50 @10k | p99 @10k | p50 ratio 10k/10 |`);
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const [name, figures] of rows) {
    if (typeof figures === 'string') {
      console.log(`| ${name} | ${figures} | | | | | |`);
      continue;
    }
    for (const [op, bySize] of Object.entries(figures)) {
      const [small, large] = [bySize[10], bySize[10_000]];
      const ratio = (large.p50 / small.p50).toFixed(2);
      console.log(
        `| ${name} | ${op} | ${ms(small.p50)} | ${ms(small.p99)} | ${ms(large.p50)} | ${ms(large.p99)} | ${ratio} |`,
      );
    }
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const targets = BENCH_TARGETS.filter((target) => wanted.length === 0 || wanted.includes(target.name));
  console.log(
    `store bench: ${SAMPLES} sequential calls per figure (after ${WARMUP} warm-up), page size ${PAGE_LIMIT}, ` +
      `times in ms; node ${process.version}`,
  );
  const rows: [string, Figures | string][] = [];
  for (const target of targets) {
    process.stderr.write(`${target.name}...\n`);
    const result = await benchTarget(target);
    if (typeof result === 'string') process.stderr.write(`${target.name}: ${result}\n`);
    rows.push([target.name, result]);
  }
  printTable(rows);
}

await main();
