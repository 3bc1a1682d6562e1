import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { ClaudeAgent, DEFAULT_LEASE_TTL_MS } from '@claude-code-server/agent';
import { CREDENTIAL_VARIABLES, NO_CREDENTIALS_FIX } from '@claude-code-server/core';
import { createMemoryJobQueue } from '@claude-code-server/jobs';
import bytes from 'bytes';
import type { Express } from 'express';
import { type Logger, pino } from 'pino';
import { buildAgentOptions, resolveProjectDirectories } from './agent-factory.js';
import { ApprovalBroker } from './approvals/approval-broker.js';
import { InProcessApprovalHandOff } from './approvals/in-process-hand-off.js';
import { KeyTable } from './auth/key-table.js';
import { ShutdownAbort, TurnService } from './chat/turn-service.js';
import { SessionAffinity } from './cluster/session-affinity.js';
import { InvalidServerOptionsError } from './errors/server-error.js';
import { HealthCheck } from './health/health-check.js';
import { buildApp } from './http/build-app.js';
import { RateLimiter } from './limits/rate-limiter.js';
import { TurnSlots } from './limits/turn-slots.js';
import { measuredStore } from './metrics/measured-store.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { ModelNames } from './openai/model-names.js';
import { buildOpenApiDocument, operationsOf } from './openapi/document.js';
import { claudeConfigOf } from './options/claude-section.js';
import {
  type ParsedServerOptions,
  parseServerOptions,
  type ServerOptions,
} from './options/server-options.js';
import { loadServerPlugins } from './plugins/plugin-loader.js';
import type { RouteContext } from './routes/context.js';
import { TaskRegistry } from './tasks/task-registry.js';
import { TaskRunner } from './tasks/task-runner.js';
import { TaskSweeper } from './tasks/task-sweeper.js';
import { drainTurns } from './turns/drain-turns.js';
import { RunningTurns } from './turns/running-turns.js';
import { SERVER_VERSION } from './version.js';
import { WsEndpoint } from './ws/ws-endpoint.js';

export interface ShutdownOptions {
  /** How long running turns may go on before they are interrupted (default 30 s). */
  deadlineMs?: number;
}

