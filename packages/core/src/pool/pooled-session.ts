import type { ClaudeSession } from '../session/session.js';

/** A session leased from a SessionPool: use `session`, then `release()` it (or `discard()` it). */
export class PooledSession {
  private ended: Promise<void> | undefined;

  constructor(
    /** The caller's key it was acquired under. */
    readonly key: string,
    /** The warm session; do not use it after release. */
    readonly session: ClaudeSession,
    private readonly end: (discard: boolean) => Promise<void>,
  ) {}

  /** The Claude session id (store it to resume the conversation later, anywhere). */
  get sessionId(): string {
    return this.session.sessionId;
  }

  /** True once released or discarded. */
  get released(): boolean {
    return this.ended !== undefined;
  }

  /** Gives the session back to the pool, warm for the key's next acquire. Idempotent. */
  release(): void {
    this.ended ??= this.end(false);
  }

  /** Gives the slot back and closes the process (e.g. its state is stale); the key's next acquire starts fresh unless given `resume`. */
  discard(): Promise<void> {
    this.ended ??= this.end(true);
    return this.ended;
  }
}
