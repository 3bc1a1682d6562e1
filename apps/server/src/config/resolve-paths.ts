import { isAbsolute, resolve } from 'node:path';
import { isPlainObject, type RawConfig } from './raw-config.js';

function absolute(value: unknown, baseDir: string): unknown {
  return typeof value === 'string' && value !== '' && value !== ':memory:' && !isAbsolute(value)
    ? resolve(baseDir, value)
    : value;
}

/**
 * Makes the file's relative paths absolute against `baseDir` (the config file's directory), so the
 * server finds the same files whatever directory it is started from.
 */
export function resolveRelativePaths(raw: RawConfig, baseDir: string): void {
  if (isPlainObject(raw.store) && 'path' in raw.store) raw.store.path = absolute(raw.store.path, baseDir);
  if (isPlainObject(raw.projects)) {
    for (const project of Object.values(raw.projects)) {
      if (isPlainObject(project) && 'path' in project) project.path = absolute(project.path, baseDir);
    }
  }
  if (Array.isArray(raw.plugins)) raw.plugins = raw.plugins.map((path) => absolute(path, baseDir));
  if (isPlainObject(raw.claude)) {
    for (const key of ['config_dir', 'cli_path']) {
      if (key in raw.claude) raw.claude[key] = absolute(raw.claude[key], baseDir);
    }
  }
}
