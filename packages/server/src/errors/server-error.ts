/** Codes of the errors `createServer` itself throws (HTTP errors have their own, see http-error.ts). */
export type ServerErrorCode = 'INVALID_OPTIONS' | 'PROJECT_DIR_MISSING' | 'SERVER_CLOSED';

/** Base of the errors `createServer` and `shutdown` throw; tell them apart by `code`. */
export class ServerError extends Error {
  readonly code: ServerErrorCode;
  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The options were wrong; `problems` holds one `path: problem` line per issue, `path` the first path. */
export class InvalidServerOptionsError extends ServerError {
  readonly path: string;
  readonly problems: string[];
  constructor(problems: string[], path: string) {
    super('INVALID_OPTIONS', `invalid server options: ${problems.join('; ')}`);
    this.path = path;
    this.problems = problems;
  }
}

/** A configured project directory does not exist or is not a directory. */
export class ProjectDirectoryError extends ServerError {
  readonly project: string;
  readonly directory: string;
  constructor(project: string, directory: string, problem: string) {
    super('PROJECT_DIR_MISSING', `projects.${project}.path: ${directory} ${problem}`);
    this.project = project;
    this.directory = directory;
  }
}
