#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { exitWithCliError } from './cli-errors.js';
import { runDoctorCommand } from './commands/doctor.js';
import { parseCommandLine } from './commands/parse-command-line.js';
import { runStart } from './commands/start.js';
import { DOCTOR_USAGE, MAIN_USAGE, START_USAGE } from './commands/usage.js';

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
  (error: unknown) => exitWithCliError('claude-code-server', error),
);
