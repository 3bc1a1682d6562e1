import type { CanUseTool, Hooks } from '@claude-code-server/core';
import type { MessageMeta } from '../formatters.js';
import type { AgentEvent, AgentResponse } from '../types.js';

/** Someone waiting for a turn: a `chat()` promise or a `stream()` iterator. */
export interface JobCaller {
  /** Receives the turn's events as they happen (stream callers only). */
  onEvent?: (event: AgentEvent) => void;
  /** Called when the turn carrying the message takes its slot and starts. */
  onStart?: () => void;
  resolve(response: AgentResponse): void;
  reject(error: Error): void;
}

/** One message of a turn, with who sent it and who waits for it. */
export interface JobMessage {
  text: string;
  meta: MessageMeta;
  /** Content blocks sent after the text (images, files). */
  attachments?: ReadonlyArray<Record<string, unknown>>;
  caller: JobCaller;
}

/** Everything about a turn that is fixed by its first message; messages merge only when equal. */
export interface JobSettings {
  userId: string;
  project: string | undefined;
  overrides: unknown;
  canUseTool: CanUseTool | undefined;
  hooks: Hooks | undefined;
  timeoutMs: number | undefined;
  sessionMetadata: Record<string, unknown> | undefined;
}

function sameSettings(a: JobSettings, b: JobSettings): boolean {
  return (
    a.userId === b.userId &&
    a.project === b.project &&
    a.canUseTool === b.canUseTool &&
    a.hooks === b.hooks &&
    a.timeoutMs === b.timeoutMs &&
    JSON.stringify(a.overrides ?? null) === JSON.stringify(b.overrides ?? null) &&
    JSON.stringify(a.sessionMetadata ?? null) === JSON.stringify(b.sessionMetadata ?? null)
  );
}

/**
 * A turn waiting to run (or running): one message, or several merged by the debounce window.
 * Callers can leave before it ends; when the last one leaves, the turn is aborted.
 */
export class TurnJob {
  readonly messages: JobMessage[] = [];
  /** Aborted when every caller has left. */
  readonly abort = new AbortController();
  /** Resolves once the turn has succeeded or failed. */
  readonly done: Promise<void>;
  lastArrival = 0;
  started = false;
  private readonly left = new Set<JobCaller>();
  private settled = false;
  private markDone!: () => void;

  constructor(
    readonly sessionId: string,
    readonly settings: JobSettings,
  ) {
    this.done = new Promise((resolve) => {
      this.markDone = resolve;
    });
  }

  /** Marks the turn started (no message joins it any more) and tells its callers. */
  begin(): void {
    this.started = true;
    for (const caller of this.callers) {
      try {
        caller.onStart?.();
      } catch {
        // A caller's hook must not stop the turn the other callers wait for.
      }
    }
  }

  /** True when a message with these settings may join this (not yet started) turn. */
  accepts(settings: JobSettings): boolean {
    return !this.started && sameSettings(this.settings, settings);
  }

  add(message: JobMessage, now: number): void {
    this.messages.push(message);
    this.lastArrival = now;
  }

  /** Callers still waiting. */
  get callers(): JobCaller[] {
    return this.messages.map((m) => m.caller).filter((c) => !this.left.has(c));
  }

  /** A caller leaves (its signal fired, or it stopped iterating); the turn goes on for the others. */
  leave(caller: JobCaller, error: Error): void {
    if (this.settled || this.left.has(caller)) return;
    this.left.add(caller);
    caller.reject(error);
    if (this.callers.length === 0) this.abort.abort(error);
  }

  /** Every caller leaves with `error`; the running turn is aborted. */
  abandon(error: Error): void {
    for (const caller of this.callers) this.leave(caller, error);
  }

  /** Removes a not-yet-started caller's messages entirely; returns true when none are left. */
  withdraw(caller: JobCaller): boolean {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i]?.caller === caller) this.messages.splice(i, 1);
    }
    return this.messages.length === 0;
  }

  emit(event: AgentEvent): void {
    for (const caller of this.callers) caller.onEvent?.(event);
  }

  succeed(response: AgentResponse): void {
    this.settle((caller) => caller.resolve(response));
  }

  fail(error: Error): void {
    this.settle((caller) => caller.reject(error));
  }

  /** Ends the turn once, telling every caller still waiting. */
  private settle(tell: (caller: JobCaller) => void): void {
    if (this.settled) return;
    const callers = this.callers;
    this.settled = true;
    this.markDone();
    for (const caller of callers) tell(caller);
  }
}
