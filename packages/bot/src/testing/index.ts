/**
 * `@claude-code-server/bot/testing`: Claude Code behind a bot for the tests of a Chat SDK adapter or a
 * bot app. The real agent and `claude` CLI run against fake-anthropic in a scratch folder; the bot's
 * webhooks listen on a local port. Needs `@claude-code-server/fake-anthropic` and
 * `@claude-code-server/store-memory` installed (dev dependencies of the tests).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeAgent, type ClaudeAgentOptions } from '@claude-code-server/agent';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import type { Adapter, StateAdapter } from 'chat';
import { ClaudeBot, type ClaudeBotOptions } from '../claude-bot.js';
import { webhookRequestListener } from '../webhook-listener.js';

/** A running bot: the real agent and CLI against fake-anthropic, webhooks on a local port. */
export interface RunningBot {
  bot: ClaudeBot;
  /** `http://127.0.0.1:PORT/webhooks/<platform>`. */
  webhookUrl(platform: string): string;
  /** Sends a platform's request (its query kept) to the bot's webhook route over HTTP, as the platform would. */
  deliver(platform: string, request: Request): Promise<Response>;
  stop(): Promise<void>;
}

export interface BotHarness {
  fake: FakeAnthropic;
  agent: ClaudeAgent;
  /** The project directory turns run in (tools write here). */
  workDir: string;
  /** Starts a bot on the shared agent; adapters and state are made fresh for each start. */
  startBot(
    adapters: () => Record<string, Adapter>,
    state: () => StateAdapter,
    options?: Partial<ClaudeBotOptions>,
  ): Promise<RunningBot>;
  close(): Promise<void>;
}

/** Silent unless a test fails loudly: the adapters log every webhook at info. */
export const quietLogger = {
  child: () => quietLogger,
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** `agentOptions`: more options of the shared agent (e.g. `debounceMs`). */
export async function startBotHarness(agentOptions: Partial<ClaudeAgentOptions> = {}): Promise<BotHarness> {
  const fake = await startFakeAnthropic();
  fake.setDefault((req) => ({ type: 'text', text: `echo: ${req.lastUserText}` }));
  const root = await mkdtemp(join(tmpdir(), 'bot-test-'));
  const workDir = join(root, 'work');
  const configDir = join(root, 'config');
  await mkdir(workDir, { recursive: true });
  await mkdir(configDir, { recursive: true });
  const store = createMemorySessionStore();
  const agent = new ClaudeAgent({
    store,
    configDir,
    pool: { maxLive: 2, spares: 0 },
    ...agentOptions,
    config: {
      cwd: workDir,
      permissionMode: 'default',
      includePartialMessages: true,
      env: {
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: 'test-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        HOME: root,
      },
    },
  });
  const running: RunningBot[] = [];
  return {
    fake,
    agent,
    workDir,
    async startBot(adapters, state, options = {}) {
      const bot = new ClaudeBot({
        agent,
        userName: 'claude',
        adapters: adapters(),
        state: state(),
        logger: quietLogger,
        streamingUpdateIntervalMs: 50,
        ...options,
      });
      const server: Server = createServer(webhookRequestListener(bot));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      let stopped = false;
      const webhookUrl = (platform: string) => `http://127.0.0.1:${port}/webhooks/${platform}`;
      const handle: RunningBot = {
        bot,
        webhookUrl,
        async deliver(platform, request) {
          const { search } = new URL(request.url);
          const body =
            request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
          return fetch(`${webhookUrl(platform)}${search}`, {
            method: request.method,
            headers: request.headers,
            body,
          });
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await bot.close({ graceMs: 5_000 });
        },
      };
      running.push(handle);
      return handle;
    },
    async close() {
      await Promise.all(running.map((r) => r.stop()));
      await agent.close();
      await store.close();
      await fake.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value (not undefined/false), up to `timeoutMs` (room for a loaded machine). */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
