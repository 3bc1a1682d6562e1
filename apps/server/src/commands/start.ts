import type { Server } from 'node:http';
import type { JobQueue } from '@claude-code-server/jobs';
import type { ClaudeCodeServer } from '@claude-code-server/server';
import { createApprovalHandOffFromConfig } from '../approvals/create-hand-off.js';
import { loadConfig } from '../config/load-config.js';
import { createRateLimitsFromConfig, type OpenRateLimits } from '../limits/create-rate-limits.js';
import { createLogger } from '../log/create-logger.js';
import { shutDown } from '../start/graceful-shutdown.js';
import { prepareProjects } from '../start/prepare-projects.js';
import { serveConsole } from '../start/serve-console.js';
import { buildServer, listen } from '../start/server-factory.js';
import { serverUrl } from '../start/server-url.js';
import { createStoreFromConfig } from '../store/create-store.js';
import { createTaskQueueFromConfig, taskQueueName } from '../store/create-task-queue.js';
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
  const store = await createStoreFromConfig(config.store);
  let server: ClaudeCodeServer | undefined;
  let http: Server;
  let taskQueue: JobQueue | undefined;
  let limits: OpenRateLimits | undefined;
  const approvals = await createApprovalHandOffFromConfig(config.store);
  try {
    taskQueue = await createTaskQueueFromConfig(config.server.tasks.queue, config.store);
    limits = await createRateLimitsFromConfig(config.store);
    server = await buildServer(config.server, store, logger, taskQueue, approvals, limits?.rateLimits);
    http = await listen(server, config.listen.host, config.listen.port);
    if (config.console.enabled) serveConsole(http, server);
  } catch (error) {
    await server?.shutdown({ deadlineMs: 0 }).catch(() => {});
    // A server that never started did not close the queue.
    if (!server) await taskQueue?.close().catch(() => {});
    await approvals?.shutdown();
    await limits?.close();
    await store.close().catch(() => {});
    throw error;
  }
  const url = serverUrl(http);
  logger.info(
    {
      url,
      store: describeStore(config.store),
      task_queue: taskQueueName(config.server.tasks.queue, config.store),
      config: config.file ?? 'defaults',
    },
    `claude-code-server listening on ${url}`,
  );
  if (config.console.enabled) logger.info({ console: `${url}/console/` }, `web console at ${url}/console/`);

  // One handler stays installed until the process exits: a library that handles these signals only
  // when nobody else does (core kills its CLI processes and re-raises) must keep seeing it.
  let signalCount = 0;
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (name: NodeJS.Signals) => {
      signalCount += 1;
      if (signalCount === 1) return resolve(name);
      // A second signal means "now": the CLI processes are killed as the process exits.
      logger.warn({ signal: name }, 'second signal: exiting without waiting for running turns');
      process.exit(1);
    };
    for (const name of SIGNALS) process.on(name, onSignal);
  });
  await shutDown({ http, server, store, logger, deadlineMs: config.listen.shutdown_deadline_ms }, signal);
  await approvals?.shutdown();
  await limits?.close();
  return 0;
}
