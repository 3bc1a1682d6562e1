import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { isPlainObject, type RawConfig } from './raw-config.js';

export const DEFAULT_CONFIG_FILE = 'config.yaml';

/**
 * The config file to read: the flag, else CCS_CONFIG, else ./config.yaml when it exists, else none
 * (the built-in defaults). A file that was asked for by name must exist.
 */
export function findConfigFile(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  const named = flag ?? (env.CCS_CONFIG || undefined);
  if (named !== undefined) {
    const path = resolve(cwd, named);
    if (!existsSync(path)) {
      const from = flag !== undefined ? '--config' : 'CCS_CONFIG';
      throw new ConfigError('CONFIG_NOT_FOUND', [
        `${named}: config file not found (named by ${from}); copy apps/server/config.yaml.example there or fix the path`,
      ]);
    }
    return path;
  }
  const implicit = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(implicit) ? implicit : null;
}

/** The file's YAML as a plain object; an empty file is an empty config. */
export function readConfigFile(path: string, label: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', [
      `${label}: cannot read the file (${(error as Error).message})`,
    ]);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    throw new ConfigError(
      'CONFIG_SYNTAX',
      document.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return `${label}: line ${at.line}, column ${at.col}: ${error.message.split('\n')[0]} (not valid YAML)`;
      }),
    );
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new ConfigError('CONFIG_INVALID', [
      `${label}: the top level must be a mapping of keys (server, store, auth, ...), not ${Array.isArray(value) ? 'a list' : typeof value}`,
    ]);
  }
  return value;
}
