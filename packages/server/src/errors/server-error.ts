import { ClaudeCodeServerError } from '@claude-code-server/errors';

/** Codes of the errors `createServer` itself throws (HTTP errors have their own, see http-error.ts). */
export type ServerErrorCode = 'INVALID_OPTIONS' | 'PROJECT_DIRECTORY' | 'SERVER_CLOSED';

/** Base of the errors `createServer` and `shutdown` throw; tell them apart by `code`. */
export class ServerError extends ClaudeCodeServerError<ServerErrorCode> {}

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

/** A configured project directory is missing, not a directory, or unreadable. */
export class ProjectDirectoryError extends ServerError {
  readonly project: string;
  readonly directory: string;
  constructor(project: string, directory: string, problem: string) {
    super(
      'PROJECT_DIRECTORY',
      `project ${project}: the directory ${directory} ${problem}; create it or change projects.${project}.path in the config`,
    );
    this.project = project;
    this.directory = directory;
  }
}
