import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));
const RUNTIME_PACKAGES = [
  'core',
  'store',
  'store-memory',
  'store-sqlite',
  'store-redis',
  'store-postgres',
  'agent',
  'server',
];

/** The tests run the built command, so the app is built first; its dependencies must be built already. */
export default function setup(): void {
  const missing = RUNTIME_PACKAGES.filter((name) => !existsSync(`${packagesDir}${name}/dist/index.js`));
  if (missing.length > 0) {
    throw new Error(`build the workspace first (pnpm build); not built: ${missing.join(', ')}`);
  }
  execFileSync(
    process.execPath,
    [`${appDir}../../node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'],
    {
      cwd: appDir,
      stdio: 'inherit',
    },
  );
}
