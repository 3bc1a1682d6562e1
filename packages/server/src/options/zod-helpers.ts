import { MAX_TIMER_MS } from '@claude-code-server/core/internal';
import bytes from 'bytes';
import { z } from 'zod';
import { plainErrors } from './zod-issues.js';

/** A type error that says `is required` when the value is missing, else `problem`. */
export function typeError(problem: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : problem);
}

/** An enum whose error lists the allowed values (`must be one of a, b, c`). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: () => `must be one of ${values.join(', ')}` });
}

/** A string matching `pattern`, with a problem that says what is allowed. */
export function patterned(pattern: RegExp, problem: string, maxLength: number) {
  return z
    .string({ error: typeError('must be a string') })
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(pattern, problem);
}

export const positiveInt = z
  .number({ error: typeError('must be a number') })
  .int('must be an integer')
  .positive('must be greater than 0');
export const nonNegativeInt = z
  .number({ error: typeError('must be a number') })
  .int('must be an integer')
  .nonnegative('must be 0 or more');
const TIMER_TOO_LONG = `must be at most ${MAX_TIMER_MS} ms (about 24.8 days)`;
/** A delay in ms a timer can wait for, at least `min` (a Node timer fires at once past MAX_TIMER_MS). */
export function timerMs(min = 1) {
  return z
    .number({ error: typeError('must be a number') })
    .int('must be an integer')
    .min(
      min,
      min === 0 ? 'must be 0 or more' : min === 1 ? 'must be greater than 0' : `must be at least ${min}`,
    )
    .max(MAX_TIMER_MS, TIMER_TOO_LONG);
}
export const nonEmptyString = z.string({ error: typeError('must be a string') }).min(1, 'must not be empty');
export const stringList = z.array(nonEmptyString, { error: typeError('must be a list of strings') });

/** A plain object (what a YAML mapping becomes), not an array, null or a class instance. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `mapping` checks plain objects, `other` everything else. Unlike z.union, whose error only says that
 * no member matched, the errors are the chosen schema's own and name the key inside
 * (`auth.keys[0].max_permission_mode`).
 */
export function mappingOr<M extends z.ZodType, O extends z.ZodType>(mapping: M, other: O) {
  return z.custom<z.input<M> | z.input<O>>().transform((value, ctx): z.output<M> | z.output<O> => {
    const parsed = (isMapping(value) ? mapping : other).safeParse(value, { error: plainErrors });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  });
}

/** A byte size: a number of bytes or a string such as `512kb` (as express's body limit takes). */
export const byteSize = z.union(
  [positiveInt, z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)$/i, 'must be a size such as 512kb or 1mb')],
  { error: typeError('must be a number of bytes or a size such as 512kb or 1mb') },
);
/** A byte size as a number of bytes. */
export const byteCount = byteSize.transform((size) =>
  typeof size === 'number' ? size : (bytes.parse(size) ?? 0),
);
