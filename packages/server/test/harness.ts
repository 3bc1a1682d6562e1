import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type CliTestEnv, createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import type { SessionStore } from '@claude-code-server/store';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { pino } from 'pino';
import { type ClaudeCodeServer, createServer, type ServerOptions } from '../src/index.js';

/** Log lines a server wrote, as text, for assertions about what is (not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** One fake Messages API and CLI env shared by a test file; servers made on top of it. */
export interface ServerHarness {
  fake: FakeAnthropic;
  cli: CliTestEnv;
  /** A second project directory (the first is `cli.workDir`, project `main`). */
  otherDir: string;
  log: LogCapture;
  /** Makes a server (closed by `close`) with the harness's CLI env, projects `main` and `other`. */
  server(options?: Partial<ServerOptions> & { store?: SessionStore }): Promise<ClaudeCodeServer>;
  close(): Promise<void>;
}

export async function startServerHarness(): Promise<ServerHarness> {
  const fake = await startFakeAnthropic();
  fake.addRule(rules.memory);
  const cli = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-server' });
  await writeFile(join(cli.workDir, 'README.md'), 'The main project.\n');
  const otherDir = await mkdtemp(join(tmpdir(), 'ccs-server-other-'));
  await mkdir(otherDir, { recursive: true });
  const log = new LogCapture();
  const servers: ClaudeCodeServer[] = [];
  const stores: SessionStore[] = [];
  return {
    fake,
    cli,
    otherDir,
    log,
    async server(options = {}) {
      let store = options.store;
      if (!store) {
        store = createMemorySessionStore();
        stores.push(store);
      }
      const server = await createServer({
        claude: { config_dir: cli.configDir, env: cli.env },
        projects: { main: { path: cli.workDir }, other: { path: otherDir } },
        logger: pino({ level: 'info' }, log),
        agent: { max_live: 3 },
        ...options,
        store,
      });
      servers.push(server);
      return server;
    },
    async close() {
      await Promise.all(servers.map((server) => server.shutdown({ deadlineMs: 0 })));
      await Promise.all(stores.map((store) => store.close()));
      await fake.close();
      await cli.cleanup();
      await rm(otherDir, { recursive: true, force: true });
    },
  };
}
