import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeAnthropic, replies, rules } from '@claude-code-server/fake-anthropic';
import { type AppFixture, createAppFixture, liveProcessesWithEnv } from '../fixtures.js';
import { type StartedServer, startServer } from '../run-cli.js';
import type { SharedBackend } from './shared-backends.js';

/** A message starting with this is never answered by the model: its turn runs until its CLI dies. */
export const HOLD = 'HOLD';

/** The API key every node accepts, without limits of its own. */
export const MAIN_KEY = 'cluster-main-key-0123456789';
/** A key every node accepts with a rate limit of two requests a minute. */
export const LIMITED_KEY = 'cluster-limited-key-0123456789';

export interface NodeOptions {
  /** `tasks.concurrency` (16 when left out; 0: the node takes tasks and runs none). */
  concurrency?: number;
  /** Sets `cluster.advertise_url` to the node's own URL. */
  advertise?: boolean;
  /** More lines of config.yaml, top-level keys included. */
  extraYaml?: string;
  /** More API keys (entries of `auth.keys`, indented four spaces, each starting with `    - name:`). */
  extraKeysYaml?: string;
}

/**
 * One `claude-code-server start` process as one machine: its own directory with config.yaml,
 * project and CLI config dir, its own port; the store is the cluster's.
 */
export class ClusterNode {
  server: StartedServer | undefined;
  readonly url: string;
  readonly claudeConfigDir: string;
  readonly configPath: string;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.claudeConfigDir = join(dir, 'claude');
    this.configPath = join(dir, 'config.yaml');
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** A start under way, so that a cluster closing meanwhile waits for it (and then stops the node). */
  starting: Promise<unknown> | undefined;

  /** Starts the node (again) on its port, config and CLI config dir. */
  async start(): Promise<this> {
    if (this.server || this.starting) throw new Error(`node ${this.name} is running`);
    const started = startServer(['--config', this.configPath], {
      env: { ...this.env, CLAUDE_CONFIG_DIR: this.claudeConfigDir, HOME: this.dir },
      cwd: this.dir,
    });
    this.starting = started;
    try {
      this.server = await started;
    } finally {
      this.starting = undefined;
    }
    return this;
  }

  /** SIGKILL: the process dies at once, with what it was running and the leases it held. */
  async kill(): Promise<void> {
    const server = this.requireServer();
    server.child.kill('SIGKILL');
    await server.exited;
    this.server = undefined;
  }

  /** SIGTERM: a graceful shutdown; resolves with how the process ended. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const server = this.requireServer();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    this.server = undefined;
    return exit;
  }

  /** Pids of this node's CLI processes still alive. */
  liveCliProcesses(): number[] {
    return liveProcessesWithEnv('CLAUDE_CONFIG_DIR', this.claudeConfigDir);
  }

  /** Whether this node's CLI config dir holds the transcript of a Claude session (it ran or resumed it). */
  hasTranscript(claudeSessionId: string): boolean {
    const projects = join(this.claudeConfigDir, 'projects');
    try {
      return readdirSync(projects).some((slug) =>
        readdirSync(join(projects, slug)).includes(`${claudeSessionId}.jsonl`),
      );
    } catch {
      return false;
    }
  }

  private requireServer(): StartedServer {
    if (!this.server) throw new Error(`node ${this.name} is not running`);
    return this.server;
  }
}

/** Resolves a free TCP port on 127.0.0.1 (so a node's URL is known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Waits until `check` is true, polling; throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Nodes on one shared store, one fake Messages API for all of them (the model every machine calls):
 * it holds messages starting with HOLD unanswered, answers the memory rule's name questions, and
 * echoes what no rule answers (rules added later come after the first two).
 */
export class Cluster {
  readonly nodes: ClusterNode[] = [];

  private constructor(
    private readonly fixture: AppFixture,
    readonly backend: SharedBackend,
  ) {}

