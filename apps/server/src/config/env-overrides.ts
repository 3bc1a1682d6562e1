import { isPlainObject, objectAt, type RawConfig, type ValueOrigins } from './raw-config.js';

/** Environment variables that override the config file (secrets and URLs), all optional. */
export const ENV_OVERRIDES = {
  CCS_CONFIG: 'path of the config file (like --config)',
  CCS_PORT: 'server.port (PORT is read too; CCS_PORT wins)',
  CCS_HOST: 'server.host',
  CCS_STORE: 'store.type: memory, sqlite, redis or postgres',
  SQLITE_PATH: 'store.path when the store is sqlite',
  REDIS_URL: 'store.url when the store is redis',
  DATABASE_URL: 'store.url when the store is postgres',
  CCS_API_KEYS: 'API keys, comma-separated, each `secret` or `name=secret` (see README)',
  CCS_LOG_LEVEL: 'log.level',
  CCS_LOG_PRETTY: 'log.pretty (1/true or 0/false)',
  CCS_ADVERTISE_URL: "cluster.advertise_url: this node's URL as the other nodes reach it",
} as const;

/** A number when the text is one, else the text (so validation can say what is wrong with it). */
function numberOrText(text: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
}

function booleanOrText(text: string): boolean | string {
  const lower = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(lower)) return false;
  return text;
}

function present(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** One `CCS_API_KEYS` entry: `name=secret`, or a bare secret named `env-<n>`. */
function parseApiKeyEntry(entry: string, index: number): { name: string; key: string } {
  const cut = entry.indexOf('=');
  if (cut > 0) return { name: entry.slice(0, cut).trim(), key: entry.slice(cut + 1).trim() };
  return { name: `env-${index + 1}`, key: entry.trim() };
}

/**
 * Keys from `CCS_API_KEYS`: an entry whose name matches a key of the file replaces that key's secret
 * (its limits stay); other entries are added as keys without limits of their own.
 */
function applyApiKeys(raw: RawConfig, value: string, origins: ValueOrigins): void {
  const auth = objectAt(raw, 'auth');
  const keys: unknown[] = Array.isArray(auth.keys) ? auth.keys : [];
  auth.keys = keys;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const { name, key } = parseApiKeyEntry(entry, index);
    const existing = keys.findIndex((item) => isPlainObject(item) && item.name === name);
    if (existing >= 0) {
      const item = keys[existing] as Record<string, unknown>;
      delete item.sha256;
      item.key = key;
      origins.set(`auth.keys[${existing}].key`, 'CCS_API_KEYS');
    } else {
      keys.push({ name, key });
      origins.set(`auth.keys[${keys.length - 1}]`, 'CCS_API_KEYS');
    }
  });
}

/** The store section after `CCS_STORE` and the URL variables. */
function applyStore(raw: RawConfig, env: NodeJS.ProcessEnv, origins: ValueOrigins): void {
  const storeType = present(env, 'CCS_STORE');
  if (storeType !== undefined) {
    const current = isPlainObject(raw.store) ? raw.store : {};
    const currentType = current.type ?? 'sqlite';
    // Another type's keys (a sqlite path under a redis store) would only be rejected: start afresh.
    raw.store = currentType === storeType ? current : { type: storeType, ttl_ms: current.ttl_ms };
    (raw.store as Record<string, unknown>).type = storeType;
    origins.set('store.type', 'CCS_STORE');
  }
  const store = isPlainObject(raw.store) ? raw.store : undefined;
  const type = store?.type ?? 'sqlite';
  const byType: Record<string, [string, string]> = {
    sqlite: ['SQLITE_PATH', 'path'],
    redis: ['REDIS_URL', 'url'],
    postgres: ['DATABASE_URL', 'url'],
  };
  const [variable, key] = byType[String(type)] ?? [];
  const value = variable ? present(env, variable) : undefined;
  if (variable && key && value !== undefined) {
    objectAt(raw, 'store')[key] = value;
    origins.set(`store.${key}`, variable);
  }
}

/**
 * ANTHROPIC_* variables reach the CLI through the inherited environment; when the file also sets one
 * under `claude.env`, the variable wins there too.
 */
function applyAnthropicEnv(raw: RawConfig, env: NodeJS.ProcessEnv, origins: ValueOrigins): void {
  const claude = raw.claude;
  if (!isPlainObject(claude) || !isPlainObject(claude.env)) return;
  for (const name of Object.keys(claude.env)) {
    const value = present(env, name);
    if (name.startsWith('ANTHROPIC_') && value !== undefined) {
      claude.env[name] = value;
      origins.set(`claude.env.${name}`, name);
    }
  }
}

/** Writes the environment's overrides into `raw` (in place) and records where each came from. */
export function applyEnvOverrides(raw: RawConfig, env: NodeJS.ProcessEnv, origins: ValueOrigins): void {
  const portVariable = present(env, 'CCS_PORT') !== undefined ? 'CCS_PORT' : 'PORT';
  const port = present(env, portVariable);
  if (port !== undefined) {
    objectAt(raw, 'server').port = numberOrText(port);
    origins.set('server.port', portVariable);
  }
  const host = present(env, 'CCS_HOST');
  if (host !== undefined) {
    objectAt(raw, 'server').host = host;
    origins.set('server.host', 'CCS_HOST');
  }
  applyStore(raw, env, origins);
  const advertised = present(env, 'CCS_ADVERTISE_URL');
  if (advertised !== undefined) {
    objectAt(raw, 'cluster').advertise_url = advertised;
    origins.set('cluster.advertise_url', 'CCS_ADVERTISE_URL');
  }
  const apiKeys = present(env, 'CCS_API_KEYS');
  if (apiKeys !== undefined) applyApiKeys(raw, apiKeys, origins);
  const level = present(env, 'CCS_LOG_LEVEL');
  if (level !== undefined) {
    objectAt(raw, 'log').level = level;
    origins.set('log.level', 'CCS_LOG_LEVEL');
  }
  const pretty = env.CCS_LOG_PRETTY;
  if (pretty !== undefined) {
    objectAt(raw, 'log').pretty = booleanOrText(pretty);
    origins.set('log.pretty', 'CCS_LOG_PRETTY');
  }
  applyAnthropicEnv(raw, env, origins);
}
