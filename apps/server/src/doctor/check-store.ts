import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreConfig } from '../config/app-config-schema.js';
import { AppError } from '../errors.js';
import { createStoreFromConfig } from '../store/create-store.js';
import { describeStore, storeAdvice } from '../store/describe-store.js';
import { type CheckResult, fail, pass } from './check-result.js';

// Postgres: undefined_table, invalid_schema_name. The schema is created and migrated by `start`.
const NOT_MIGRATED = new Set(['42P01', '3F000']);

/** The nearest directory of `path` (or above it) that exists: where the store would create its file. */
function nearestExistingDirectory(path: string): string {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** What keeps `start` from creating the SQLite file at `path`, or undefined. */
function sqliteCreateProblem(path: string): string | undefined {
  const dir = nearestExistingDirectory(path);
  if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return `${dir} is not writable by this user`;
  }
  return undefined;
}

/** True when the store answered, but its tables are not there yet. */
function notMigrated(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_MIGRATED.has(code)) return true;
  }
  return false;
}

/**
 * The configured store answers a read. Nothing is created: a SQLite file that does not exist yet is
 * only checked to be creatable, and a Postgres schema is not migrated (start does both).
 */
export async function checkStore(config: StoreConfig): Promise<CheckResult> {
  if (config.type === 'sqlite' && config.path !== ':memory:' && !existsSync(config.path)) {
    const problem = sqliteCreateProblem(config.path);
    return problem
      ? fail('store', `sqlite ${config.path} cannot be created: ${problem}`, storeAdvice(config))
      : pass('store', `sqlite ${config.path} does not exist yet`, '`start` creates it');
  }
  try {
    const store = await createStoreFromConfig(config, { migrate: false });
    await store.close();
    return pass('store', `${describeStore(config)} answered`);
  } catch (error) {
    if (notMigrated(error)) {
      return pass('store', `${describeStore(config)} answered`, '`start` creates its tables');
    }
    const message = error instanceof AppError ? error.message.split('. To fix: ')[0] : String(error);
    return fail('store', message ?? 'the store did not answer', storeAdvice(config));
  }
}
