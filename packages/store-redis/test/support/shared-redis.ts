import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis every store test writes to, under a prefix unique to the run. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label: string): string {
  return `ccs-test:${label}:${randomUUID().slice(0, 8)}:`;
}

export function openRedis(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 0 });
}

/** Every key under the prefix. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of client.scanStream({ match: `${escapeGlob(prefix)}*`, count: 500 })) {
    keys.push(...(batch as string[]));
  }
  return keys.sort();
}

/** Deletes every key under the prefix (with a client of its own when none is given). */
export async function deleteKeysUnder(prefix: string, client?: Redis): Promise<void> {
  const redis = client ?? openRedis();
  try {
    const keys = await keysUnder(redis, prefix);
    for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  } finally {
    if (!client) redis.disconnect();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
