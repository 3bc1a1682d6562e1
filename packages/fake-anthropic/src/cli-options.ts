import { parseArgs } from 'node:util';

export interface CliOptions {
  port: number;
  host: string;
  help: boolean;
}

export const CLI_USAGE = `Usage: fake-anthropic [--port 8787] [--host 127.0.0.1]

A scripted Anthropic Messages API for trying the claude CLI offline. It remembers a name
("My name is X" / "What is my name?") and otherwise echoes the last user message.
Point the CLI at it with ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ANTHROPIC_API_KEY=any.`;

/** Parses the bin's arguments; throws an Error naming the bad option. */
export function parseCliOptions(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  return { port, host: values.host ?? '127.0.0.1', help: values.help === true };
}
