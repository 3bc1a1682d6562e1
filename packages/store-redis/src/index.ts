export { RedisKeys } from './redis-keys.js';
export { DEFAULT_REDIS_URL, type RedisSessionStoreOptions, redisClientDefaults } from './redis-options.js';
export { createRedisSessionStore, RedisSessionStore } from './redis-session-store.js';
