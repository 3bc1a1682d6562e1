import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** What a package.json says about how the package ships. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Absolute directory of the package. */
  dir: string;
  manifest: Manifest;
}

/** Folders of the workspace that hold packages, as pnpm-workspace.yaml lists them. */
const PACKAGE_PARENTS = ['packages', 'apps'];

export function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** Every workspace package that is not private: what `pnpm publish` would put on npm. */
export function publishablePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const parent of PACKAGE_PARENTS) {
    for (const entry of readdirSync(join(repoRoot, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(repoRoot, parent, entry.name);
      let manifest: Manifest;
      try {
        manifest = readManifest(join(dir, 'package.json'));
      } catch {
        continue;
      }
      if (manifest.private !== true) found.push({ dir, manifest });
    }
  }
  return found.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** The file name `pnpm pack` gives a package's tarball: `@scope/name` 1.2.3 -> `scope-name-1.2.3.tgz`. */
export function tarballName(manifest: Pick<Manifest, 'name' | 'version'>): string {
  return `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
}

/** Names of the packages a manifest needs at run time (dependencies and peers). */
export function runtimeDependencies(manifest: Manifest): Set<string> {
  return new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
}

/** The runtime dependencies npm installs with a package: optional peers are left to the user. */
export function installedDependencies(manifest: Manifest): Set<string> {
  const optional = manifest.peerDependenciesMeta ?? {};
  return new Set([...runtimeDependencies(manifest)].filter((name) => optional[name]?.optional !== true));
}
