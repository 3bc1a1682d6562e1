import { InvalidInputError } from '@claude-code-server/store';

/** Postgres truncates longer identifiers silently, which would let two schema names collide. */
const MAX_IDENTIFIER_BYTES = 63;

/** Quotes a name for use as an SQL identifier; any character is safe inside the quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Throws unless `schema` can name a Postgres schema unchanged. */
export function checkSchemaName(schema: unknown): asserts schema is string {
  if (typeof schema !== 'string' || schema.length === 0) {
    throw new InvalidInputError('schema', 'must be a non-empty string');
  }
  if (schema.includes('\u0000')) throw new InvalidInputError('schema', 'contains a NUL character (U+0000)');
  // Reserved for system schemas: CREATE SCHEMA would refuse it, but only at the first call.
  if (schema.startsWith('pg_')) throw new InvalidInputError('schema', 'must not start with pg_ (reserved)');
  const bytes = Buffer.byteLength(schema, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new InvalidInputError('schema', `must be at most ${MAX_IDENTIFIER_BYTES} bytes, got ${bytes}`);
  }
}
