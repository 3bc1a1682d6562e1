import { formatPath } from '@claude-code-server/server';
import type { z } from 'zod';

// zod's own messages start like this; a schema's custom message (e.g. "must not be empty") is kept as is.
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized key)/;

function list(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

function received(message: string): string | undefined {
  return /received (\w+)/.exec(message)?.[1];
}

function sizeProblem(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, small: boolean): string {
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  const word = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
  switch (issue.origin) {
    case 'string':
      return small && Number(bound) === 1 ? 'must not be empty' : `must be ${word} ${bound} characters long`;
    case 'array':
    case 'set':
      return small && Number(bound) === 1 ? 'must not be empty' : `must have ${word} ${bound} items`;
    default:
      return `must be ${word} ${bound}`;
  }
}

/** The problem of one issue in plain words ("must be one of plan, default"). */
function problemOf(issue: z.core.$ZodIssue): string {
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${list(issue.values)}`
        : `must be one of ${list(issue.values)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options?.length) return `must be one of ${list(options)}`;
      return 'does not match any allowed form';
    }
    case 'invalid_type': {
      const got = received(issue.message);
      if (got === 'undefined') return 'is required';
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}${got ? ` (got ${got})` : ''}`;
    }
    case 'too_small':
      return sizeProblem(issue, true);
    case 'too_big':
      return sizeProblem(issue, false);
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

/** Every issue as `path: problem`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const { path } = issue;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...path, key])}: is not a known key`);
      continue;
    }
    lines.push(`${formatPath(path) || '(top level)'}: ${problemOf(issue)}`);
  }
  return lines;
}
