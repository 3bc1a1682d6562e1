import { AbortedError, ClaudeError, TimeoutError } from '../errors.js';

/**
 * The turn was ended by `session.interrupt()`. `killed` tells whether the process ignored the interrupt
 * and had to be killed (the session then restarts by resume on the next turn).
 */
export class InterruptedError extends ClaudeError {
  readonly killed: boolean;
  constructor(killed = false) {
    super(
      'INTERRUPTED',
      killed
        ? 'the turn ignored the interrupt; the process was killed (the next turn resumes the session)'
        : 'the turn was interrupted; the session is still usable',
    );
    this.killed = killed;
  }
}

/** The session was closed (by `close()`, or it never started) before the turn could finish. */
export class SessionClosedError extends ClaudeError {
  constructor(detail = 'the session is closed') {
    super('SESSION_CLOSED', detail);
  }
}

/**
 * A turn ran past its `timeoutMs`. `killed` tells whether the process ignored the interrupt and had to
 * be killed (the session then restarts by resume on the next turn).
 */
export class TurnTimeoutError extends TimeoutError {
  readonly killed: boolean;
  constructor(timeoutMs: number, killed: boolean) {
    super(timeoutMs);
    this.killed = killed;
    this.message = killed
      ? `the turn did not finish within ${timeoutMs} ms and ignored the interrupt; the process was killed`
      : `the turn did not finish within ${timeoutMs} ms and was interrupted; the session is still usable`;
  }
}

/** How far an aborted turn got: dropped from the queue, interrupted, or killed because it ignored the interrupt. */
export type AbortOutcome = 'dropped' | 'interrupted' | 'killed';

/** The turn's AbortSignal fired. The session stays usable unless `outcome` is `killed` (then it resumes). */
export class TurnAbortedError extends AbortedError {
  readonly outcome: AbortOutcome;
  constructor(outcome: AbortOutcome, options?: { cause?: unknown }) {
    super(options);
    this.outcome = outcome;
    this.message =
      outcome === 'dropped'
        ? 'the turn was aborted before it started'
        : outcome === 'interrupted'
          ? 'the turn was aborted and interrupted; the session is still usable'
          : 'the turn was aborted and ignored the interrupt; the process was killed';
  }
}

/** Nobody answered a tool-permission request within `permissionTimeoutMs`; the tool was denied. */
export class PermissionTimeoutError extends ClaudeError {
  readonly toolName: string;
  readonly timeoutMs: number;
  constructor(toolName: string, timeoutMs: number) {
    super('PERMISSION_TIMEOUT', `no answer to the permission request for ${toolName} within ${timeoutMs} ms`);
    this.toolName = toolName;
    this.timeoutMs = timeoutMs;
  }
}
