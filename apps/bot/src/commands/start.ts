import { loadBotConfig } from '../config/load-bot-config.js';
import { createLogger } from '../config/server-app.js';
import { startBotService } from '../start/bot-service.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** `claude-code-server-bot start`: serves the webhooks until SIGTERM or SIGINT, then shuts down gracefully. */
export async function runStart(options: {
  configPath?: string;
  port?: number;
  pretty?: boolean;
}): Promise<number> {
  const config = loadBotConfig({ configPath: options.configPath, port: options.port });
  const logger = createLogger({
    level: config.log.level === 'silent' ? 'silent' : config.log.level,
    pretty: options.pretty === true || config.log.pretty,
  });
  const service = await startBotService(config, { logger });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    let count = 0;
    const onSignal = (name: NodeJS.Signals) => {
      count += 1;
      if (count === 1) return resolve(name);
      logger.warn({ signal: name }, 'second signal: exiting without waiting for running answers');
      process.exit(1);
    };
    for (const name of SIGNALS) process.on(name, onSignal);
  });
  logger.info({ signal }, 'shutting down: running answers may finish');
  await service.close();
  logger.info('stopped');
  return 0;
}
