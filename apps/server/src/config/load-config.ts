import { dirname, relative, resolve } from 'node:path';
import {
  type IssueProblem,
  issueProblems,
  problemLine,
  safeParsePlain,
} from '@claude-code-server/server/internal';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { taskQueueProblems } from '../store/create-task-queue.js';
import {
  APP_OWNED_KEYS,
  appOwnedConfigSchema,
  DEFAULT_PROJECT_NAME,
  DEFAULT_PROJECT_PATH,
  type ListenConfig,
  type StoreConfig,
} from './app-config-schema.js';
import { applyEnvOverrides } from './env-overrides.js';
import { isPlainObject, objectAt, type RawConfig, ValueOrigins } from './raw-config.js';
import { findConfigFile, readConfigFile } from './read-config-file.js';
import { resolveRelativePaths } from './resolve-paths.js';
import { type ServerSection, serverSectionKeys, validateServerSection } from './server-section.js';

export interface LoadConfigOptions {
  /** `--config`: a file that must exist. Otherwise CCS_CONFIG, then ./config.yaml if present. */
  configPath?: string;
  /** `--port` and `--host`: win over the file and the environment. */
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** A project the server may run turns in. */
export interface ProjectDirectory {
  name: string;
  path: string;
}

/** Everything the app needs to start, validated, with absolute paths. */
export interface AppConfig {
  /** The file that was read, or null when the built-in defaults apply. */
  file: string | null;
  listen: ListenConfig;
  store: StoreConfig;
  log: { pretty: boolean; level: string };
  /** `console.enabled`: serve the web console at /console (default true). */
  console: { enabled: boolean };
  /** The options for `createServer`, except `store` and `logger` (the app builds those). */
  server: ServerSection;
  projects: ProjectDirectory[];
  /** True when no project was configured and the built-in `default` project directory is used. */
  defaultProject: boolean;
}

function projectDirectories(server: ServerSection): ProjectDirectory[] {
  return Object.entries(server.projects).map(([name, project]) => ({ name, path: project.path }));
}

/** Labels each problem with where its value came from: the file, an environment variable or a flag. */
function labelled(problems: readonly IssueProblem[], fileLabel: string, origins: ValueOrigins) {
  return problems.map((problem) => {
    const origin = origins.find(problem.path);
    return origin
      ? `${origin} (${problem.path}): ${problem.problem}`
      : `${fileLabel}: ${problemLine(problem)}`;
  });
}

/**
 * Reads the config file (if any), applies the environment and the flags, and validates the result.
 * Throws ConfigError listing every problem, each naming the key.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = findConfigFile(options.configPath, env, cwd);
  const fileLabel = file ? relative(cwd, file) || file : '(defaults)';
  const raw: RawConfig = file ? readConfigFile(file, fileLabel) : {};
  if (file) resolveRelativePaths(raw, dirname(file));

  const defaultProject = raw.projects === undefined;
  if (defaultProject) {
    raw.projects = { [DEFAULT_PROJECT_NAME]: { path: resolve(cwd, DEFAULT_PROJECT_PATH) } };
    raw.default_project ??= DEFAULT_PROJECT_NAME;
  }

  const origins = new ValueOrigins();
  applyEnvOverrides(raw, env, origins);
  if (options.port !== undefined) {
    objectAt(raw, 'server').port = options.port;
    origins.set('server.port', '--port');
  }
  if (options.host !== undefined) {
    objectAt(raw, 'server').host = options.host;
    origins.set('server.host', '--host');
  }

  const problems: IssueProblem[] = [];
  const known = new Set<string>([...APP_OWNED_KEYS, 'log', ...serverSectionKeys()]);
  const topLevel = z.strictObject(Object.fromEntries([...known].map((key) => [key, z.unknown().optional()])));
  const keys = safeParsePlain(topLevel, raw);
  if (!keys.success) problems.push(...issueProblems(keys.error.issues));

  const { pretty, ...serverLog } = isPlainObject(raw.log) ? raw.log : {};
  const app = safeParsePlain(appOwnedConfigSchema, {
    server: raw.server,
    store: raw.store,
    log: pretty === undefined ? undefined : { pretty },
    console: raw.console,
  });
  if (!app.success) problems.push(...issueProblems(app.error.issues));

  const sectionInput: RawConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    if (known.has(key) && !(APP_OWNED_KEYS as readonly string[]).includes(key)) sectionInput[key] = value;
  }
  if (isPlainObject(raw.log)) sectionInput.log = serverLog;
  const section = validateServerSection(sectionInput);
  if (!section.success) problems.push(...section.problems);
  if (app.success && section.success) {
    problems.push(...taskQueueProblems(section.data.tasks.queue, app.data.store));
  }

  if (problems.length > 0 || !app.success || !section.success) {
    throw new ConfigError('CONFIG_INVALID', labelled(problems, fileLabel, origins));
  }

  const store = app.data.store;
  // Defaults and environment values are relative to where the command runs.
  if (store.type === 'sqlite' && store.path !== ':memory:') store.path = resolve(cwd, store.path);
  section.data.plugins = section.data.plugins.map((path) => resolve(cwd, path));
  return {
    file,
    listen: app.data.server,
    store,
    log: { pretty: app.data.log.pretty, level: section.data.log.level },
    console: app.data.console,
    server: section.data,
    projects: projectDirectories(section.data),
    defaultProject,
  };
}
