import { ClaudeCodeServerError, type CodeOf } from '@claude-code-server/errors';

/** Every code a core error can carry; shared by the one-shot client, warm sessions and the pool. */
export type ClaudeErrorCode = CodeOf<'core'>;

/** Base of every error core throws; tell them apart by `code`. */
export class ClaudeError extends ClaudeCodeServerError<ClaudeErrorCode> {}

/** No `claude` binary could be found by any of the lookup steps. */
export class CliNotFoundError extends ClaudeError {
  /** Where we looked, in order. */
  readonly searched: readonly string[];
  constructor(searched: readonly string[], options?: { cause?: unknown }) {
    super(
      'CLI_NOT_FOUND',
      `Claude Code CLI not found (looked at: ${searched.join('; ')}). ` +
        'Install it with `npm install @anthropic-ai/claude-code`, or set the `cliPath` option or the ' +
        'CLAUDE_CODE_CLI_PATH environment variable to the path of a `claude` binary.',
      options,
    );
    this.searched = searched;
  }
}

/**
 * The CLI has no Anthropic credentials (it answered "Not logged in" without calling the API), or
 * they were refused before any call. `cliAnswer` is what the CLI said.
 */
export class CliNotAuthenticatedError extends ClaudeError {
  readonly cliAnswer: string;
  constructor(cliAnswer: string, fix: string) {
    super(
      'CLI_NOT_AUTHENTICATED',
      `the Claude Code CLI has no Anthropic credentials (it said: ${cliAnswer}): ${fix}`,
    );
    this.cliAnswer = cliAnswer;
  }
}

/** A config value failed validation; `field` is its dotted path (e.g. `env.FOO`). */
export class InvalidConfigError extends ClaudeError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super('INVALID_CONFIG', `invalid config ${field}: ${problem}`);
    this.field = field;
  }
}

/** The CLI process ended before it produced a result. */
export class ProcessExitedError extends ClaudeError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last part of what the process wrote to stderr. */
  readonly stderrTail: string;
  constructor(exitCode: number | null, signal: NodeJS.Signals | null, stderrTail: string, detail?: string) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const tail = stderrTail.trim() ? `; stderr: ${stderrTail.trim()}` : '';
    super('PROCESS_EXITED', `Claude Code CLI ${how}${detail ? ` ${detail}` : ''}${tail}`);
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrTail = stderrTail;
  }
}

/** The run took longer than `timeoutMs`; the process was killed. */
export class TimeoutError extends ClaudeError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super('TIMEOUT', `Claude Code CLI did not finish within ${timeoutMs} ms; the process was killed`);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's AbortSignal fired (a running process was killed). `cause` is the signal's reason. */
export class AbortedError extends ClaudeError {
  constructor(options?: { cause?: unknown; message?: string }) {
    super('ABORTED', options?.message ?? 'the Claude Code run was aborted; the process was killed', options);
  }
}

/** The Anthropic API refused or failed the request, as reported by the CLI. */
export class ApiError extends ClaudeError {
  /** HTTP status, when the CLI reported one. */
  readonly status: number | null;
  /** True for 401/403: retrying with the same credentials will not help. */
  readonly isAuthError: boolean;
  /** The CLI's own message (e.g. `API Error: 401 ...`). */
  readonly apiMessage: string;
  constructor(status: number | null, apiMessage: string, options?: { cause?: unknown }) {
    const isAuthError = status === 401 || status === 403;
    super(
      'API_ERROR',
      `Anthropic API error${status ? ` ${status}` : ''}${isAuthError ? ' (authentication failed)' : ''}: ${apiMessage}`,
      options,
    );
    this.status = status;
    this.isAuthError = isAuthError;
    this.apiMessage = apiMessage;
  }
}

/** `resume` named a Claude session id that has no transcript in this config dir and cwd. */
export class ClaudeSessionNotFoundError extends ClaudeError {
  readonly sessionId: string;
  constructor(sessionId: string) {
    super('CLAUDE_SESSION_NOT_FOUND', `no Claude conversation found with session id ${sessionId}`);
    this.sessionId = sessionId;
  }
}

const MAX_LINE_IN_ERROR = 500;

/** The CLI wrote something we could not understand (e.g. a stdout line that is not JSON). */
export class ProtocolError extends ClaudeError {
  /** The offending line, truncated. */
  readonly line: string;
  constructor(problem: string, line: string, options?: { cause?: unknown }) {
    const shown = line.length > MAX_LINE_IN_ERROR ? `${line.slice(0, MAX_LINE_IN_ERROR)}…` : line;
    super('PROTOCOL_ERROR', `${problem}: ${shown}`, options);
    this.line = shown;
  }
}
