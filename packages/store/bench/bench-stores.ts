import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SessionStore } from '../src/index.js';

/** A store under benchmark, and how to remove what the run left behind. */
export interface BenchStore {
  store: SessionStore;
  cleanup(): Promise<void>;
}

export interface BenchTarget {
  name: string;
  /** Opens the store, or throws when its package or server is not available. */
  open(): Promise<BenchStore>;
}

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const run = randomUUID().replaceAll('-', '').slice(0, 10);

// The concrete stores depend on this package, so it cannot depend on them (a cycle): they are loaded
// from their sources by path, and a store whose package is missing is skipped.
async function loadFactory(pkg: string, factory: string): Promise<(options: object) => SessionStore> {
  const entry = join(packagesDir, pkg, 'src', 'index.ts');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist`);
  const module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  const create = module[factory];
  if (typeof create !== 'function') throw new Error(`${pkg} does not export ${factory}`);
  return create as (options: object) => SessionStore;
}

/** The part of the `pg` driver the cleanup uses (this package does not depend on pg). */
interface PgModule {
  Client: new (config: {
    connectionString: string;
  }) => {
    connect(): Promise<unknown>;
    query(sql: string): Promise<unknown>;
    end(): Promise<void>;
  };
}

/** Require from a store package's own dependencies (e.g. its driver). */
function requireFrom(pkg: string): NodeJS.Require {
  return createRequire(join(packagesDir, pkg, 'package.json'));
}

export const BENCH_TARGETS: BenchTarget[] = [
  {
    name: 'memory',
    async open() {
      const create = await loadFactory('store-memory', 'createMemorySessionStore');
      return { store: create({}), cleanup: async () => {} };
    },
  },
  {
    name: 'redis',
    async open() {
      const create = await loadFactory('store-redis', 'createRedisSessionStore');
      const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      // Sessions are deleted by the benchmark itself, which removes every key under the prefix.
      return { store: create({ url, keyPrefix: `ccs-bench:${run}:` }), cleanup: async () => {} };
    },
  },
  {
    name: 'postgres',
    async open() {
      const create = await loadFactory('store-postgres', 'createPostgresSessionStore');
      const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
      const schema = `ccs_bench_${run}`;
      return {
        store: create({ url, schema }),
        async cleanup() {
          const pg = requireFrom('store-postgres')('pg') as PgModule;
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          } finally {
            await client.end();
          }
        },
      };
    },
  },
  {
    name: 'sqlite',
    async open() {
      const create = await loadFactory('store-sqlite', 'createSqliteSessionStore');
      const dir = mkdtempSync(join(tmpdir(), 'ccs-bench-'));
      return {
        store: create({ path: join(dir, 'bench.db') }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];
