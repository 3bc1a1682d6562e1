import type { z } from 'zod';
import { HttpError } from '../errors/http-error.js';
import { describeIssue, formatIssues } from '../options/format-issue.js';

/** Parses part of a request; a 400 names the first bad field (and lists every problem in details). */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: 'body' | 'query' | 'path',
): z.output<S> {
  if (where === 'body' && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new HttpError(
      400,
      'INVALID_REQUEST',
      'body: must be a JSON object (send Content-Type: application/json)',
      {
        details: { field: 'body' },
      },
    );
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const { path, problem } = first ? describeIssue(first) : { path: where, problem: 'is invalid' };
  const field = path || where;
  return fail(field, problem, formatIssues(parsed.error));
}

function fail(field: string, problem: string, problems: string[]): never {
  throw new HttpError(400, 'INVALID_REQUEST', `${field}: ${problem}`, { details: { field, problems } });
}
