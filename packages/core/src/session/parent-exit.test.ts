import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type CliTestEnv, createCliTestEnv, isProcessAlive } from '../testing/index.js';

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

beforeAll(async () => {
  fake = await startFakeAnthropic();
  fake.setDefault({ type: 'hang' });
  env = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-parent-exit' });
  hostScript = join(env.workDir, 'host.mts');
  // A host program: starts a session, sends a turn that never ends, reports the CLI's pid, and exits
  // when told to (or is killed).
  await writeFile(
    hostScript,
    `import { ClaudeSession } from ${JSON.stringify(join(here, 'session.ts'))};
const session = await ClaudeSession.start({ config: JSON.parse(process.env.CCS_CONFIG ?? '{}') });
session.send('hang forever').result.catch(() => {});
process.stdout.write(\`\${process.pid} \${session.pid}\\n\`);
process.stdin.on('data', () => process.exit(0));
`,
  );
});

afterAll(async () => {
  await fake.close();
  await env.cleanup();
});

/** Runs the host under tsx; `hostPid` is the node process running it (tsx itself is a wrapper). */
async function startHost(): Promise<{ host: ChildProcess; hostPid: number; cliPid: number }> {
  const host = spawn(findTsx(), [hostScript], {
    env: { ...process.env, CCS_CONFIG: JSON.stringify(env.config) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [hostPid, cliPid] = await new Promise<number[]>((resolve, reject) => {
    host.stdout?.once('data', (chunk: Buffer) => resolve(String(chunk).trim().split(' ').map(Number)));
    host.once('exit', (code) => reject(new Error(`host exited early (${code})`)));
  });
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
  const { host, hostPid, cliPid } = await startHost();
  expect(isProcessAlive(cliPid)).toBe(true);
  process.kill(hostPid, 'SIGKILL');
  await expect.poll(() => isProcessAlive(cliPid), { timeout: 10_000 }).toBe(false);
  host.kill();
});