/** What `createServer` returns. */
export interface ClaudeCodeServer {
  /** The Express app: listen it yourself (or with `listen`), or mount it, or test it with supertest. */
  app: Express;
  /** The agent answering the turns (the one passed in, or the one the server built). */
  agent: ClaudeAgent;
  logger: Logger;
  /** Listens on a port (0: any free one), with GET /ws on it; `shutdown` closes what it opened. */
  listen(port: number, host?: string): Promise<Server>;
  /**
   * Serves GET /ws on an HTTP server you created for `app` (`listen` does it for its own); a no-op
   * with websocket.enabled: false.
   */
  attachWebSocket(server: Server): void;
  /**
   * Stops taking requests (503), lets running turns finish until the deadline, interrupts the rest,
   * marks unfinished tasks failed and closes the agent it built (its CLI processes) and its listeners.
   * The store is not closed: whoever created it closes it.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/** Tools and hooks are part of every CLI process an agent starts: one passed in brings its own. */
function refusePluginsBesideAnInstance(options: ParsedServerOptions): void {
  const given = [
    options.plugins.length > 0 ? 'plugins' : undefined,
    options.toolServers !== undefined ? 'toolServers' : undefined,
    options.hooks !== undefined ? 'hooks' : undefined,
  ].filter((key) => key !== undefined);
  if (given.length === 0) return;
  const problems = given.map(
    (key) =>
      `${key}: does not apply to an agent instance: give toolServers and hooks to the ClaudeAgent you pass`,
  );
  throw new InvalidServerOptionsError(problems, given[0] as string);
}

/** A node's advertised URL is recorded by its agent's turns: one passed in must record the same. */
function checkAdvertisedAddress(options: ParsedServerOptions, agent: ClaudeAgent): void {
  const advertised = options.cluster.advertise_url;
  if (advertised === undefined || agent.ownerAddress === advertised) return;
  throw new InvalidServerOptionsError(
    [
      `cluster.advertise_url: the ClaudeAgent passed records ${JSON.stringify(agent.ownerAddress)} with its turns: give it ownerAddress: ${JSON.stringify(advertised)}`,
    ],
    'cluster.advertise_url',
  );
}

/** Builds the HTTP server over a ClaudeAgent; throws InvalidServerOptionsError naming each bad option. */
export async function createServer(input: ServerOptions): Promise<ClaudeCodeServer> {
  const options = parseServerOptions(input);
  const logger =
    options.logger ?? pino({ level: options.log.level, base: { service: 'claude-code-server' } });
  const projectDirs = resolveProjectDirectories(options.projects);
  const projectNames = Object.keys(options.projects);
  const defaultProject = options.default_project ?? (projectNames[0] as string);
  const ownsAgent = !(options.agent instanceof ClaudeAgent);
  if (!ownsAgent) refusePluginsBesideAnInstance(options);
  // The operator's tools and hooks: every session of the agent has them (API clients define none).
  const plugins = await loadServerPlugins({
    paths: options.plugins,
    toolServers: options.toolServers,
    hooks: options.hooks,
  });
  for (const plugin of plugins.loaded) {
    logger.info({ plugin: plugin.path, tools: plugin.toolNames, hooks: plugin.hookEvents }, 'plugin loaded');
  }
  const operatorTools = plugins.toolServers.flatMap((server) => [...server.toolNames]);
  const keys = new KeyTable(options, operatorTools);
  // With metrics on, every store call the server makes (its agent's too) is timed.
  const metrics = options.metrics.enabled ? new ServerMetrics() : undefined;
  const store = metrics ? measuredStore(options.store, metrics) : options.store;
  if (keys.anonymous) logger.warn('auth: none: anyone who can reach this server can use it');

  const agent =
    options.agent instanceof ClaudeAgent
      ? options.agent
      : new ClaudeAgent(
          buildAgentOptions({
            store,
            claude: options.claude,
            agent: options.agent,
            limits: options.limits,
            permissions: options.permissions,
            cluster: options.cluster,
            principals: keys.principals,
            projectDirs,
            defaultProject,
            plugins,
          }),
        );
  if (!ownsAgent) checkAdvertisedAddress(options, agent);
  metrics?.observeAgent(agent);

  const instanceId = `server-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const running = new RunningTurns();
  // The directories a turn's tools may use besides its project's.
  const extraDirs = claudeConfigOf(options.claude).addDirs ?? [];
  const approvals = new ApprovalBroker(
    options.approvals ?? new InProcessApprovalHandOff(),
    options.permissions.approval_timeout_ms,
    extraDirs,
  );
  const turns = new TurnService({
    approvals,
    attachments: options.attachments,
    agent,
    store,
    running,
    logger,
    projects: projectNames,
    projectDirs,
    defaultProject,
    defaults: {
      permissionMode: options.claude.permission_mode,
      allowedTools: [...options.claude.allowed_tools, ...operatorTools],
    },
    defaultTimeoutMs: options.limits.default_timeout_ms,
    maxTimeoutMs: options.limits.max_timeout_ms,
    includeContent: options.log.include_content,
    ...(metrics ? { observer: metrics } : {}),
    // A key's turn slots are leases like the sessions', freed as fast when a node dies.
    slots: new TurnSlots(
      store,
      agent.ownerId,
      options.agent instanceof ClaudeAgent
        ? DEFAULT_LEASE_TTL_MS
        : (options.agent.lease_ttl_ms ?? DEFAULT_LEASE_TTL_MS),
    ),
  });
  const affinity =
    options.cluster.advertise_url === undefined
      ? undefined
      : new SessionAffinity({
          store,
          ownerId: agent.ownerId,
          selfAddress: options.cluster.advertise_url,
          connectTimeoutMs: options.cluster.forward_connect_timeout_ms,
          logger,
          ...(metrics ? { observe: (outcome) => metrics.forwarded(outcome) } : {}),
        });
  const registry = new TaskRegistry(store, {
    instanceId,
    heartbeatMs: options.tasks.heartbeat_ms,
    retentionMs: options.tasks.retention_ms,
    queueIsShared: options.taskQueue !== undefined,
  });
  const tasks = new TaskRunner({
    registry,
    turns,
    queue: options.taskQueue ?? createMemoryJobQueue({ retentionMs: options.tasks.retention_ms }),
    concurrency: options.tasks.concurrency,
    logger,
    instanceId,
    heartbeatMs: options.tasks.heartbeat_ms,
  });
  const sweeper = new TaskSweeper(
    registry,
    keys.principals.map((principal) => principal.tenant),
    Math.max(1_000, Math.min(60_000, options.tasks.retention_ms)),
    logger,
  );
  // Tasks left unfinished by a server that is gone are reported failed from the start.
  await sweeper.sweep();
  await tasks.start();

  const health = new HealthCheck(store, claudeConfigOf(options.claude), logger);
  if (!health.credentialsFound()) {
    logger.warn(
      `claude: no Anthropic credentials found (${CREDENTIAL_VARIABLES.join(', ')}, a cloud provider or a CLI login): ` +
        `every turn will fail with CLI_NOT_AUTHENTICATED; ${NO_CREDENTIALS_FIX}`,
    );
  }
  // What the turns say about the credentials shows in /health until a turn runs again.
  const unsubscribe = [
    agent.on('turn_failed', (event) => health.noteTurn(event.error.code)),
    agent.on('turn_finished', () => health.noteTurn(undefined)),
  ];

  let draining = false;
  const ctx: RouteContext = {
    agent,
    store,
    turns,
    tasks,
    approvals,
    health,
    logger,
    sseHeartbeatMs: options.limits.sse_heartbeat_ms,
    sseBufferLimit: options.limits.sse_buffer_limit,
    isDraining: () => draining,
  };
  const listed = {
    openai: options.openai.enabled,
    metrics: options.metrics.enabled,
    websocket: options.websocket.enabled,
  };
  const rateLimiter = new RateLimiter(options.rateLimits);
  const app = buildApp(ctx, {
    keys,
    rateLimiter,
    corsOrigins: options.cors.origins,
    ...(affinity ? { affinity } : {}),
    bodyLimit: options.limits.body_limit,
    openapi: buildOpenApiDocument({ version: SERVER_VERSION, secured: !keys.anonymous, ...listed }),
    ...(metrics
      ? {
          metrics: {
            metrics,
            config: options.metrics,
            routes: ['/', ...operationsOf(listed).map((operation) => operation.path)],
          },
        }
      : {}),
    ...(options.openai.enabled
      ? {
          openai: {
            models: new ModelNames(
              options.agent instanceof ClaudeAgent ? undefined : options.agent.allowed_models,
            ),
            defaultUser: options.openai.default_user,
          },
        }
      : {}),
  });

  const websocket = options.websocket.enabled
    ? new WsEndpoint(
        { ctx, keys, rateLimiter, config: options.websocket, logger },
        typeof options.limits.body_limit === 'number'
          ? options.limits.body_limit
          : (bytes.parse(options.limits.body_limit) ?? 1024 * 1024),
      )
    : undefined;

  const servers = new Set<Server>();
  let shuttingDown: Promise<void> | undefined;
  const shutdown = async ({ deadlineMs = 30_000 }: ShutdownOptions = {}) => {
    draining = true;
    // Turns still waiting for a slot fail now (503); the running ones get until the deadline.
    running.abortWaiting(new ShutdownAbort());
    for (const server of servers) server.close();
    // This node takes no more jobs; those waiting stay in a shared queue for the other nodes.
    const tasksDrained = tasks.drain();
    await drainTurns(running, deadlineMs, new ShutdownAbort(), logger);
    websocket?.close();
    await tasksDrained;
    tasks.stop();
    sweeper.stop();
    for (const off of unsubscribe) off();
    if (ownsAgent) await agent.close();
    affinity?.close();
    for (const server of servers) server.closeAllConnections();
    logger.info('shutdown complete');
  };

  return {
    app,
    agent,
    logger,
    listen(port: number, host?: string): Promise<Server> {
      return new Promise((resolve, reject) => {
        const server = app.listen(port, host ?? '127.0.0.1', (error?: Error) => {
          if (error) return reject(error);
          servers.add(server);
          websocket?.attach(server);
          resolve(server);
        });
      });
    },
    attachWebSocket(server: Server): void {
      websocket?.attach(server);
    },
    shutdown(shutdownOptions?: ShutdownOptions): Promise<void> {
      shuttingDown ??= shutdown(shutdownOptions);
      return shuttingDown;
    },
  };
}
