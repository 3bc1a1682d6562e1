/** What a turn is assumed to take before any has ended here. */
const FIRST_ESTIMATE_MS = 2_000;
/** The shortest retry hint: sooner than this a retry would only be refused again. */
const MIN_RETRY_AFTER_MS = 100;

/** How long turns hold their slot (a moving average), and the one retry-after estimate made from it. */
export class TurnTimes {
  private averageMs = FIRST_ESTIMATE_MS;

  /** Moving average of recent turns, lease and transcript save included. */
  get typicalMs(): number {
    return this.averageMs;
  }

  record(durationMs: number): void {
    this.averageMs = Math.round(this.averageMs * 0.8 + durationMs * 0.2);
  }

  /** When room is likely: `turnsAhead` turns still to run, `parallel` of them at a time. */
  retryAfterMs(turnsAhead: number, parallel = 1): number {
    return Math.max(MIN_RETRY_AFTER_MS, Math.round((this.averageMs * turnsAhead) / parallel));
  }
}
