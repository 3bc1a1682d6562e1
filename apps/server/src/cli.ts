#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ClaudeCodeServerError } from '@claude-code-server/errors';
import { runDoctorCommand } from './commands/doctor.js';
import { parseCommandLine } from './commands/parse-command-line.js';
import { runStart } from './commands/start.js';
import { DOCTOR_USAGE, MAIN_USAGE, START_USAGE } from './commands/usage.js';
import { AppError, ConfigError } from './errors.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the command line and resolves the process's exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  switch (command.command) {
    case 'help':
      process.stdout.write(
        command.topic === 'start' ? START_USAGE : command.topic === 'doctor' ? DOCTOR_USAGE : MAIN_USAGE,
      );
      return 0;
    case 'version':
      process.stdout.write(`${version()}\n`);
      return 0;
    case 'start':
      return runStart(command);
    case 'doctor':
      return runDoctorCommand(command);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      // Each line already names the file (or variable) and the key.
      process.stderr.write(`${error.problems.join('\n')}\n`);
      process.exit(1);
    }
    if (error instanceof AppError) {
      process.stderr.write(`claude-code-server: ${error.message}\n`);
      process.exit(error.code === 'USAGE' ? 2 : 1);
    }
    // The packages' own errors carry a code and a message that says what is wrong: no stack needed.
    if (error instanceof ClaudeCodeServerError) {
      process.stderr.write(`claude-code-server: ${error.message} (${error.code})\n`);
      process.exit(1);
    }
    process.stderr.write(
      `claude-code-server: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exit(1);
  },
);
