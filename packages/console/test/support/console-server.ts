import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CliTestEnv, createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { type ClaudeCodeServer, createServer, type ServerOptions } from '@claude-code-server/server';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createConsoleApp } from '../../src/index.js';

/** The key the test signs in with; the server keeps only its digest. */
export const API_KEY = 'console-test-key-0123456789';

/** A real server (real CLI against fake-anthropic) with the built console in front, on loopback. */
export interface ConsoleServer {
  url: string;
  server: ClaudeCodeServer;
  fake: FakeAnthropic;
  cli: CliTestEnv;
  close(): Promise<void>;
}

export async function startConsoleServer(options: Partial<ServerOptions> = {}): Promise<ConsoleServer> {
  const fake = await startFakeAnthropic();
  const cli = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-console' });
  const store = createMemorySessionStore();
  const server = await createServer({
    claude: { config_dir: cli.configDir, env: cli.env },
    projects: { main: { path: cli.workDir } },
    auth: { keys: [{ name: 'console-test', key: API_KEY, tools: ['Read', 'Grep', 'Glob', 'Write'] }] },
    metrics: { enabled: true, public: true },
    agent: { max_live: 3 },
    logger: pino({ level: 'silent' }),
    ...options,
    store,
  });
  const http: Server = createHttpServer(createConsoleApp(server.app, inject('assetsDir')));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    fake,
    cli,
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await server.shutdown({ deadlineMs: 0 });
      await store.close();
      await fake.close();
      await cli.cleanup();
    },
  };
}
