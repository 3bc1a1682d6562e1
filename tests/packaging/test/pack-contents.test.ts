import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { importedPackages } from '../src/imports.js';
import { type Manifest, publishablePackages, runtimeDependencies } from '../src/workspace.js';

const packed = inject('packed');
const unpackDir = await mkdtemp(join(tmpdir(), 'ccs-unpacked-'));
afterAll(() => rm(unpackDir, { recursive: true, force: true }));

it('packs every package that is not private, and only those', () => {
  expect(packed.map((entry) => entry.name).sort()).toEqual(
    publishablePackages().map((pkg) => pkg.manifest.name),
  );
  expect(packed.map((entry) => entry.name)).not.toContain('@claude-code-server/app-server');
});

describe.each(packed)('the tarball of $name', (tarball) => {
  const dir = join(unpackDir, tarball.name);
  let manifest: Manifest;
  beforeAll(async () => {
    await mkdir(dir, { recursive: true });
    await promisify(execFile)('tar', ['-xzf', tarball.filename, '-C', dir, '--strip-components=1']);
    manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
  });

  it('holds its README, its build and the types of every module', () => {
    expect(tarball.files).toContain('README.md');
    const modules = tarball.files.filter((file) => file.startsWith('dist/') && file.endsWith('.js'));
    expect(modules.length).toBeGreaterThan(0);
    for (const module of modules) expect(tarball.files).toContain(module.replace(/\.js$/, '.d.ts'));
  });

  it('holds every file its main, types, exports and bin name', () => {
    const targets = [
      manifest.main,
      manifest.types,
      ...entryTargets(manifest.exports),
      ...binTargets(manifest.bin),
    ];
    for (const target of targets.filter((t) => t !== undefined)) {
      expect(tarball.files, `${target} is named in package.json`).toContain(target.replace(/^\.\//, ''));
    }
  });

  it('holds no tests, test support, benchmarks or sources', () => {
    const devOnly = tarball.files.filter((file) =>
      /(^|\/)(src|test|tests|test-support|bench)\/|\.(test|spec|bench)\.[cm]?[jt]s/.test(file),
    );
    expect(devOnly).toEqual([]);
  });

  it('names versions, never workspace: ranges, for the packages it depends on', () => {
    const ranges = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies };
    expect(Object.entries(ranges).filter(([, range]) => range.startsWith('workspace:'))).toEqual([]);
  });

  it('depends on every package its code and its types import', async () => {
    const declared = runtimeDependencies(manifest);
    const missing: string[] = [];
    for (const file of tarball.files.filter((f) => /\.(d\.ts|js|cjs|mjs)$/.test(f))) {
      for (const name of importedPackages(await readFile(join(dir, file), 'utf8'))) {
        if (name !== manifest.name && !declared.has(name)) missing.push(`${file} imports ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

function entryTargets(exports: Manifest['exports']): string[] {
  return Object.values(exports ?? {}).flatMap((entry) =>
    typeof entry === 'string' ? [entry] : Object.values(entry),
  );
}

function binTargets(bin: Manifest['bin']): string[] {
  if (bin === undefined) return [];
  return typeof bin === 'string' ? [bin] : Object.values(bin);
}
