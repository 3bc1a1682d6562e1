import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A shared store every node of a run is configured with, and how to remove what the nodes made in it. */
export interface SharedBackend {
  name: 'redis' | 'postgres';
  /** The `store:` section of the nodes' config.yaml (indented two spaces). */
  storeYaml: string;
  /** The job queue `tasks.queue: auto` opens on this store, as the start-up log names it. */
  taskQueue: 'bullmq' | 'pg-boss';
  /** Keys (Redis) or schemas (PostgreSQL) of this run: store, jobs, limits, approvals. */
  leftovers(): Promise<string[]>;
  /** Removes every one of them. */
  cleanup(): Promise<void>;
}

/** A Redis store under a key prefix of its own; the nodes' jobs, limits and approvals share that prefix. */
export function redisBackend(): SharedBackend {
  const prefix = `ccs-cluster-${randomUUID().slice(0, 8)}:`;
  const withRedis = async <T>(use: (redis: Redis) => Promise<T>): Promise<T> => {
    const redis = new Redis(REDIS_URL);
    try {
      return await use(redis);
    } finally {
      await redis.quit();
    }
  };
  return {
    name: 'redis',
    storeYaml: `  type: redis\n  url: ${REDIS_URL}\n  key_prefix: "${prefix}"\n`,
    taskQueue: 'bullmq',
    leftovers: () => withRedis((redis) => redis.keys(`${prefix}*`)),
    cleanup: () =>
      withRedis(async (redis) => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }),
  };
}

/** A PostgreSQL store in a schema of its own; the jobs, limits and approvals go to `<schema>_*`. */
export function postgresBackend(): SharedBackend {
  const schema = `ccs_cluster_${randomUUID().slice(0, 8)}`;
  const withClient = async <T>(use: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };
  const schemas = async (client: pg.Client) => {
    const { rows } = await client.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $2',
      [schema, `${schema}\\_%`],
    );
    return rows.map((row) => row.name);
  };
  return {
    name: 'postgres',
    storeYaml: `  type: postgres\n  url: ${DATABASE_URL}\n  schema: ${schema}\n`,
    taskQueue: 'pg-boss',
    leftovers: () => withClient(schemas),
    cleanup: () =>
      withClient(async (client) => {
        for (const name of await schemas(client)) {
          await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
        }
      }),
  };
}

export const BACKENDS = [
  ['PostgreSQL', postgresBackend],
  ['Redis', redisBackend],
] as const;
