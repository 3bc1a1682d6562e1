export type { AcquireOptions } from './acquire-request.js';
export { PoolBusyError } from './errors.js';
export type { SessionPoolOptions } from './options.js';
export { SessionPool, type SessionPoolStats } from './pool.js';
export { PooledSession } from './pooled-session.js';