  static async create(prefix: string, backend: SharedBackend): Promise<Cluster> {
    const fixture = await createAppFixture(prefix);
    fixture.fake.addRule((request) => (request.lastUserText.startsWith(HOLD) ? replies.hang() : undefined));
    fixture.fake.addRule(rules.memory);
    fixture.fake.setDefault((request) => replies.text(request.lastUserText));
    return new Cluster(fixture, backend);
  }

  get fake(): FakeAnthropic {
    return this.fixture.fake;
  }

  /**
   * Adds and starts nodes: the first alone (it migrates the shared store and makes the job queue),
   * then the others at once. Rejects with the first failure, once every start has ended.
   */
  async addNodes(specs: Array<[name: string, options?: NodeOptions]>): Promise<ClusterNode[]> {
    const [first, ...others] = specs;
    if (!first) return [];
    const firstNode = await this.addNode(...first);
    const results = await Promise.allSettled(others.map((spec) => this.addNode(...spec)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return [firstNode, ...results.map((result) => (result as PromiseFulfilledResult<ClusterNode>).value)];
  }

  /** Writes a node's config.yaml (the same for every node but its port and options) and starts it. */
  async addNode(name: string, options: NodeOptions = {}): Promise<ClusterNode> {
    const dir = join(this.fixture.dir, name);
    mkdirSync(join(dir, 'project'), { recursive: true });
    mkdirSync(join(dir, 'claude'), { recursive: true });
    const node = new ClusterNode(name, dir, await freePort(), this.fixture.env);
    writeFileSync(node.configPath, this.configYaml(node, options));
    this.nodes.push(node);
    return node.start();
  }

  /**
   * Stops every running node gracefully (SIGKILL after 20 s) and waits for their CLI processes to
   * end; resolves with how each process ended.
   */
  async stopAll(): Promise<Array<{ code: number | null; signal: NodeJS.Signals | null }>> {
    await Promise.allSettled(this.nodes.map((node) => node.starting));
    const exits = await Promise.all(
      this.nodes
        .filter((node) => node.running)
        .map(async (node) => {
          const timer = setTimeout(() => node.server?.child.kill('SIGKILL'), 20_000);
          try {
            return await node.stop();
          } finally {
            clearTimeout(timer);
          }
        }),
    );
    await waitUntil('the CLI processes to end', () => this.liveCliProcesses().length === 0, 10_000);
    return exits;
  }

  /** Pids of every node's live CLI processes. */
  liveCliProcesses(): number[] {
    return this.nodes.flatMap((node) => node.liveCliProcesses());
  }

  /** Stops the nodes, removes the backend's keys or schemas, the fake and the temp dir. */
  async close(): Promise<void> {
    try {
      await this.stopAll();
    } finally {
      await this.backend.cleanup();
      await this.fixture.close();
    }
  }

  private configYaml(node: ClusterNode, options: NodeOptions): string {
    return [
      'server:',
      '  host: 127.0.0.1',
      `  port: ${node.port}`,
      '  shutdown_deadline_ms: 5000',
      'store:',
      this.backend.storeYaml.trimEnd(),
      'auth:',
      '  keys:',
      '    - name: main',
      `      key: ${MAIN_KEY}`,
      '    - name: limited',
      `      key: ${LIMITED_KEY}`,
      '      rate_limit:',
      '        requests_per_minute: 2',
      ...(options.extraKeysYaml ? [options.extraKeysYaml.trimEnd()] : []),
      'projects:',
      '  main:',
      '    path: ./project',
      'agent:',
      '  max_live: 2',
      'tasks:',
      `  concurrency: ${options.concurrency ?? 16}`,
      '  heartbeat_ms: 1000',
      ...(options.advertise ? ['cluster:', `  advertise_url: ${node.url}`] : []),
      ...(options.extraYaml ? [options.extraYaml.trimEnd()] : []),
      '',
    ].join('\n');
  }
}
