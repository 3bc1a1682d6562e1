export type AppErrorCode =
  | 'USAGE'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_INVALID'
  | 'STORE_UNREACHABLE'
  | 'PROJECT_DIRECTORY'
  | 'LISTEN_FAILED';

/** Base of every error the app reports; `code` tells them apart, `message` says what to fix. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

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

/** A project directory is missing or unreadable. */
export class ProjectDirectoryError extends AppError {
  constructor(message: string) {
    super('PROJECT_DIRECTORY', message);
  }
}
