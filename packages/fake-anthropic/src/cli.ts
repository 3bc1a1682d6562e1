#!/usr/bin/env node
import { CLI_USAGE, parseCliOptions } from './cli-options.js';
import { echoRule, memoryRule } from './rules.js';
import { startFakeAnthropic } from './server.js';

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
  const fake = await startFakeAnthropic({
    port: options.port,
    host: options.host,
    // One line per request; prompts stay out of the log.
    onRequest: (req) => {
      const side = req.sideCall ? ` (side call: ${req.sideCall})` : '';
      process.stdout.write(`${req.method} ${req.path} -> ${req.replyType}${side}\n`);
    },
  });
  fake.addRule(memoryRule);
  fake.addRule(echoRule);
  process.stdout.write(`fake-anthropic listening on ${fake.url}\n`);
  const stop = () => {
    fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-anthropic: ${(err as Error).message}\n`);
  process.exit(1);
});
