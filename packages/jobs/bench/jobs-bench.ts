// Prints jobs/s (enqueue to handled, no-op handler) for the in-process queue, BullMQ and pg-boss, from
// the same run. A queue whose package or server is missing is reported and skipped.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMemoryJobQueue, type JobQueue } from '../src/index.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const CONCURRENCY = 8;
/** Enqueues in flight at once, as several request handlers of a server would. */
const PRODUCERS = 8;
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const run = randomUUID().replaceAll('-', '').slice(0, 10);

// The queues depend on this package, so it cannot depend on them (a cycle): their sources are loaded by path.
async function load(pkg: string, factory: string): Promise<(options: object) => JobQueue> {
  const entry = join(packagesDir, pkg, 'src', 'index.ts');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist`);
  const module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  return module[factory] as (options: object) => JobQueue;
}

/** The little of ioredis and pg the cleanup uses (this package depends on neither). */
interface RedisLike {
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}
interface PgClientLike {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<unknown>;
}

interface Target {
  name: string;
  open(): Promise<{ queue: JobQueue; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  { name: 'in-process', open: async () => ({ queue: createMemoryJobQueue(), cleanup: async () => {} }) },
  {
    name: 'BullMQ (Redis)',
    async open() {
      const create = await load('jobs-bullmq', 'createBullMQJobQueue');
      const prefix = `ccs-jobs-bench-${run}`;
      const name = 'bench';
      const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      return {
        queue: create({ name, url, prefix }),
        async cleanup() {
          const { Redis } = (await import(
            pathToFileURL(join(packagesDir, 'jobs-bullmq/node_modules/ioredis/built/index.js')).href
          )) as { Redis: new (url: string) => RedisLike };
          const redis = new Redis(url);
          const keys = await redis.keys(`${prefix}:*`);
          if (keys.length > 0) await redis.del(...keys);
          await redis.quit();
        },
      };
    },
  },
  {
    name: 'pg-boss (PostgreSQL)',
    async open() {
      const create = await load('jobs-pgboss', 'createPgBossJobQueue');
      const schema = `ccs_jobs_bench_${run}`;
      const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
      return {
        queue: create({ name: 'bench', url, schema, pollIntervalMs: 500 }),
        async cleanup() {
          const pg = (
            await import(pathToFileURL(join(packagesDir, 'jobs-pgboss/node_modules/pg/lib/index.js')).href)
          ).default as { Client: new (options: { connectionString: string }) => PgClientLike };
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        },
      };
    },
  },
];

async function measure(queue: JobQueue): Promise<number> {
  let handled = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  await queue.work(
    async () => {
      if (++handled === JOBS) resolveAll();
    },
    { concurrency: CONCURRENCY },
  );
  // One job first, so connecting and creating schemas are not counted.
  await queue.enqueue(`warm_${run}`, 0);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < JOBS - 1) await queue.enqueue(`job_${run}_${next++}`, { n: next });
    }),
  );
  await all;
  return (JOBS - 1) / ((performance.now() - started) / 1000);
}

console.log(`${JOBS} jobs, no-op handler, concurrency ${CONCURRENCY} on one node, ${PRODUCERS} producers`);
for (const target of targets) {
  let opened: Awaited<ReturnType<Target['open']>> | undefined;
  try {
    opened = await target.open();
    const rate = await measure(opened.queue);
    console.log(`${target.name.padEnd(22)} ${rate.toFixed(0).padStart(7)} jobs/s`);
  } catch (error) {
    console.log(`${target.name.padEnd(22)} skipped: ${(error as Error).message}`);
  } finally {
    await opened?.queue.close().catch(() => undefined);
    await opened?.cleanup().catch(() => undefined);
  }
}
