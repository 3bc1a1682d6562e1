import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { issueProblems, problemLine, safeParsePlain } from '@claude-code-server/server/internal';
import { PLATFORM_NAMES, SECRET_KEYS } from '../platforms/platform-table.js';
import { type BotConfig, botConfigSchema } from './bot-config-schema.js';
import {
  applyEnvOverrides,
  ConfigError,
  isPlainObject,
  type RawConfig,
  readConfigFile,
  ValueOrigins,
} from './server-app.js';

export const DEFAULT_BOT_CONFIG_FILE = 'bot.yaml';

/** Variables the bot reads besides each platform's secrets. */
export const BOT_ENV = {
  CCS_BOT_CONFIG: 'path of the config file (like --config)',
  CCS_BOT_PORT: 'server.port',
  CCS_BOT_HOST: 'server.host',
  CCS_BOT_STATE: 'state.type: memory, redis or postgres',
  CCS_STORE: 'store.type, as for the server (with SQLITE_PATH, REDIS_URL, DATABASE_URL)',
  REDIS_URL: 'store.url of a redis store, and state.url of redis state unless set',
  DATABASE_URL: 'store.url of a postgres store, and state.url of postgres state unless set',
} as const;

/** The store's variables, exactly as apps/server reads them, and the ANTHROPIC_* ones of `claude.env`. */
function serverVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const picked: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (
      ['CCS_STORE', 'SQLITE_PATH', 'REDIS_URL', 'DATABASE_URL'].includes(name) ||
      name.startsWith('ANTHROPIC_')
    ) {
      picked[name] = value;
    }
  }
  return picked;
}

export interface LoadBotConfigOptions {
  configPath?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The validated config, with the file it came from (absolute paths). */
export interface LoadedBotConfig extends BotConfig {
  file: string | null;
}

function findFile(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  const named = flag ?? (env.CCS_BOT_CONFIG || undefined);
  if (named !== undefined) {
    const path = resolve(cwd, named);
    if (!existsSync(path)) {
      const from = flag !== undefined ? '--config' : 'CCS_BOT_CONFIG';
      throw new ConfigError('CONFIG_NOT_FOUND', [
        `${named}: config file not found (named by ${from}); copy apps/bot/bot.yaml.example there or fix the path`,
      ]);
    }
    return path;
  }
  const implicit = resolve(cwd, DEFAULT_BOT_CONFIG_FILE);
  return existsSync(implicit) ? implicit : null;
}

/** Secrets in the file are refused: each names the variable to set instead. */
function secretProblems(raw: RawConfig): string[] {
  const platforms = isPlainObject(raw.platforms) ? raw.platforms : {};
  const problems: string[] = [];
  for (const [name, keys] of Object.entries(SECRET_KEYS)) {
    const section = platforms[name];
    if (!isPlainObject(section)) continue;
    for (const key of keys) {
      if (key in section) {
        const variable = `${name === 'gchat' ? 'GOOGLE_CHAT' : name.toUpperCase()}_${key.toUpperCase()}`;
        problems.push(
          `platforms.${name}.${key}: secrets are not read from the config file; set the environment variable ${variable === 'TELEGRAM_SECRET_TOKEN' ? 'TELEGRAM_WEBHOOK_SECRET_TOKEN' : variable} instead`,
        );
        delete section[key];
      }
    }
  }
  return problems;
}

function applyBotEnv(raw: RawConfig, env: NodeJS.ProcessEnv, origins: ValueOrigins): void {
  const set = (section: string, key: string, value: unknown, origin: string) => {
    const target = isPlainObject(raw[section]) ? (raw[section] as RawConfig) : {};
    raw[section] = target;
    target[key] = value;
    origins.set(`${section}.${key}`, origin);
  };
  if (env.CCS_BOT_PORT) {
    const port = env.CCS_BOT_PORT.trim();
    set('server', 'port', /^\d+$/.test(port) ? Number(port) : port, 'CCS_BOT_PORT');
  }
  if (env.CCS_BOT_HOST) set('server', 'host', env.CCS_BOT_HOST, 'CCS_BOT_HOST');
  if (env.CCS_BOT_STATE) raw.state = { type: env.CCS_BOT_STATE };
  if (env.CCS_BOT_STATE) origins.set('state.type', 'CCS_BOT_STATE');
}

/**
 * Reads `bot.yaml` (or `--config`, or CCS_BOT_CONFIG), applies the environment, validates. Throws
 * ConfigError listing every problem, each naming the key and where its value came from.
 */
export function loadBotConfig(options: LoadBotConfigOptions = {}): LoadedBotConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = findFile(options.configPath, env, cwd);
  const label = file ? relative(cwd, file) || file : '(defaults)';
  const raw: RawConfig = file ? readConfigFile(file, label) : {};
  const origins = new ValueOrigins();
  const problems = secretProblems(raw);
  applyEnvOverrides(raw, serverVariables(env), origins);
  applyBotEnv(raw, env, origins);
  if (options.port !== undefined) {
    raw.server = { ...(isPlainObject(raw.server) ? raw.server : {}), port: options.port };
    origins.set('server.port', '--port');
  }
  const parsed = safeParsePlain(botConfigSchema, raw);
  if (!parsed.success) {
    for (const problem of issueProblems(parsed.error.issues)) {
      const origin = origins.find(problem.path);
      problems.push(
        origin ? `${origin} (${problem.path}): ${problem.problem}` : `${label}: ${problemLine(problem)}`,
      );
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError('CONFIG_INVALID', problems);
  const config = parsed.data;
  // Paths in the file are relative to it; defaults and variables to where the command runs.
  const base = file ? dirname(file) : cwd;
  const absolute = (path: string, from: string) => (isAbsolute(path) ? path : resolve(from, path));
  config.project.path = absolute(config.project.path, base);
  if (config.store.type === 'sqlite' && config.store.path !== ':memory:') {
    config.store.path = absolute(config.store.path, origins.find('store.path') ? cwd : base);
  }
  if (config.state.type === 'redis') config.state.url ??= env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (config.state.type === 'postgres') {
    config.state.url ??= env.DATABASE_URL || undefined;
    if (!config.state.url) {
      throw new ConfigError('CONFIG_INVALID', [
        `${label}: state.url: is required for postgres state (or set DATABASE_URL)`,
      ]);
    }
  }
  return { ...config, file };
}

export { PLATFORM_NAMES };
