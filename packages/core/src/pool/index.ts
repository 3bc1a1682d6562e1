export { PoolBusyError } from './errors.js';
export type { SessionPoolOptions } from './options.js';
export { type AcquireOptions, SessionPool, type SessionPoolStats } from './pool.js';
export { PooledSession } from './pooled-session.js';
