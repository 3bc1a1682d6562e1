import { z } from 'zod';

/** One problem of a parse: where (`auth.keys[0].name`) and what (`must not be empty`). */
export interface IssueProblem {
  path: string;
  problem: string;
}

function list(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

/** What zod expected, as a noun with its article (`int` is what `.int()` expects). */
function expectedNoun(expected: string): string {
  const noun = expected === 'int' ? 'integer' : expected;
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function boundProblem(origin: string, bound: number | bigint, inclusive: boolean, small: boolean): string {
  const word = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  const one = small && inclusive && Number(bound) === 1;
  switch (origin) {
    case 'string':
      return one ? 'must not be empty' : `must be ${word} ${bound} characters long`;
    case 'array':
    case 'set':
    case 'map':
      return one ? 'must not be empty' : `must have ${word} ${bound} items`;
    default:
      return `must be ${word} ${bound}`;
  }
}

/**
 * zod's error map for what the server parses: each problem in plain words, built from the issue's
 * own data ("is required", "must be one of a, b"). A message the schema sets wins over it, and
 * zod's English is never read back.
 */
export const plainErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${expectedNoun(issue.expected)} (got ${z.core.util.getParsedType(issue.input)})`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${list(issue.values)}`
        : `must be one of ${list(issue.values)}`;
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      return options?.length ? `must be one of ${list(options)}` : 'does not match any allowed form';
    }
    case 'too_small':
      return boundProblem(issue.origin, issue.minimum, issue.inclusive !== false, true);
    case 'too_big':
      return boundProblem(issue.origin, issue.maximum, issue.inclusive !== false, false);
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern
        ? `must match ${issue.pattern}`
        : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'is not a known key';
    default:
      return undefined;
  }
};

/** `schema.safeParse(input)` with the plain error messages of `plainErrors`. */
export function safeParsePlain<S extends z.ZodType>(schema: S, input: unknown) {
  return schema.safeParse(input, { error: plainErrors });
}

/**
 * The problems of a zod error, each with its path from `prefix` and the issue's own (zod's
 * `toDotPath`). An unknown key is named in the path, one problem per key; a bad record key is
 * reported by what its key schema said.
 */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  prefix: ReadonlyArray<PropertyKey> = [],
): IssueProblem[] {
  return issues.flatMap((issue): IssueProblem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: z.core.toDotPath([...path, key]),
        problem: 'is not a known key',
      }));
    }
    if (issue.code === 'invalid_key' && issue.issues.length > 0) return issueProblems(issue.issues, path);
    return [{ path: z.core.toDotPath(path), problem: issue.message }];
  });
}

/** A problem as one line: `path: problem`. */
export function problemLine({ path, problem }: IssueProblem): string {
  return path ? `${path}: ${problem}` : problem;
}

/** Every issue of a zod error as `path: problem` lines. */
export function formatIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): string[] {
  return issueProblems(error.issues, prefix).map(problemLine);
}
