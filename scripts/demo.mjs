#!/usr/bin/env node
// `npm run demo`: the server and the bundled fake Messages API together, offline, so every endpoint
// can be tried at once. The model is fake-anthropic (it remembers a name, otherwise echoes), never
// Claude: no account, no network, a throwaway key, a private CLI config dir, data in a temp dir.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const FAKE_CLI = join(root, 'packages/fake-anthropic/dist/cli.js');
const SERVER_CLI = join(root, 'apps/server/dist/cli.js');
const API_KEY = 'demo-key-0123456789abcdef';
const USAGE = `Usage: npm run demo [-- --port 8000]

Starts claude-code-server on 127.0.0.1 (port 8000; 0 picks a free one) against fake-anthropic, a
scripted stand-in for the Anthropic API (not Claude), with the API key ${API_KEY}.
Ctrl-C stops both.`;

let args;
try {
  args = parseArgs({
    options: { port: { type: 'string', default: '8000' }, help: { type: 'boolean', short: 'h' } },
  }).values;
} catch (err) {
  console.error(`demo: ${err.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);

// Nothing of the caller's account, config or store reaches the demo.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^(ANTHROPIC_|CLAUDE|CCS_)/.test(key) &&
      !['PORT', 'REDIS_URL', 'DATABASE_URL', 'SQLITE_PATH'].includes(key),
  ),
);
const dir = mkdtempSync(join(tmpdir(), 'ccs-demo-'));
mkdirSync(join(dir, 'claude'));

const children = new Set();

/**
 * Starts a child in a process group of its own (a Ctrl-C reaches only the demo, which stops the
 * server first, then the fake), prefixes its output, resolves with the first match of `ready`.
 */
function start(label, argv, options, ready) {
  const child = spawn(process.execPath, argv, {
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const found = new Promise((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        console.log(`${label} | ${line}`);
        const match = ready.exec(line);
        if (match) resolve(match[1]);
      });
    }
  });
  return { child, exited, ready: Promise.race([found, exited.then(() => undefined)]) };
}

// A demo that ends in any other way still leaves nothing running.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

let server;
// The server shuts down gracefully on the first signal and at once on a second; the fake goes after it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!server) process.exit(130);
    server.child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}

const fake = start('fake  ', [FAKE_CLI, '--port', '0'], { env }, /listening on (http:\/\/\S+)/);
const fakeUrl = await fake.ready;
if (!fakeUrl) {
  console.error('demo: fake-anthropic did not start (see above)');
  process.exit(1);
}

server = start(
  'server',
  [SERVER_CLI, 'start', '--port', args.port, '--pretty'],
  {
    cwd: dir,
    env: {
      ...env,
      ANTHROPIC_BASE_URL: fakeUrl,
      ANTHROPIC_API_KEY: 'throwaway-key-for-the-fake',
      CLAUDE_CONFIG_DIR: join(dir, 'claude'),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CCS_API_KEYS: `demo=${API_KEY}`,
    },
  },
  /listening on (http:\/\/\S+)/,
);

server.exited.then(async ({ code }) => {
  fake.child.kill('SIGINT');
  await fake.exited;
  rmSync(dir, { recursive: true, force: true });
  console.log(code === 0 ? 'demo: stopped; nothing is left running' : 'demo: the server stopped (see above)');
  process.exit(code ?? 1);
});

// When the server does not start, it has said why, and its exit ends the demo.
const url = await server.ready;
if (url) {
  const rule = '-'.repeat(78);
  console.log(`
${rule}
  DEMO: claude-code-server on a FAKE model (fake-anthropic), not Claude.
  Its answers are scripted: "My name is Ann" is remembered ("What is my name?"),
  anything else is echoed back. No account, no network, nothing is billed.

  URL:      ${url}
  API docs: ${url}/docs
  API key:  ${API_KEY}   (header X-API-Key)
  Data:     ${dir}   (deleted when the demo stops)

  Try:
    curl -s -X POST ${url}/chat -H 'X-API-Key: ${API_KEY}' \\
      -H 'content-type: application/json' -d '{"message":"My name is Ann","user_id":"ann"}'
    curl -s ${url}/health

  Every endpoint with curl: "A session with curl" in apps/server/README.md.
  Ctrl-C stops the server and the fake API.
${rule}
`);
}
