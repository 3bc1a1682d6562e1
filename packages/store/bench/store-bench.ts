import type { SessionStore } from '../src/index.js';
import { BenchSessions, message } from './bench-sessions.js';
import { BENCH_TARGETS, type BenchStore, type BenchTarget } from './bench-stores.js';
import { percentile, timeOnce } from './latency.js';

// Latency of appendMessage and listMessages on a session that already holds 10 or 10,000 messages.
// An O(1) append shows a ratio (10,000 / 10) near 1.0. Run: pnpm bench [store ...]

const SIZES = [10, 10_000] as const;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const WARMUP = 30;
const PAGE_LIMIT = 10;
const SESSIONS_PER_SIZE = 3;

type Size = (typeof SIZES)[number];
type Operation = 'append' | 'read newest page' | 'read oldest page';
type Figures = Record<Operation, Record<Size, { p50: number; p99: number }>>;

const OPERATIONS: Record<Operation, (store: SessionStore, id: string, i: number) => Promise<unknown>> = {
  append: (store, id, i) => store.appendMessage(id, { role: 'user', content: message(i) }),
  'read newest page': (store, id) => store.listMessages(id, { limit: PAGE_LIMIT }),
  'read oldest page': (store, id) => store.listMessages(id, { limit: PAGE_LIMIT, after: 0 }),
};

/**
 * Times each operation on the small and the large sessions in alternation, so that load from elsewhere
 * on the machine falls on both sizes alike.
 */
async function measure(store: SessionStore, sets: BenchSessions[], samples: number): Promise<Figures> {
  const figures = {} as Figures;
  for (const [name, operation] of Object.entries(OPERATIONS) as [
    Operation,
    (typeof OPERATIONS)[Operation],
  ][]) {
    const durations = new Map<BenchSessions, number[]>(sets.map((set) => [set, []]));
    for (let i = -WARMUP; i < samples; i++) {
      for (const set of i % 2 ? sets : [...sets].reverse()) {
        const duration = await timeOnce(() => operation(store, set.pick(i + WARMUP), i));
        if (i >= 0) durations.get(set)!.push(duration);
        if (name === 'append') await set.afterAppend();
      }
    }
    figures[name] = Object.fromEntries(
      sets.map((set) => {
        const times = durations.get(set)!;
        return [set.size, { p50: percentile(times, 50), p99: percentile(times, 99) }];
      }),
    ) as Figures[Operation];
  }
  return figures;
}

async function benchTarget(target: BenchTarget): Promise<Figures | string> {
  let opened: BenchStore;
  try {
    opened = await target.open();
  } catch (error) {
    return `skipped: ${describeError(error)}`;
  }
  try {
    await opened.store.getSession('bench-probe');
  } catch (error) {
    await opened.store.close().catch(() => {});
    await opened.cleanup().catch(() => {});
    return `skipped: ${describeError(error)}`;
  }
  const { store } = opened;
  const sets: BenchSessions[] = [];
  try {
    for (const size of SIZES) sets.push(await BenchSessions.create(store, size, SESSIONS_PER_SIZE));
    // An untimed pass first, so neither size is measured on a cold client or JIT.
    await measure(store, sets, 100);
    return await measure(store, sets, SAMPLES);
  } finally {
    for (const set of sets) await set.delete();
    await store.close();
    await opened.cleanup();
  }
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
