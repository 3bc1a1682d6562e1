import type { CliOptions } from './cli-options.js';
import { echoRule, memoryRule } from './rules.js';
import { type FakeAnthropic, startFakeAnthropic } from './server.js';

/**
 * Starts the server the `fake-anthropic` command runs: the memory rule, then echo. Logs one line per
 * request (method, path, reply kind, side-call label); prompts stay out of the log.
 */
export async function startCommandServer(
  options: Pick<CliOptions, 'port' | 'host'>,
  log: (line: string) => void,
): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic({
    port: options.port,
    host: options.host,
    onRequest: (req) => {
      const side = req.sideCall ? ` (side call: ${req.sideCall})` : '';
      log(`${req.method} ${req.path} -> ${req.replyType}${side}`);
    },
  });
  fake.addRule(memoryRule);
  fake.addRule(echoRule);
  return fake;
}
