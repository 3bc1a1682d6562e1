import { InvalidInputError } from './errors.js';

// Every backend stores text as UTF-8 (Postgres text and JSONB reject U+0000 outright), so strings that
// would not survive that round trip unchanged are refused at the edge by every store alike.
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Throws unless `value` is a string that every backend stores unchanged. */
export function checkStorableString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string')
    throw new InvalidInputError(field, `must be a string, got ${describe(value)}`);
  if (!isWellFormed(value))
    throw new InvalidInputError(field, 'contains an unpaired surrogate (not valid Unicode)');
  if (value.includes('\u0000')) throw new InvalidInputError(field, 'contains a NUL character (U+0000)');
}

// String.prototype.isWellFormed exists from Node 20 but is typed only in lib ES2024.
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

/** A storable string of 1..maxLength characters without control characters. */
export function checkName(value: unknown, field: string, maxLength: number): asserts value is string {
  checkStorableString(value, field);
  checkLength(value, field, maxLength);
  if (CONTROL_CHARACTER.test(value))
    throw new InvalidInputError(field, 'must not contain control characters');
}

export function checkLength(value: string, field: string, maxLength: number): void {
  if (value.length === 0) throw new InvalidInputError(field, 'must not be empty');
  if (value.length > maxLength) {
    throw new InvalidInputError(field, `must be at most ${maxLength} characters, got ${value.length}`);
  }
}

/** Throws when the UTF-8 encoding of `value` is larger than `maxBytes`. */
export function checkByteSize(value: string, field: string, maxBytes: number): void {
  // A UTF-16 unit encodes to at most 3 UTF-8 bytes, so short strings skip the exact count.
  if (value.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes) throw new InvalidInputError(field, `must be at most ${maxBytes} bytes, got ${bytes}`);
}

export function checkInteger(
  value: unknown,
  field: string,
  min: number,
  max: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidInputError(field, `must be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max)
    throw new InvalidInputError(field, `must be between ${min} and ${max}, got ${value}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short, safe description of a value for error messages (never its content). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
