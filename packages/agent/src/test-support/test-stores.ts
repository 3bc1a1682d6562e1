import { randomUUID } from 'node:crypto';
import { createPostgresSessionStore } from '@claude-code-server/store-postgres';
import { createRedisSessionStore } from '@claude-code-server/store-redis';
import { Redis } from 'ioredis';
import pg from 'pg';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * A Redis key prefix and a Postgres schema that no other run uses, for the stores of one test file
 * (or bench run); `drop()` deletes everything stored under them.
 */
export class TestNamespace {
  readonly redisPrefix: string;
  readonly postgresSchema: string;

  constructor(label: string) {
    const id = randomUUID().replaceAll('-', '').slice(0, 10);
    this.redisPrefix = `ccs-agent-${label}:${id}:`;
    this.postgresSchema = `ccs_agent_${label}_${id}`;
  }

  /** A Redis store under the run's prefix (`url` e.g. through a proxy). */
  redisStore(url = REDIS_URL) {
    return createRedisSessionStore({ url, keyPrefix: this.redisPrefix });
  }

  /** A Postgres store in the run's schema (created on first use). */
  postgresStore() {
    return createPostgresSessionStore({ url: DATABASE_URL, schema: this.postgresSchema });
  }

  /** Deletes the run's Redis keys and drops its Postgres schema. */
  async drop(): Promise<void> {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    try {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${escapeGlob(this.redisPrefix)}*`, count: 500 })) {
        keys.push(...(batch as string[]));
      }
      for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
    } finally {
      redis.disconnect();
    }
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${this.postgresSchema}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}
