import { z } from 'zod';
import { ID_PATTERN, STORE_LIMITS } from './limits.js';
import type { Metadata } from './types.js';

// The rules of every stored value, as zod schemas, so the stores and the server's request schemas state
// each limit once. Messages are our own words; the field is named by whoever parses (see parseInput).

/** A short, safe description of a value for error messages (never its content). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A zod check that reports the problem `find` names (null: none). */
export function rule<T>(find: (value: T) => string | null): z.core.CheckFn<T> {
  return (payload) => {
    const message = find(payload.value);
    if (message !== null) payload.issues.push({ code: 'custom', message, input: payload.value });
  };
}

// Every backend stores text as UTF-8 (Postgres text and JSONB reject U+0000 outright), so strings that
// would not survive that round trip unchanged are refused at the edge by every store alike.
/** Why `text` would not be stored unchanged, or null. */
export function unstorable(text: string): string | null {
  // String.prototype.isWellFormed exists from Node 20 but is typed only in lib ES2024.
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) {
    return 'contains an unpaired surrogate (not valid Unicode)';
  }
  return text.includes('\u0000') ? 'contains a NUL character (U+0000)' : null;
}

/** Why `text` is larger than `maxBytes` in UTF-8, or null. */
function tooManyBytes(text: string, maxBytes: number): string | null {
  // A UTF-16 unit encodes to at most 3 UTF-8 bytes, so short strings skip the exact count.
  if (text.length * 3 <= maxBytes) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > maxBytes ? `must be at most ${maxBytes} bytes, got ${bytes}` : null;
}

/** A string every backend stores unchanged. */
const storableString = () =>
  z.string({ error: (issue) => `must be a string, got ${describe(issue.input)}` }).check(rule(unstorable));

/** A storable string of 1..maxLength characters. */
const boundedString = (maxLength: number) =>
  storableString()
    .min(1, 'must not be empty')
    .max(maxLength, {
      error: (issue) => `must be at most ${maxLength} characters, got ${(issue.input as string).length}`,
    });

/** A storable string of 1..maxLength characters without control characters. */
const nameString = (maxLength: number) =>
  boundedString(maxLength).regex(/^\P{Cc}*$/u, 'must not contain control characters');

/** A storable string of at most `maxBytes` UTF-8 bytes; may be empty. */
const textOfBytes = (maxBytes: number) =>
  storableString().check(rule((text) => tooManyBytes(text, maxBytes)));

/** An integer min..max (safe integers only). */
export function integerSchema(min: number, max: number) {
  const range = (issue: { input?: unknown }) => `must be between ${min} and ${max}, got ${issue.input}`;
  return z
    .int({ error: (issue) => `must be an integer, got ${describe(issue.input)}` })
    .min(min, { error: range })
    .max(max, { error: range });
}

/** A session id (also a Claude session id or a project name): safe in keys, file names and URLs. */
export const sessionIdSchema = boundedString(STORE_LIMITS.idMaxLength).regex(
  ID_PATTERN,
  'must start with a letter or digit and use only A-Z a-z 0-9 . _ : @ -',
);
/** A user id: 1..256 characters, no control characters. */
export const userIdSchema = nameString(STORE_LIMITS.userIdMaxLength);
/** The owner named in a lease: 1..256 characters, no control characters. */
export const leaseOwnerSchema = nameString(STORE_LIMITS.leaseOwnerMaxLength);
/** A message's text: up to 16 MiB of UTF-8; may be empty. */
export const messageContentSchema = textOfBytes(STORE_LIMITS.messageContentMaxBytes);
/** A whole transcript or one appended chunk: up to 64 MiB of UTF-8; may be empty. */
export const transcriptSchema = textOfBytes(STORE_LIMITS.transcriptMaxBytes);

/** A task id: the session id rules. */
export const taskIdSchema = sessionIdSchema;
/** Whose task it is: 1..256 characters, no control characters. */
export const taskOwnerSchema = nameString(STORE_LIMITS.taskOwnerMaxLength);
/** A task's result: up to 16 MiB of UTF-8; may be empty. */
export const taskResultSchema = textOfBytes(STORE_LIMITS.taskResultMaxBytes);

/**
 * Metadata: a plain object of JSON values (no undefined, functions, NaN, dates or class instances),
 * at most 32 levels deep and 64 KiB as JSON, so every store returns it unchanged.
 */
export const metadataSchema = z.custom<Metadata>().check((payload) => {
  const found = isPlainObject(payload.value)
    ? jsonProblem(payload.value, [], 0)
    : { path: [], message: `must be a plain object, got ${describe(payload.value)}` };
  const message = found
    ? found.message
    : tooManyBytes(JSON.stringify(payload.value), STORE_LIMITS.metadataMaxBytes);
  if (message !== null)
    payload.issues.push({ code: 'custom', message, input: payload.value, path: found?.path });
});

type Path = (string | number)[];

/** The first value below `value` that is not plain JSON, with where it is. */
function jsonProblem(value: unknown, path: Path, depth: number): { path: Path; message: string } | null {
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'string') {
    const message = unstorable(value);
    return message === null ? null : { path, message };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : { path, message: `must be a finite number, got ${value}` };
  }
  if (depth >= STORE_LIMITS.metadataMaxDepth) {
    return { path, message: `nests deeper than ${STORE_LIMITS.metadataMaxDepth} levels` };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = jsonProblem(item, [...path, index], depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const badKey = unstorable(key);
      if (badKey !== null) return { path, message: `has a key that ${badKey}` };
      const found = jsonProblem(item, [...path, key], depth + 1);
      if (found) return found;
    }
    return null;
  }
  return { path, message: `must be a JSON value, got ${describe(value)}` };
}
