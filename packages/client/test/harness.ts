import type { AddressInfo } from 'node:net';
import { type CliTestEnv, createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, replies, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { type ClaudeCodeServer, createServer, type ServerOptions } from '@claude-code-server/server';
import { createMemorySessionStore } from '@claude-code-server/store-memory';

/** The API keys of the test servers: `alice` and `bob` are different tenants. */
export const KEYS = {
  alice: 'alice-key-0123456789abcdef',
  bob: 'bob-key-0123456789abcdef',
} as const;

/** A fake Messages API, a CLI env, and real servers listening on loopback (closed by `close`). */
export interface ClientHarness {
  fake: FakeAnthropic;
  cli: CliTestEnv;
  /** Where the servers' CLI finds the fake API (the `claude` section to extend). */
  claude: { config_dir: string; env: Record<string, string> };
  /** Starts a server with the harness's CLI env, project `main` and the two keys; returns its URL. */
  server(options?: Partial<ServerOptions>): Promise<{ server: ClaudeCodeServer; url: string }>;
  close(): Promise<void>;
}

export async function startClientHarness(): Promise<ClientHarness> {
  const fake = await startFakeAnthropic();
  fake.addRule(rules.memory);
  const cli = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-client' });
  const servers: ClaudeCodeServer[] = [];
  const store = createMemorySessionStore();
  const claude = { config_dir: cli.configDir, env: cli.env };
  return {
    fake,
    cli,
    claude,
    async server(options = {}) {
      const server = await createServer({
        claude,
        projects: { main: { path: cli.workDir } },
        auth: {
          keys: [
            // Both may grant Write when a person approves it (test/approvals.test.ts).
            { name: 'alice', key: KEYS.alice, tools: ['Read', 'Write'] },
            { name: 'bob', key: KEYS.bob, tools: ['Read', 'Write'] },
          ],
        },
        log: { level: 'silent' },
        agent: { max_live: 2 },
        store,
        ...options,
      });
      servers.push(server);
      const listening = await server.listen(0);
      return { server, url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
    },
    async close() {
      await Promise.all(servers.map((server) => server.shutdown({ deadlineMs: 0 })));
      await store.close();
      await fake.close();
      await cli.cleanup();
    },
  };
}

/** A fetch that records the status of every answer, to see what the client sent and got. */
export function recordingFetch(): { fetch: typeof fetch; statuses: number[] } {
  const statuses: number[] = [];
  return {
    statuses,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      statuses.push(response.status);
      return response;
    },
  };
}

/** A reply that would take 50 s: a turn that ends within `noTurnRunning`'s 30 s was interrupted. */
export const slowReply = () => replies.text('word '.repeat(100).trim(), { chunks: 100, delayMs: 500 });

/** Resolves once the server runs no turn (it interrupted the one the client left). */
export async function noTurnRunning(server: ClaudeCodeServer): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    if (server.agent.stats().runningTurns === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('a turn is still running');
}
