import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { HookMatcher } from '@claude-code-server/core';

/** The input fields of file tools (Read, Write, Edit, MultiEdit, NotebookEdit, Glob, Grep, any other) that name a path. */
export const PATH_FIELDS = ['file_path', 'path', 'notebook_path'] as const;

/** Fields of Glob and Grep that hold a glob pattern, whose fixed leading part names a directory. */
const PATTERN_FIELDS: Readonly<Record<string, 'pattern' | 'glob'>> = { Glob: 'pattern', Grep: 'glob' };

/** A path field of a tool input that points outside the turn's working directory. */
export interface PathOutside {
  field: (typeof PATH_FIELDS)[number] | 'pattern' | 'glob';
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

/** The part of a glob pattern before its first wildcard segment (`/etc/host*` -> `/etc`). */
function fixedPart(pattern: string): string {
  const segments = pattern.split('/');
  const wild = segments.findIndex((segment) => /[*?[{]/.test(segment));
  return (wild < 0 ? segments : segments.slice(0, wild)).join('/') || '.';
}

export interface PathCheckOptions {
  /** The tool, so that its pattern field (Glob's `pattern`, Grep's `glob`) is checked too. */
  toolName?: string;
  /** Directories besides the working directory that turns may use (`claude.add_dirs`). */
  extraDirs?: readonly string[];
}

/**
 * The path fields of a tool input that lead outside `workDir` and `extraDirs` (relative paths are the
 * CLI's: against the working directory; `~` is the CLI's home, never inside). The agent's PreToolUse
 * guard denies those (see `confineToProject`), and the server's approvals never grant them.
 */
export function pathsOutside(
  workDir: string,
  input: Record<string, unknown> | undefined,
  options: PathCheckOptions = {},
): PathOutside[] {
  if (!input) return [];
  const root = realPathOf(workDir, '/');
  const roots = [root, ...(options.extraDirs ?? []).map((dir) => realPathOf(dir, root))];
  const inside = (path: string, base: string) =>
    !path.startsWith('~') && roots.some((dir) => isInside(dir, realPathOf(path, base)));
  const outside: PathOutside[] = [];
  for (const field of PATH_FIELDS) {
    const path = input[field];
    if (typeof path === 'string' && path !== '' && !inside(path, root)) outside.push({ field, path });
  }
  const patternField = options.toolName === undefined ? undefined : PATTERN_FIELDS[options.toolName];
  const pattern = patternField === undefined ? undefined : input[patternField];
  if (patternField && typeof pattern === 'string' && pattern !== '') {
    const base = typeof input.path === 'string' && input.path !== '' ? realPathOf(input.path, root) : root;
    if (!inside(fixedPart(pattern), base)) outside.push({ field: patternField, path: pattern });
  }
  return outside;
}

/**
 * A PreToolUse hook for one turn: denies every tool call whose paths lead outside the turn's working
 * directory, before the CLI's own permission check (so also for pre-approved tools, which the CLI runs
 * without asking). The model is told why.
 */
export function workingDirectoryHook(workDir: string, extraDirs: readonly string[] = []): HookMatcher {
  return {
    hooks: [
      (input) => {
        const toolName = input.tool_name ?? 'the tool';
        const outside = pathsOutside(workDir, input.tool_input, { toolName, extraDirs })[0];
        if (!outside) return undefined;
        return {
          hookSpecificOutput: {
            hookEventName: 'PreToolUse',
            permissionDecision: 'deny',
            permissionDecisionReason: `${toolName} of ${outside.path} is outside the working directory ${workDir}.`,
          },
        };
      },
    ],
  };
}
