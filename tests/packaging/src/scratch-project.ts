import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readManifest, repoRoot } from './workspace.js';

const run = promisify(execFile);
const fromRoot = createRequire(join(repoRoot, 'package.json'));
const fromStoreSqlite = createRequire(join(repoRoot, 'packages/store-sqlite/package.json'));

/** The compiler options of a strict application; skipLibCheck off, so our .d.ts files are checked too. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    rootDir: 'samples',
    outDir: 'out',
  },
  include: ['samples'],
};

/**
 * An application in a temp directory that installs the tarballs with npm, as a user's project
 * would: third-party dependencies come from the registry (npm's cache first).
 */
export async function createScratchProject(tarballs: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ccs-scratch-'));
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'scratch', private: true, type: 'module' })}\n`,
  );
  await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  await mkdir(join(dir, 'samples'));
  const typesNode = `@types/node@${readManifest(join(repoRoot, 'package.json')).devDependencies?.['@types/node']}`;
  // Install scripts are skipped: the CLI's only links its binary, which core finds without it, and
  // better-sqlite3's compiles SQLite for a minute and more; its binary is supplied below.
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...tarballs, typesNode],
    {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  await provideBetterSqlite3Binary(dir);
  return dir;
}

/** The workspace's build of better-sqlite3 when it is the version npm installed, else a build from source. */
async function provideBetterSqlite3Binary(dir: string): Promise<void> {
  const installed = join(dir, 'node_modules/better-sqlite3');
  const workspaceManifest = fromStoreSqlite.resolve('better-sqlite3/package.json');
  if (readManifest(join(installed, 'package.json')).version === readManifest(workspaceManifest).version) {
    await mkdir(join(installed, 'build/Release'), { recursive: true });
    const binary = 'build/Release/better_sqlite3.node';
    await copyFile(join(dirname(workspaceManifest), binary), join(installed, binary));
  } else {
    await run('npm', ['rebuild', 'better-sqlite3'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  }
}

/** Runs the workspace's tsc on the scratch project: whether it compiled, and what tsc printed. */
export async function compileScratchProject(dir: string): Promise<{ ok: boolean; output: string }> {
  try {
    await run(process.execPath, [fromRoot.resolve('typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], {
      cwd: dir,
    });
    return { ok: true, output: '' };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}
