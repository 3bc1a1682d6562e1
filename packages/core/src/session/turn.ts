import { z } from 'zod';
import { toInvalidConfigError } from '../config.js';
import { positiveMs } from '../durations.js';
import { InvalidConfigError } from '../errors.js';
import type { ChatResponse, ClaudeEvent } from '../events.js';
import { type HookEvent, type Hooks, parseHooks } from '../hooks/hooks.js';
import type { CanUseTool } from './permissions.js';

/** What a caller sends: a prompt, or content blocks (text, image...) as the Messages API takes them. */
export type TurnInput = string | Array<Record<string, unknown>>;

/** Per-turn options of `session.send()`. */
export interface TurnOptions {
  /** Interrupt the turn after this long (counted from when it starts running); kill if ignored. */
  timeoutMs?: number;
  /** Aborting interrupts the turn (or drops it, if it has not started yet). */
  signal?: AbortSignal;
  /** Decides tool permissions for this turn (overrides the session's callback). */
  canUseTool?: CanUseTool;
  /** How long a permission request may stay unanswered before it is denied (overrides the session's). */
  permissionTimeoutMs?: number;
  /**
   * Hooks for this turn only, run besides the session's (the CLI gives a deny precedence): only for
   * events the session lists in `turnHookEvents`. Matchers are matched as the CLI matches them.
   */
  hooks?: Hooks;
}

const turnOptionsSchema = z.object({
  timeoutMs: positiveMs.optional(),
  signal: z.instanceof(AbortSignal, { message: 'must be an AbortSignal' }).optional(),
  canUseTool: z.custom<CanUseTool>((v) => typeof v === 'function', 'must be a function').optional(),
  permissionTimeoutMs: positiveMs.optional(),
});

/** Checks what `send()` got; throws InvalidConfigError naming the bad field. */
export function validateTurn(
  input: TurnInput,
  options: TurnOptions,
  turnHookEvents: readonly HookEvent[],
): void {
  const valid =
    (typeof input === 'string' && input.trim() !== '') ||
    (Array.isArray(input) && input.length > 0 && input.every((b) => typeof b === 'object' && b !== null));
  if (!valid)
    throw new InvalidConfigError(
      'prompt',
      'must be a non-empty string or a non-empty array of content blocks',
    );
  const { hooks, ...rest } = options;
  const parsed = turnOptionsSchema.safeParse(rest);
  if (!parsed.success) throw toInvalidConfigError(parsed.error);
  for (const event of Object.keys(parseHooks(hooks))) {
    if (!turnHookEvents.includes(event as HookEvent)) {
      // The process registered its hook events when it started: another one would never be called.
      throw new InvalidConfigError(`hooks.${event}`, `needs ${event} in the session's turnHookEvents`);
    }
  }
}

/**
 * One prompt and its answer. Iterate it for events as they arrive; await it (or `turn.result`) for the
 * final ChatResponse. Iterating is optional, may start late (events are buffered per turn), and may be
 * done by several consumers at once (each sees every event).
 */
export class Turn implements AsyncIterable<ClaudeEvent>, PromiseLike<ChatResponse> {
  /** Resolves with the answer; rejects with a ClaudeError (interrupted, timeout, process died...). */
  readonly result: Promise<ChatResponse>;
  private readonly events: ClaudeEvent[] = [];
  /** Iterators waiting for the next event (a turn may be iterated by several consumers at once). */
  private readonly waiting = new Set<() => void>();
  private done = false;
  private failure: Error | undefined;
  private resolveResult!: (response: ChatResponse) => void;
  private rejectResult!: (error: Error) => void;

  constructor(
    readonly input: TurnInput,
    readonly options: TurnOptions,
  ) {
    this.result = new Promise<ChatResponse>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // A caller who only iterates still sees the error there; don't report it as unhandled.
    this.result.catch(() => {});
  }

  /** True once the turn has its result or its error. */
  get finished(): boolean {
    return this.done;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Turn is awaitable on purpose (`await session.send(...)`).
  then<A = ChatResponse, B = never>(
    onFulfilled?: ((value: ChatResponse) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result.then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ClaudeEvent> {
    let next = 0;
    while (true) {
      if (next < this.events.length) {
        yield this.events[next++] as ClaudeEvent;
        continue;
      }
      if (this.done) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => this.waiting.add(resolve));
    }
  }

  /** @internal Adds an event for iterators. */
  push(event: ClaudeEvent): void {
    if (this.done) return;
    this.events.push(event);
    this.notify();
  }

  /** @internal Ends the turn with its answer. */
  succeed(response: ChatResponse): void {
    if (this.done) return;
    this.done = true;
    this.resolveResult(response);
    this.notify();
  }

  /** @internal Ends the turn with an error. */
  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    this.rejectResult(error);
    this.notify();
  }

  private notify(): void {
    const woken = [...this.waiting];
    this.waiting.clear();
    for (const wake of woken) wake();
  }
}
