export { DEFAULT_REDIS_URL, type RedisSessionStoreOptions, redisClientDefaults } from './client.js';
export { RedisKeys } from './keys.js';
export { createRedisSessionStore, RedisSessionStore } from './redis-session-store.js';
