import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClaudeAgent } from '@claude-code-server/agent';
import { ClaudeBot, webhookRequestListener } from '@claude-code-server/bot';
import { claudeConfigOf } from '@claude-code-server/server/internal';
import type { SessionStore } from '@claude-code-server/store';
import type { Adapter, Logger } from 'chat';
import type { Logger as PinoLogger } from 'pino';
import type { LoadedBotConfig } from '../config/load-bot-config.js';
import { ConfigError, createStoreFromConfig, describeStore } from '../config/server-app.js';
import {
  missingVariables,
  PLATFORM_NAMES,
  PLATFORMS,
  type PlatformName,
} from '../platforms/platform-table.js';
import { chatLogger } from './chat-logger.js';
import { createChatState, describeState } from './chat-state.js';
import { runDiscordGateway } from './discord-gateway.js';

/** A running bot service. */
export interface BotService {
  /** `http://host:port`; the webhooks are at `<url><base_path>/<platform>`. */
  url: string;
  platforms: PlatformName[];
  bot: ClaudeBot;
  agent: ClaudeAgent;
  /** Stops taking webhooks, lets running answers finish (up to the shutdown deadline), closes everything. */
  close(): Promise<void>;
}

export interface StartBotServiceOptions {
  env?: NodeJS.ProcessEnv;
  logger: PinoLogger;
}

/** The adapters of the enabled platforms, made from the config and the environment's secrets. */
export async function createAdapters(
  config: LoadedBotConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<Partial<Record<PlatformName, Adapter>>> {
  const adapters: Partial<Record<PlatformName, Adapter>> = {};
  const unset = PLATFORM_NAMES.filter((name) => config.platforms[name] !== undefined).flatMap((name) =>
    missingVariables(name, env).map(
      (variable) =>
        `platforms.${name}: ${variable} is not set (${PLATFORMS[name].title}'s secrets come from the environment; \`doctor\` says what each is)`,
    ),
  );
  if (unset.length > 0) throw new ConfigError('CONFIG_INVALID', unset);
  for (const name of PLATFORM_NAMES) {
    const options = config.platforms[name];
    if (options === undefined) continue;
    // Each adapter's own constructor says which variable it is missing.
    adapters[name] = await (
      PLATFORMS[name].create as (o: unknown, e: NodeJS.ProcessEnv, l: Logger) => Promise<Adapter>
    )(options, env, logger);
  }
  return adapters;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Builds the store, the agent, the Chat SDK bot and its HTTP server, and starts the Discord Gateway when asked. */
export async function startBotService(
  config: LoadedBotConfig,
  options: StartBotServiceOptions,
): Promise<BotService> {
  const env = options.env ?? process.env;
  const log = options.logger;
  const chatLog = chatLogger(log, config.log.level);
  const adapters = await createAdapters(config, env, chatLog);
  mkdirSync(config.project.path, { recursive: true });
  const store: SessionStore = await createStoreFromConfig(config.store);
  const agent = new ClaudeAgent({
    store,
    config: { ...claudeConfigOf(config.claude), includePartialMessages: true },
    projects: { [config.project.name]: config.project.path },
    pool: { maxLive: config.agent.max_live },
    debounceMs: config.bot.debounce_ms,
    formatter: 'with-sender',
  });
  const bot = new ClaudeBot({
    agent,
    userName: config.bot.user_name,
    adapters: adapters as Record<string, Adapter>,
    state: await createChatState(config.state, chatLog),
    logger: chatLog,
    project: config.project.name,
    sessions: config.bot.sessions,
    approvals: { approvers: config.bot.approvers, timeoutMs: config.bot.approval_timeout_ms },
    allow: config.bot.allow,
    commands: config.bot.commands,
    slashCommands: config.bot.slash_commands,
    messageLimits: config.bot.message_limits,
    turnTimeoutMs: config.bot.turn_timeout_ms,
  });
  const listener = webhookRequestListener(bot, { basePath: config.server.base_path });
  const http = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'ok', platforms: bot.platforms }));
      return;
    }
    listener(req, res);
  });
  const stopGateway = new AbortController();
  try {
    // State and adapters connect now, so a wrong Redis URL shows at start rather than on the first webhook.
    await bot.chat.initialize();
    await listen(http, config.server.host, config.server.port);
  } catch (error) {
    await bot.close({ graceMs: 0 }).catch(() => {});
    await agent.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
  const { port } = http.address() as AddressInfo;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  const platforms = Object.keys(adapters) as PlatformName[];
  const gateway =
    adapters.discord && config.platforms.discord?.gateway
      ? runDiscordGateway(bot, adapters.discord, stopGateway.signal, log)
      : undefined;
  log.info(
    {
      url,
      webhooks: platforms.map((name) => `${url}${config.server.base_path}/${name}`),
      store: describeStore(config.store),
      state: describeState(config.state),
    },
    `claude-code-server-bot listening on ${url} for ${platforms.join(', ')}`,
  );
  let closing: Promise<void> | undefined;
  return {
    url,
    platforms,
    bot,
    agent,
    close() {
      closing ??= (async () => {
        stopGateway.abort();
        await gateway;
        http.closeIdleConnections();
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        await bot.close({ graceMs: config.server.shutdown_deadline_ms });
        http.closeAllConnections();
        await closed;
        await agent.close({ graceMs: 1_000 });
        await store.close();
      })();
      return closing;
    },
  };
}
