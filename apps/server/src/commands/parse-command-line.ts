import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

import { UsageError } from '../errors.js';

export type CommandLine =
  | { command: 'help'; topic?: 'start' | 'doctor' }
  | { command: 'version' }
  | { command: 'start'; config?: string; port?: number; host?: string; pretty: boolean }
  | { command: 'doctor'; config?: string; live: boolean };

const configOption = { type: 'string', short: 'c' } as const;
const helpOption = { type: 'boolean', short: 'h' } as const;

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`--port: must be a whole number from 0 to 65535 (got ${JSON.stringify(text)})`);
  }
  return Number(text);
}

type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parse(command: string, args: string[], options: ParseArgsOptionsConfig): OptionValues {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as OptionValues;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new UsageError(`${command}: ${message}. See: claude-code-server ${command} --help`);
  }
}

/** What the command line asks for; UsageError (naming the bad part) when it is not valid. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = rest[0];
    return topic === 'start' || topic === 'doctor' ? { command: 'help', topic } : { command: 'help' };
  }
  if (first === '-v' || first === '--version') return { command: 'version' };
  if (first === 'start') {
    const values = parse('start', rest, {
      config: configOption,
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      pretty: { type: 'boolean' },
      help: helpOption,
    });
    if (values.help) return { command: 'help', topic: 'start' };
    if (values.host === '') throw new UsageError('--host: must not be empty');
    return {
      command: 'start',
      config: values.config as string | undefined,
      port: parsePort(values.port as string | undefined),
      host: values.host as string | undefined,
      pretty: values.pretty === true,
    };
  }
  if (first === 'doctor') {
    const values = parse('doctor', rest, {
      config: configOption,
      live: { type: 'boolean' },
      help: helpOption,
    });
    if (values.help) return { command: 'help', topic: 'doctor' };
    return { command: 'doctor', config: values.config as string | undefined, live: values.live === true };
  }
  throw new UsageError(
    `unknown command ${JSON.stringify(first)}; the commands are start and doctor (see --help)`,
  );
}
