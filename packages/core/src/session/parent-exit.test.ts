import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import type { ClaudeConfig } from '../config.js';
import { type CliTestEnv, createCliTestEnv, findProcessesByEnv, isProcessAlive } from '../testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The workspace's tsx (a dev tool of the monorepo), to run a host program from TypeScript sources. */
function findTsx(): string {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', 'tsx');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    'tsx not found in any node_modules/.bin above this test: run pnpm install at the repository root',
  );
}

let fake: FakeAnthropic;
let env: CliTestEnv;
let hostScript: string;
/** The CLI processes and every tool they run carry this marker in their env. */
const marker = randomUUID();
let config: ClaudeConfig;
const markedProcesses = () => findProcessesByEnv('CCS_PARENT_EXIT_TEST', marker);

beforeAll(async () => {
  fake = await startFakeAnthropic();
  env = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-parent-exit' });
  config = { ...env.config, env: { ...env.env, CCS_PARENT_EXIT_TEST: marker } };
  hostScript = join(env.workDir, 'host.mts');
  // A host program: starts a session that allows every tool, sends a turn that never ends, reports the
  // CLI's pid, and exits when told to (or is killed).
  await writeFile(
    hostScript,
    `import { ClaudeSession } from ${JSON.stringify(join(here, 'session.ts'))};
const session = await ClaudeSession.start({
  config: JSON.parse(process.env.CCS_CONFIG ?? '{}'),
  canUseTool: () => ({ behavior: 'allow' }),
});
session.send('hang forever').result.catch(() => {});
process.stdout.write(\`\${process.pid} \${session.pid}\\n\`);
process.stdin.on('data', () => process.exit(0));
`,
  );
});

beforeEach(() => {
  fake.reset();
  fake.setDefault({ type: 'hang' });
});

/** Hosts started by a test: killed afterwards, whatever the test got to. */
const hosts: Array<{ host: ChildProcess; hostPid: number }> = [];

afterEach(() => {
  for (const { host, hostPid } of hosts.splice(0)) {
    if (isProcessAlive(hostPid)) process.kill(hostPid, 'SIGKILL');
    host.kill('SIGKILL');
  }
});

afterAll(async () => {
  await fake.close();
  await env.cleanup();
});

/** Runs the host under tsx; `hostPid` is the node process running it (tsx itself is a wrapper). */
async function startHost(): Promise<{ host: ChildProcess; hostPid: number; cliPid: number }> {
  const host = spawn(findTsx(), [hostScript], {
    env: { ...process.env, CCS_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [hostPid, cliPid] = await new Promise<number[]>((resolve, reject) => {
    host.stdout?.once('data', (chunk: Buffer) => resolve(String(chunk).trim().split(' ').map(Number)));
    host.once('exit', (code) => reject(new Error(`host exited early (${code})`)));
  });
  hosts.push({ host, hostPid: hostPid as number });
  await fake.waitForRequest((req) => req.lastUserText === 'hang forever' && !req.sideCall);
  return { host, hostPid: hostPid as number, cliPid: cliPid as number };
}

test('a host that exits while a turn runs takes its CLI process with it', async () => {
  const { host, cliPid } = await startHost();
  expect(isProcessAlive(cliPid)).toBe(true);
  host.stdin?.write('exit\n');
  await expect.poll(() => isProcessAlive(cliPid), { timeout: 10_000 }).toBe(false);
});

test('a host killed with SIGKILL while a turn runs leaves no CLI process behind', async () => {
  const { hostPid, cliPid } = await startHost();
  expect(isProcessAlive(cliPid)).toBe(true);
  process.kill(hostPid, 'SIGKILL');
  await expect.poll(() => isProcessAlive(cliPid), { timeout: 10_000 }).toBe(false);
});

test('a host killed with SIGKILL while a tool runs leaves none of the tool processes behind', async () => {
  fake.enqueue({
    type: 'tool_use',
    name: 'Bash',
    input: { command: 'tail -f /dev/null', description: 'wait' },
  });
  const { hostPid } = await startHost();
  // The tool runs in a process group of its own, out of reach of the CLI's death signal.
  // (A pid that vanishes between listing and reading makes the poll try again. A command that never
  // ends: 2.1.332 refuses a Bash call that is only a long `sleep`.)
  const sleeping = () =>
    markedProcesses().filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'tail\n');
  await expect.poll(() => sleeping().length, { timeout: 10_000 }).toBeGreaterThan(0);
  process.kill(hostPid, 'SIGKILL');
  await expect.poll(markedProcesses, { timeout: 10_000 }).toEqual([]);
});
