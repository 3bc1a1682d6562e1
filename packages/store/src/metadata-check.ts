import { InvalidInputError } from './errors.js';
import { STORE_LIMITS } from './limits.js';
import { checkByteSize, checkStorableString, describe, isPlainObject } from './text-checks.js';
import type { Metadata } from './types.js';

/**
 * Throws unless `value` is a plain object of JSON values (no undefined, functions, NaN, dates or class
 * instances) whose JSON form fits STORE_LIMITS.metadataMaxBytes, so every store returns it unchanged.
 */
export function checkMetadata(value: unknown, field = 'metadata'): asserts value is Metadata {
  if (!isPlainObject(value))
    throw new InvalidInputError(field, `must be a plain object, got ${describe(value)}`);
  checkJsonValue(value, field, 0);
  checkByteSize(JSON.stringify(value), field, STORE_LIMITS.metadataMaxBytes);
}

function checkJsonValue(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    checkStorableString(value, path);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(path, `must be a finite number, got ${value}`);
    return;
  }
  if (depth >= STORE_LIMITS.metadataMaxDepth) {
    throw new InvalidInputError(path, `nests deeper than ${STORE_LIMITS.metadataMaxDepth} levels`);
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkJsonValue(item, `${path}[${index}]`, depth + 1);
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkStorableString(key, `${path} key`);
      checkJsonValue(item, `${path}.${key}`, depth + 1);
    }
    return;
  }
  throw new InvalidInputError(path, `must be a JSON value, got ${describe(value)}`);
}
