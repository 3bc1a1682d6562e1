import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type PackedPackage, packPackages } from '../src/pack.js';
import { publishablePackages } from '../src/workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Every publishable package, packed once for all test files. */
    packed: PackedPackage[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const destination = await mkdtemp(join(tmpdir(), 'ccs-packed-'));
  const cleanup = () => rm(destination, { recursive: true, force: true });
  try {
    project.provide('packed', await packPackages(publishablePackages(), destination));
  } catch (error) {
    await cleanup();
    throw error;
  }
  return cleanup;
}
