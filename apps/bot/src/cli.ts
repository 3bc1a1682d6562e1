#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { exitWithCliError } from '@claude-code-server/app-server/shared';
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
  // Chat SDK's adapters say which variable is missing in their message.
  (error: unknown) =>
    exitWithCliError('claude-code-server-bot', error, (other) => (other as Error)?.message ?? String(other)),
);
