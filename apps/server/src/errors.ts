import { ClaudeCodeServerError, type CodeOf } from '@claude-code-server/errors';

export type AppErrorCode = CodeOf<'app'>;

/** Base of every error the app reports; `code` tells them apart, `message` says what to fix. */
export class AppError extends ClaudeCodeServerError<AppErrorCode> {}

/** A command line the command does not accept. */
export class UsageError extends AppError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/**
 * The config file, an environment override or a flag is wrong. `problems` holds one line per problem,
 * each naming where it came from and the key: `config.yaml: auth.keys[0].name: must not be empty`.
 */
export class ConfigError extends AppError {
  readonly problems: readonly string[];
  constructor(code: 'CONFIG_NOT_FOUND' | 'CONFIG_SYNTAX' | 'CONFIG_INVALID', problems: readonly string[]) {
    super(code, problems.join('\n'));
    this.problems = problems;
  }
}

/** The configured store could not be opened or did not answer. */
export class StoreUnreachableError extends AppError {
  readonly storeType: string;
  constructor(storeType: string, message: string, options?: { cause?: unknown }) {
    super('STORE_UNREACHABLE', message, options);
    this.storeType = storeType;
  }
}
