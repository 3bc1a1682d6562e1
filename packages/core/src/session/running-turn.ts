import type { ClaudeError } from '../errors.js';
import { type ChatResponse, mapCliMessage, resultError, toChatResponse } from '../events.js';
import { apiRetryError } from '../retry-policy.js';
import type { CliMessage, CliResultMessage } from '../stream-json.js';
import { InterruptedError, SessionClosedError, TurnAbortedError, TurnTimeoutError } from './errors.js';
import type { Turn } from './turn.js';

/** Why a running turn is being stopped early. */
export type EndReason =
  | { kind: 'interrupt' }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'abort'; cause: unknown }
  | { kind: 'close' }
  | { kind: 'error'; error: ClaudeError };

function reasonError(reason: EndReason, killed: boolean): Error {
  switch (reason.kind) {
    case 'interrupt':
      return new InterruptedError(killed);
    case 'timeout':
      return new TurnTimeoutError(reason.timeoutMs, killed);
    case 'abort':
      return new TurnAbortedError(killed ? 'killed' : 'interrupted', { cause: reason.cause });
    case 'close':
      return new SessionClosedError('the session was closed while the turn was running');
    case 'error':
      return reason.error;
  }
}

/**
 * The turn the process is answering now: turns its CLI messages into the turn's events, remembers why
 * it is being stopped early (if it is), holds its timers, and decides how it ends.
 */
export class RunningTurn {
  private reason: EndReason | undefined;
  /** The failure the CLI reported in a message of its own (`authentication_failed`...), if any. */
  private assistantError: string | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(readonly turn: Turn) {}

  /** Records why the turn is stopped early; false if it already was being stopped. */
  stopFor(reason: EndReason): boolean {
    if (this.reason) return false;
    this.reason = reason;
    return true;
  }

  /** Runs `fn` after `ms`, unless the turn ends first. */
  schedule(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }

  /** Adds a message's events to the turn; returns an error that must stop it (API retries past `maxApiRetries`). */
  handle(message: CliMessage, maxApiRetries: number | undefined): ClaudeError | undefined {
    let stop: ClaudeError | undefined;
    for (const event of mapCliMessage(message)) {
      this.turn.push(event);
      if (event.type === 'assistant_error') this.assistantError = event.error;
      if (event.type === 'api_retry') stop ??= apiRetryError(event, maxApiRetries);
    }
    return stop;
  }

  /**
   * Ends the turn with the CLI's result: its error, or the stop reason's when the turn was cut short.
   * `costBeforeUsd` is what the process had spent before this turn, so the response holds this turn's own.
   */
  finishWithResult(result: CliResultMessage, costBeforeUsd = 0): void {
    const response = toChatResponse(result);
    response.costUsd = Math.max(0, response.costUsd - costBeforeUsd);
    this.turn.push({ type: 'result', response });
    const stoppedEarly = this.reason && (result.is_error || result.subtype !== 'success');
    const error =
      stoppedEarly && this.reason
        ? reasonError(this.reason, false)
        : resultError(result, this.assistantError);
    this.finish(error, response);
  }

  /** Ends the turn because its process exited: killed for the stop reason, or `crash`. */
  finishWithExit(killed: boolean, crash: Error): void {
    this.finish(this.reason && killed ? reasonError(this.reason, true) : crash);
  }

  /** Ends the turn with `error` (or `response`) and clears its timers. */
  finish(error: Error | undefined, response?: ChatResponse): void {
    for (const timer of this.timers) clearTimeout(timer);
    if (error) this.turn.fail(error);
    else if (response) this.turn.succeed(response);
  }
}
