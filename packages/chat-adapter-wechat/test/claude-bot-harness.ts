import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryState } from '@chat-adapter/state-memory';
import { ClaudeAgent } from '@claude-code-server/agent';
import { ClaudeBot, webhookRequestListener } from '@claude-code-server/bot';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import type { Adapter, Logger } from 'chat';

/** Claude Code behind the adapter: the real agent and `claude` CLI against fake-anthropic, in a scratch folder. */
export interface ClaudeBotHarness {
  bot: ClaudeBot;
  /** Sends a platform's request to the bot's webhook route over HTTP, as the platform would. */
  deliver(platform: string, request: Request): Promise<Response>;
  fake: FakeAnthropic;
  /** The project folder turns run in (tools write here). */
  workDir: string;
  close(): Promise<void>;
}

const quiet: Logger = { child: () => quiet, debug() {}, info() {}, warn() {}, error() {} };

export async function startClaudeBot(adapters: Record<string, Adapter>): Promise<ClaudeBotHarness> {
  const fake = await startFakeAnthropic();
  fake.setDefault((request) => ({ type: 'text', text: `echo: ${request.lastUserText}` }));
  const root = await mkdtemp(join(tmpdir(), 'chat-adapter-bot-'));
  const workDir = join(root, 'work');
  const configDir = join(root, 'config');
  await mkdir(workDir, { recursive: true });
  await mkdir(configDir, { recursive: true });
  const store = createMemorySessionStore();
  const agent = new ClaudeAgent({
    store,
    configDir,
    pool: { maxLive: 1, spares: 0 },
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
  const bot = new ClaudeBot({
    agent,
    userName: 'claude',
    adapters,
    state: createMemoryState(),
    logger: quiet,
  });
  const server = createServer(webhookRequestListener(bot));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    bot,
    async deliver(platform, request) {
      const { search } = new URL(request.url);
      const body = request.method === 'GET' ? undefined : await request.text();
      return fetch(`http://127.0.0.1:${port}/webhooks/${platform}${search}`, {
        method: request.method,
        headers: request.headers,
        body,
      });
    },
    fake,
    workDir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bot.close({ graceMs: 5_000 });
      await agent.close();
      await store.close();
      await fake.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it gives a value, with room for a loaded machine. */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
