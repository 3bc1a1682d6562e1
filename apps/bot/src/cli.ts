#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { AppError, ConfigError } from '@claude-code-server/app-server/dist/errors.js';
import { ClaudeCodeServerError } from '@claude-code-server/errors';
import { runDoctorCommand } from './commands/doctor.js';
import { parseCommandLine, USAGE } from './commands/parse-command-line.js';
import { runStart } from './commands/start.js';

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  switch (command.command) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version': {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      process.stdout.write(`${pkg.version}\n`);
      return 0;
    }
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
      process.stderr.write(`${error.problems.join('\n')}\n`);
      process.exit(1);
    }
    if (error instanceof AppError) {
      process.stderr.write(`claude-code-server-bot: ${error.message}\n`);
      process.exit(error.code === 'USAGE' ? 2 : 1);
    }
    if (error instanceof ClaudeCodeServerError) {
      process.stderr.write(`claude-code-server-bot: ${error.message} (${error.code})\n`);
      process.exit(1);
    }
    // Chat SDK's adapters say which variable is missing in their message.
    process.stderr.write(`claude-code-server-bot: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
