import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** The input fields of file tools (Read, Write, Edit, MultiEdit, NotebookEdit, Glob, Grep, any other) that name a path. */
export const PATH_FIELDS = ['file_path', 'path', 'notebook_path'] as const;

/** A path field of a tool input that points outside the turn's working directory. */
export interface PathOutside {
  field: (typeof PATH_FIELDS)[number];
  /** The path as the input gave it. */
  path: string;
}

/**
 * The real path of `path` (resolved against `base`): `..` resolved and every symlink of its existing
 * part followed, with the part that does not exist yet (a file Write would create) appended.
 */
export function realPathOf(path: string, base: string): string {
  const absolute = resolve(base, path);
  let existing = absolute;
  const missing: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The path fields of a tool input that lead outside `workDir` (relative paths are the CLI's: against
 * the working directory). Approvals never grant those: a client cannot escape its project directory.
 */
export function pathsOutside(workDir: string, input: Record<string, unknown> | undefined): PathOutside[] {
  if (!input) return [];
  const root = realPathOf(workDir, '/');
  const outside: PathOutside[] = [];
  for (const field of PATH_FIELDS) {
    const path = input[field];
    if (typeof path === 'string' && path !== '' && !isInside(root, realPathOf(path, root))) {
      outside.push({ field, path });
    }
  }
  return outside;
}
