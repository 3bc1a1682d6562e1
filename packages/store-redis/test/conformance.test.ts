import { runSessionStoreConformance } from '@claude-code-server/store/testing';
import { createRedisSessionStore } from '../src/index.js';
import { deleteKeysUnder, REDIS_URL, uniquePrefix } from './support/shared-redis.js';

const prefix = uniquePrefix('conformance');
runSessionStoreConformance('RedisSessionStore', {
  create: ({ namespace, ttlMs }) =>
    createRedisSessionStore({ url: REDIS_URL, keyPrefix: `${prefix}${namespace}:`, ttlMs }),
  cleanup: () => deleteKeysUnder(prefix),
});
