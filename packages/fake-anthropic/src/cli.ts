#!/usr/bin/env node
import { CLI_USAGE, parseCliOptions } from './cli-options.js';
import { startCommandServer } from './command.js';

async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`fake-anthropic: ${(err as Error).message}\n${CLI_USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }
  const fake = await startCommandServer(options, (line) => process.stdout.write(`${line}\n`));
  const stop = () => {
    fake.close().then(() => process.exit(0));
  };
  // Before the URL is announced: whoever waits for it may stop the server at once.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`fake-anthropic listening on ${fake.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-anthropic: ${(err as Error).message}\n`);
  process.exit(1);
});
