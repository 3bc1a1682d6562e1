import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, type WorkspacePackage } from './workspace.js';

/** One tarball as `pnpm pack --json` describes it. */
export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  filename: string;
  /** Paths inside the package, e.g. `dist/index.js`. */
  files: string[];
}

const run = promisify(execFile);

/** The workspace's own pnpm (a root devDependency, whose exports hide its bin), run by this Node. */
export function pnpmCli(): string {
  return join(repoRoot, 'node_modules/pnpm/bin/pnpm.cjs');
}

/**
 * Packs the packages with `pnpm pack` (which rewrites `workspace:` ranges to versions), as
 * `changeset publish` does, from their built dist.
 */
export async function packPackages(
  packages: WorkspacePackage[],
  destination: string,
): Promise<PackedPackage[]> {
  const filters = packages.flatMap(({ manifest }) => ['--filter', manifest.name]);
  const { stdout } = await run(
    process.execPath,
    [pnpmCli(), '--recursive', ...filters, 'pack', '--pack-destination', destination, '--json'],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  const packed = JSON.parse(stdout) as Array<
    Omit<PackedPackage, 'files'> & { files: Array<{ path: string }> }
  >;
  return packed.map((entry) => ({ ...entry, files: entry.files.map((file) => file.path) }));
}
