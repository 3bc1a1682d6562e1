import type { ClaudeSession } from '../session/session.js';

/** Wait this long after a spare failed to start before trying again (a bad config must not spin). */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * Processes started ahead of time, each with a fresh pre-chosen session id, handed to requests for
 * brand-new conversations whose config matches.
 */
export class SpareSet {
  private readonly ready: ClaudeSession[] = [];
  private starting = 0;
  private failedAt = 0;
  private stopped = false;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly target: number,
    /** Starts one spare (with the pool's base config). */
    private readonly startSpare: () => Promise<ClaudeSession>,
    /** Called when a start ends either way, so the pool can re-check its queue and cap. */
    private readonly onSettled: () => void,
  ) {}

  /** Spares ready or starting: they all hold (or will hold) a process. */
  get live(): number {
    return this.ready.length + this.starting;
  }

  get readyCount(): number {
    return this.ready.length;
  }

  /** The spares ready (not those starting). */
  sessions(): ClaudeSession[] {
    return [...this.ready];
  }

  has(session: ClaudeSession): boolean {
    return this.ready.includes(session);
  }

  /** Takes the oldest idle spare whose spawn config matches `fingerprint`. */
  take(fingerprint: string): ClaudeSession | undefined {
    const index = this.ready.findIndex((s) => s.state === 'idle' && s.fingerprint === fingerprint);
    if (index < 0) return undefined;
    return this.ready.splice(index, 1)[0];
  }

  /** Removes a spare (to close it for room, or because it died). */
  remove(session?: ClaudeSession): ClaudeSession | undefined {
    const index = session ? this.ready.indexOf(session) : 0;
    if (index < 0 || index >= this.ready.length) return undefined;
    return this.ready.splice(index, 1)[0];
  }

  /** Starts spares up to the target, using at most `room` process slots. */
  fill(room: number): void {
    if (this.stopped || Date.now() - this.failedAt < RETRY_AFTER_FAILURE_MS) return;
    const wanted = Math.min(this.target - this.live, room);
    for (let i = 0; i < wanted; i++) {
      this.starting++;
      const started = this.startSpare().then(
        (session) => {
          this.starting--;
          if (this.stopped) return session.close();
          this.ready.push(session);
          this.onSettled();
        },
        () => {
          this.starting--;
          this.failedAt = Date.now();
          const retry = setTimeout(() => this.onSettled(), RETRY_AFTER_FAILURE_MS);
          retry.unref();
          this.onSettled();
        },
      );
      this.inflight.add(started);
      started.finally(() => this.inflight.delete(started));
    }
  }

  /** Closes every spare and starts no more. */
  async close(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.ready.splice(0).map((s) => s.close()), ...this.inflight]);
  }
}
