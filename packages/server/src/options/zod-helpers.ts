import { z } from 'zod';

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
export const nonEmptyString = z.string({ error: typeError('must be a string') }).min(1, 'must not be empty');
export const stringList = z.array(nonEmptyString, { error: typeError('must be a list of strings') });
