import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The page built from the current sources, in a folder of the test's own. */
    assetsDir: string;
  }
}

/**
 * Builds the page from the current sources into a temp folder, so the test never serves a stale
 * build, nor empties static/ while another package's test serves it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'ccs-console-build-'));
  await build({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('assetsDir', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}
