import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { getJson, liveProcessesWithEnv } from './fixtures.js';
import { cleanEnv } from './run-cli.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO_KEY = 'demo-key-0123456789abcdef';
/**
 * Every process the demo starts inherits this, so whatever it leaves behind can be found (the demo
 * drops ANTHROPIC_*, CLAUDE* and CCS_* variables, so none of those).
 */
const MARK = 'DEMO_TEST_RUN_ID';
const runId = randomUUID();

// npm and its settings as a shell has them, not as the test runner's package manager set them.
const env = Object.fromEntries(
  Object.entries(cleanEnv({ [MARK]: runId })).filter(([key]) => !/^npm_/i.test(key)),
);

let demo: ReturnType<typeof spawn> | undefined;
afterAll(() => {
  // A demo the test did not see to its end.
  if (demo?.pid && demo.exitCode === null && demo.signalCode === null) process.kill(-demo.pid, 'SIGKILL');
});

it('npm run demo: serves /chat and /health on the fake model, and Ctrl-C stops everything', {
  timeout: 600_000,
}, async () => {
  // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
  demo = spawn('npm', ['run', 'demo', '--', '--port', '0'], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = demo;
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /URL:\s+(http:\/\/\S+)/.exec(stdout);
      if (match) resolve(String(match[1]));
    });
    exited.then(() => reject(new Error(`the demo ended before printing its URL:\n${stdout}\n${stderr}`)));
  });

  expect(stdout).toMatch(/DEMO: .*FAKE model.*not Claude/);
  expect(stdout).toContain(`curl -s -X POST ${url}/chat -H 'X-API-Key: ${DEMO_KEY}'`);
  const dataDir = /Data:\s+(\S+)/.exec(stdout)?.[1];
  expect(dataDir && existsSync(dataDir)).toBe(true);

  const chat = await fetch(`${url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-API-Key': DEMO_KEY },
    body: JSON.stringify({ message: 'My name is Ann', user_id: 'ann' }),
  });
  expect(chat.status).toBe(200);
  expect(await chat.json()).toMatchObject({ success: true, content: expect.stringContaining('Ann') });
  const health = await getJson(`${url}/health`);
  expect(health).toMatchObject({ status: 200, body: { status: 'healthy' } });

  process.kill(-(child.pid as number), 'SIGINT');
  await exited;
  expect(stdout).toContain('demo: stopped');
  expect(liveProcessesWithEnv(MARK, runId)).toEqual([]);
  expect(existsSync(String(dataDir))).toBe(false);
});
