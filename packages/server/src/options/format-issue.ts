import type { z } from 'zod';

/** `auth.keys[0].name` for the path `['auth', 'keys', 0, 'name']` (odd keys quoted: `projects["a b"]`). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(part))) out += `[${JSON.stringify(String(part))}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** One zod issue as `path: problem`, the path joined from `prefix` and the issue's own. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  prefix: ReadonlyArray<PropertyKey> = [],
): {
  path: string;
  problem: string;
} {
  const path: PropertyKey[] = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const [first, ...rest] = issue.keys;
    path.push(first ?? '');
    const more = rest.length > 0 ? ` (nor ${rest.join(', ')})` : '';
    return { path: formatPath(path), problem: `is not a known key${more}` };
  }
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
    return { path: formatPath(path), problem: 'is required' };
  }
  if (issue.code === 'invalid_key' && issue.issues[0]) return describeIssue(issue.issues[0], path);
  return { path: formatPath(path), problem: issue.message };
}

/** Every issue of a zod error as `path: problem` lines. */
export function formatIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): string[] {
  return error.issues.map((issue) => {
    const { path, problem } = describeIssue(issue, prefix);
    return path ? `${path}: ${problem}` : problem;
  });
}
