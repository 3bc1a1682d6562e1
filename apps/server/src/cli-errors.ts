import { ClaudeCodeServerError } from '@claude-code-server/errors';
import { AppError, ConfigError } from './errors.js';

/**
 * Ends a command that failed: config problems line by line, usage errors with exit code 2, the
 * packages' own errors by message and code (no stack needed), anything else through `describeOther`.
 */
export function exitWithCliError(
  program: string,
  error: unknown,
  describeOther: (error: unknown) => string = (other) =>
    `unexpected error: ${(other as Error)?.stack ?? String(other)}`,
): never {
  if (error instanceof ConfigError) {
    // Each line already names the file (or variable) and the key.
    process.stderr.write(`${error.problems.join('\n')}\n`);
    process.exit(1);
  }
  if (error instanceof AppError) {
    process.stderr.write(`${program}: ${error.message}\n`);
    process.exit(error.code === 'USAGE' ? 2 : 1);
  }
  if (error instanceof ClaudeCodeServerError) {
    process.stderr.write(`${program}: ${error.message} (${error.code})\n`);
    process.exit(1);
  }
  process.stderr.write(`${program}: ${describeOther(error)}\n`);
  process.exit(1);
}
