/**
 * Every code an error of claude-code-server can carry, by the layer that throws it. The list is closed:
 * a caller switches on `code`, and a table keyed by it (the server's HTTP statuses) is checked by the
 * compiler, so a new code cannot go unmapped. One code means one thing in every package.
 */
export const ERROR_CODES = {
  /**
   * One meaning in every layer that throws them: an argument broke a rule (`field` names it), and
   * the caller gave up (its AbortSignal fired, or it left its stream).
   */
  common: ['INVALID_INPUT', 'ABORTED'],
  /** core: the CLI, its processes and the pool. */
  core: [
    'CLI_NOT_FOUND',
    'CLI_NOT_AUTHENTICATED',
    'INVALID_CONFIG',
    'PROCESS_EXITED',
    'TIMEOUT',
    'API_ERROR',
    'CLAUDE_SESSION_NOT_FOUND',
    'PROTOCOL_ERROR',
    'INTERRUPTED',
    'SESSION_CLOSED',
    'POOL_BUSY',
    'PERMISSION_TIMEOUT',
  ],
  /** store: the SessionStore contract. */
  store: ['SESSION_NOT_FOUND', 'STORE_UNAVAILABLE', 'CONFLICT', 'STORE_CLOSED'],
  /** agent: sessions, ordering, admission, leases. */
  agent: [
    'AGENT_BUSY',
    'OVERRIDE_NOT_ALLOWED',
    'UNKNOWN_PROJECT',
    'PROJECT_MISMATCH',
    'SESSION_OWNED_BY_OTHER_USER',
    'LEASE_TIMEOUT',
    'LEASE_LOST',
    'AGENT_CLOSED',
  ],
  /** server: createServer, shutdown and the HTTP answers of its own. */
  server: [
    'INVALID_OPTIONS',
    'PROJECT_DIRECTORY',
    'SERVER_CLOSED',
    'SERVER_RESTARTED',
    'INVALID_REQUEST',
    'INVALID_JSON',
    'PAYLOAD_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
    'UNAUTHORIZED',
    'FORBIDDEN',
    'NOT_FOUND',
    'RATE_LIMITED',
    'CONCURRENCY_LIMITED',
    'SERVER_BUSY',
    'SHUTTING_DOWN',
    'NODE_LOST',
    'TASK_FINISHED',
    'INTERNAL',
  ],
  /** apps/server: the command line and its config. */
  app: ['USAGE', 'CONFIG_NOT_FOUND', 'CONFIG_SYNTAX', 'CONFIG_INVALID', 'STORE_UNREACHABLE', 'LISTEN_FAILED'],
} as const;

type Codes = typeof ERROR_CODES;
/** The codes of one layer, e.g. `CodeOf<'store'>`. */
export type CodeOf<Layer extends keyof Codes> = Codes[Layer][number] | Codes['common'][number];
/** Every code of the project. */
export type ErrorCode = { [Layer in keyof Codes]: Codes[Layer][number] }[keyof Codes];

/**
 * Base of every error the project throws: catch them all with one `instanceof` and tell them apart
 * by `code`. `cause` holds the underlying error where there is one.
 */
export class ClaudeCodeServerError<Code extends ErrorCode = ErrorCode> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
