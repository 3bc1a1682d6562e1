import type { AcquireOptions, PooledSession, SessionPoolStats } from '@claude-code-server/core';

/** What the agent needs from core's SessionPool (keys are the agent's session ids). */
export interface ProcessSource {
  acquire(key: string, options: AcquireOptions): Promise<PooledSession>;
  /** Closes the key's process and forgets its conversation; resolves once the process has exited. */
  discard(key: string): Promise<void>;
  stats(): SessionPoolStats;
  close(): Promise<void>;
}
