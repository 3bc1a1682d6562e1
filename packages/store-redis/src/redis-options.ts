import { InvalidInputError, type SessionStoreOptions } from '@claude-code-server/store';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisSessionStoreOptions extends SessionStoreOptions {
  /** A redis:// or rediss:// URL; the store opens (and later closes) its own client. */
  url?: string;
  /** A ready ioredis client; the store never closes it. Must not use ioredis's own `keyPrefix`. */
  client?: Redis;
  /** Prefix of every key the store writes. Default 'ccs:'. */
  keyPrefix?: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Client settings under which a call fails within a few seconds while Redis is down, instead of
 * queueing forever, and the client keeps reconnecting in the background so the store works again when
 * Redis returns. Spread them into your own client's options to get the same behaviour.
 */
export const redisClientDefaults = {
  // A call made while disconnected waits for the next reconnect attempt and fails if it fails.
  maxRetriesPerRequest: 0,
  // A command that was sent when the connection dropped may have run: never send it twice.
  autoResendUnfulfilledCommands: false,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
  connectTimeout: 2000,
  // Bounds every call, also one stuck on a server that accepts connections but does not answer.
  commandTimeout: 5000,
} satisfies RedisOptions;

/** The client the options ask for, and whether the store owns it (and so must close it). */
export function resolveClient(options: RedisSessionStoreOptions): { client: Redis; owned: boolean } {
  if (options.url !== undefined && options.client !== undefined) {
    throw new InvalidInputError('options', 'give either url or client, not both');
  }
  if (options.client) return { client: options.client, owned: false };
  if (options.url !== undefined && (typeof options.url !== 'string' || options.url === '')) {
    throw new InvalidInputError('url', 'must be a non-empty redis:// or rediss:// URL');
  }
  const url = options.url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const client = new Redis(url, redisClientDefaults);
  // Failures reach callers as StoreUnavailableError; without a listener ioredis would also print each one.
  client.on('error', () => {});
  return { client, owned: true };
}

/** Closes a client the store opened: politely if connected, at once otherwise. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: the connection is already gone
    }
  }
  client.disconnect();
}
