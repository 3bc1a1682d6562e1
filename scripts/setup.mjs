#!/usr/bin/env node
// Brings a fresh checkout to a runnable state with only Node and npm: pnpm (through npx when it is
// not installed), the workspace dependencies, and a build of every package. Cheap when nothing changed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PNPM_VERSION = '10.34.8';

// turbo looks up the package manager on PATH; the workspace's own pnpm lives in node_modules/.bin.
const env = { ...process.env, PATH: `${root}/node_modules/.bin${delimiter}${process.env.PATH ?? ''}` };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`setup: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function pnpmCommand() {
  try {
    const v = execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (v.trim().startsWith('10.')) return ['pnpm', []];
  } catch {}
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

const modules = `${root}/node_modules/.modules.yaml`;
const lock = `${root}/pnpm-lock.yaml`;
const stale =
  !existsSync(modules) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(modules).mtimeMs);
if (stale) {
  const [cmd, pre] = pnpmCommand();
  run(cmd, [...pre, 'install', ...(existsSync(lock) ? ['--frozen-lockfile'] : [])]);
}
if (!process.argv.includes('--no-build'))
  run(`${root}/node_modules/.bin/turbo`, ['run', 'build', '--output-logs=errors-only']);
