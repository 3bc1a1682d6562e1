import type { Server } from 'node:http';
import type { SessionStore } from '@claude-code-server/store';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../log/create-logger.js';
import { shutDown } from '../start/graceful-shutdown.js';
import { listen, serverUrl } from '../start/listen.js';
import { prepareProjects } from '../start/prepare-projects.js';
import { buildServer } from '../start/server-factory.js';
import { createStoreFromConfig } from '../store/create-store.js';
import { describeStore } from '../store/describe-store.js';

export interface StartOptions {
  config?: string;
  port?: number;
  host?: string;
  pretty?: boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** `claude-code-server start`: serves until SIGTERM or SIGINT, then shuts down gracefully. Resolves the exit code. */
export async function runStart(options: StartOptions): Promise<number> {
  const config = loadConfig({ configPath: options.config, port: options.port, host: options.host });
  const logger = createLogger({
    level: config.log.level,
    pretty: options.pretty === true || config.log.pretty,
  });
  prepareProjects(config);
  const store: SessionStore = await createStoreFromConfig(config.store);
  let http: Server;
  let server: Awaited<ReturnType<typeof buildServer>>;
  try {
    server = await buildServer(config.server, store, logger);
    http = await listen(server.app, config.listen.host, config.listen.port).catch(async (error) => {
      await server.shutdown({ deadlineMs: 0 });
      throw error;
    });
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  const url = serverUrl(http);
  logger.info(
    { url, store: describeStore(config.store), config: config.file ?? 'defaults' },
    `claude-code-server listening on ${url}`,
  );

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of SIGNALS) process.once(name, () => resolve(name));
  });
  // A second signal while shutting down means "now": the CLI processes are killed as the process exits.
  for (const name of SIGNALS) {
    process.once(name, () => {
      logger.warn({ signal: name }, 'second signal: exiting without waiting for running turns');
      process.exit(1);
    });
  }
  await shutDown({ http, server, store, logger, deadlineMs: config.listen.shutdown_deadline_ms }, signal);
  return 0;
}
