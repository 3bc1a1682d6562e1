import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeAnthropic, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerDir, podman, podmanOptions, podmanVersion, repoRoot, run } from '../src/podman.js';

const BASE_IMAGE = process.env.CCS_BASE_IMAGE ?? 'localhost/ccs-base:bookworm';
const IMAGE = 'localhost/claude-code-server:test';
const API_KEY = 'container-test-key-0123456789';
const INSTALL = 'apt-get install -y podman debootstrap (as root)';

const installed = podmanVersion();
const required = process.env.CCS_REQUIRE_PODMAN === '1';
if (installed === undefined) {
  // Said plainly, once, in the suite's output: the image is not checked on this machine.
  console.warn(
    `tests/container: SKIPPED: podman is not installed, so the server image is neither built nor run. ` +
      `To run these tests: ${INSTALL}. CCS_REQUIRE_PODMAN=1 makes a missing podman a failure.`,
  );
}

const pinnedCli = (
  JSON.parse(readFileSync(`${repoRoot}packages/core/package.json`, 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies['@anthropic-ai/claude-code'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHealth(url: string, container: string): Promise<Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await fetch(`${url}/health`);
    } catch (error) {
      const state = await podman(['inspect', '--format', '{{.State.Status}}', container]);
      if (state.stdout !== 'running' || Date.now() > deadline) {
        const logs = await podman(['logs', container]);
        throw new Error(
          `the server in ${container} did not answer (${state.stdout}): ${logs.stdout}\n${logs.stderr}`,
          {
            cause: error,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Starts the server image detached, with host networking (the CLI in the container reaches the fake
 * on the host's loopback), the test's key and the fake as its Messages API.
 */
async function runServer(
  name: string,
  port: number,
  fake: FakeAnthropic,
  extra: { args?: string[]; env?: Record<string, string> } = {},
): Promise<void> {
  const env = {
    CCS_HOST: '127.0.0.1',
    CCS_PORT: String(port),
    CCS_API_KEYS: `test=${API_KEY}`,
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'test-key',
    ...extra.env,
  };
  const launched = await podman([
    'run',
    '--detach',
    '--name',
    name,
    ...(await podmanOptions(BASE_IMAGE)),
    '--network',
    'host',
    // No timer for the image's HEALTHCHECK (podman would need systemd for it); it is run by hand.
    '--health-interval',
    'disable',
    ...(extra.args ?? []),
    ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    IMAGE,
  ]);
  if (launched.code !== 0) throw new Error(`podman run failed: ${launched.stderr}`);
}

describe.skipIf(installed === undefined && !required)('the server image, run with podman', () => {
  const container = `ccs-container-test-${process.pid}`;
  let fake: FakeAnthropic;
  let url: string;

  beforeAll(async () => {
    if (installed === undefined) {
      throw new Error(`CCS_REQUIRE_PODMAN=1 but podman is not installed; to install it: ${INSTALL}`);
    }
    let started = Date.now();
    await run(`${dockerDir}make-base-image.sh`, [], { CCS_BASE_IMAGE: BASE_IMAGE });
    const baseSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    await run(`${dockerDir}build-image.sh`, [], { IMAGE, BASE_IMAGE });
    const buildSeconds = (Date.now() - started) / 1000;
    const size = await podman(['image', 'inspect', '--format', '{{.Size}}', IMAGE]);
    console.log(
      `tests/container: ${installed}; base image ${baseSeconds.toFixed(1)} s, server image build ` +
        `${buildSeconds.toFixed(1)} s, ${(Number(size.stdout) / 1e6).toFixed(0)} MB`,
    );

    fake = await startFakeAnthropic();
    fake.addRule(rules.memory);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await runServer(container, port, fake);
  });

  afterAll(async () => {
    if (installed !== undefined) await podman(['rm', '--force', '--volumes', container]);
    await fake?.close();
  });

  it('answers /health with the pinned CLI and its store, and passes its HEALTHCHECK', async () => {
    const health = await waitForHealth(url, container);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy', claude_version: pinnedCli, store: 'ok' });
    const check = await podman(['healthcheck', 'run', container]);
    expect(check, check.stderr).toMatchObject({ code: 0 });
  });

  it('passes the doctor run inside the container, as docker/README.md tells operators to', async () => {
    const doctor = await podman(['exec', container, 'node', '/opt/claude-code-server/dist/cli.js', 'doctor']);
    expect(doctor, doctor.stdout).toMatchObject({ code: 0 });
    expect(doctor.stdout).toMatch(/^ok +cli +.*\(version [0-9.]+\)$/m);
  });

  it('runs as a user that is not root', async () => {
    const id = await podman(['exec', container, 'id', '-u']);
    expect(id.code).toBe(0);
    expect(id.stdout).not.toBe('0');
  });

  it('answers POST /chat through the claude CLI in the container, keeping the conversation', async () => {
    const chat = (message: string) =>
      fetch(`${url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify({ message, user_id: 'ann' }),
      });
    const first = await chat('My name is Ann');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ success: true, content: expect.stringContaining('Ann') });
    const second = await chat('What is my name?');
    expect(await second.json()).toMatchObject({ success: true, content: 'Your name is Ann.' });
    // The model was asked by the CLI inside the container: the request names the image's CLI config
    // dir and its default project (the CLI's memory folder for that project lives in the config dir).
    const asked = fake.conversationRequests();
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(asked[0]?.body)).toContain(
      '/srv/claude-code-server/claude/projects/-srv-claude-code-server-data-projects-default',
    );
  });

  it('stops gracefully on SIGTERM (podman stop): exit code 0 after "shutdown complete"', async () => {
    const stopped = await podman(['stop', '--time', '60', container]);
    expect(stopped.code, stopped.stderr).toBe(0);
    const exit = await podman(['inspect', '--format', '{{.State.ExitCode}}', container]);
    expect(exit.stdout).toBe('0');
    const logs = await podman(['logs', container]);
    expect(logs.stdout).toContain('"msg":"shutdown complete"');
  });
});

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe.skipIf(installed === undefined && !required)('two containers of the image on one PostgreSQL', () => {
  const names = [1, 2].map((n) => `ccs-container-node${n}-${process.pid}`);
  const schema = `ccs_container_${process.pid}`;
  const configDir = mkdtempSync(join(tmpdir(), 'ccs-container-cluster-'));
  let fake: FakeAnthropic;
  const urls: string[] = [];

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    fake.addRule(rules.memory);
    // The image's user reads the file through a read-only mount.
    const config = join(configDir, 'config.yaml');
    writeFileSync(
      config,
      `store:\n  type: postgres\n  url: ${DATABASE_URL}\n  schema: ${schema}\n` +
        'projects:\n  default:\n    path: /srv/claude-code-server/data\n',
    );
    chmodSync(configDir, 0o755);
    chmodSync(config, 0o644);
    // Started together, as compose starts them: the store's migration and the job queue's setup take turns.
    await Promise.all(
      names.map(async (name) => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        urls.push(url);
        await runServer(name, port, fake, {
          args: ['--volume', `${configDir}:/srv/claude-code-server/cluster:ro`],
          env: { CCS_CONFIG: '/srv/claude-code-server/cluster/config.yaml', CCS_ADVERTISE_URL: url },
        });
      }),
    );
  });

  afterAll(async () => {
    if (installed !== undefined) {
      for (const name of names) await podman(['rm', '--force', '--volumes', name]);
    }
    await fake?.close();
    rmSync(configDir, { recursive: true, force: true });
    const drop = [schema, `${schema}_jobs`, `${schema}_limits`, `${schema}_approvals`]
      .map((name) => `DROP SCHEMA IF EXISTS ${name} CASCADE;`)
      .join(' ');
    await run('psql', [DATABASE_URL, '-q', '-c', drop]).catch(() => undefined);
  });

  it('answers a conversation alternating between them with the warm process of the node that has it', async () => {
    for (const [i, url] of urls.entries()) {
      const health = await waitForHealth(url, names[i] as string);
      expect(await health.json()).toMatchObject({ status: 'healthy', store: 'ok' });
    }
    const chat = (url: string, message: string) =>
      fetch(`${url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify({ message, user_id: 'zoe' }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));
    const [one, two] = urls as [string, string];
    const first = await chat(one, 'My name is Zoe');
    expect(first).toMatchObject({ status: 200, body: { metadata: { warm: false } } });
    const second = await chat(two, 'What is my name?');
    expect(second).toMatchObject({
      status: 200,
      body: { content: 'Your name is Zoe.', metadata: { warm: true, turn: 2 } },
    });
    const third = await chat(one, 'What is my name?');
    expect(third).toMatchObject({ status: 200, body: { metadata: { warm: true, turn: 3 } } });
  });
});
