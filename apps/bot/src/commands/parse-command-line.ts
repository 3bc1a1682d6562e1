import { parseArgs } from 'node:util';
import { UsageError } from '@claude-code-server/app-server/shared';

export type Command =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'start'; configPath?: string; port?: number; pretty?: boolean }
  | { command: 'doctor'; configPath?: string };

export const USAGE = `Usage: claude-code-server-bot <command> [options]

Commands:
  start     serve the webhooks of the platforms bot.yaml enables (Slack, Discord, Teams, Google Chat, Telegram, Lark, WeCom, WeChat)
  doctor    check the config, the CLI and its credentials, the store, the Chat SDK state and each platform's variables
  help      this text

Options:
  --config <path>   the config file (default ./bot.yaml, or CCS_BOT_CONFIG)
  --port <n>        start: the port to listen on (default 8100, or CCS_BOT_PORT)
  --pretty          start: readable log lines instead of JSON
  --version         print the version
`;

/** The command line as a command; a wrong one is a UsageError saying what is wrong. */
export function parseCommandLine(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        pretty: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.version) return { command: 'version' };
  const name = positionals[0] ?? 'help';
  if (values.help || name === 'help') return { command: 'help' };
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}\n\n${USAGE}`);
  const configPath = values.config as string | undefined;
  if (name === 'doctor') return { command: 'doctor', configPath };
  if (name !== 'start') throw new UsageError(`unknown command: ${name}\n\n${USAGE}`);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(String(values.port)) || port > 65_535) {
      throw new UsageError(`--port must be a port number (0-65535), not ${values.port}`);
    }
  }
  return { command: 'start', configPath, port, pretty: values.pretty as boolean | undefined };
}
