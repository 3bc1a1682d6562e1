import type { z } from 'zod';
import { HttpError } from '../errors/http-error.js';
import { issueProblems, problemLine, safeParsePlain } from '../options/zod-issues.js';

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
  const parsed = safeParsePlain(schema, input);
  if (parsed.success) return parsed.data as z.output<S>;
  const problems = issueProblems(parsed.error.issues);
  const { path, problem } = problems[0] ?? { path: where, problem: 'is invalid' };
  const field = path || where;
  return fail(field, problem, problems.map(problemLine));
}

function fail(field: string, problem: string, problems: string[]): never {
  throw new HttpError(400, 'INVALID_REQUEST', `${field}: ${problem}`, { details: { field, problems } });
}
