import { claudeConfigDir } from '@claude-code-server/core';
import { claudeConfigOf } from '@claude-code-server/server/internal';
import type { Adapter } from 'chat';
import type { LoadedBotConfig } from '../config/load-bot-config.js';
import { loadBotConfig } from '../config/load-bot-config.js';
import {
  type CheckResult,
  ConfigError,
  checkAuthConfigured,
  checkCli,
  checkStore,
  fail,
  formatReport,
  pass,
} from '../config/server-app.js';
import {
  missingVariables,
  PLATFORM_NAMES,
  PLATFORMS,
  type Platform,
  type PlatformName,
} from '../platforms/platform-table.js';
import { createChatState, describeState } from '../start/chat-state.js';

export interface DoctorOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const quiet = { child: () => quiet, debug() {}, info() {}, warn() {}, error() {} };

/** The webhook's methods and path, e.g. `GET and POST /webhooks/wecom`. */
export function webhookRoute(name: PlatformName, basePath: string): string {
  return `${(PLATFORMS[name].methods ?? ['POST']).join(' and ')} ${basePath}/${name}`;
}

/** The adapter's own call to the platform with the credentials: refused and unreachable told apart. */
async function checkPlatformCredentials(
  name: PlatformName,
  config: LoadedBotConfig,
  env: NodeJS.ProcessEnv,
  route: string,
): Promise<CheckResult> {
  const platform = PLATFORMS[name] as Platform<unknown>;
  if (!platform.checkCredentials) return pass(name, `${platform.title}: credentials set; webhook ${route}`);
  let adapter: Adapter;
  try {
    adapter = await platform.create(config.platforms[name], env, quiet);
  } catch (error) {
    return fail(
      name,
      `${platform.title}: ${(error as Error).message}`,
      'correct the variable or option named',
    );
  }
  try {
    await platform.checkCredentials(adapter);
    const note = platform.note ? `, ${platform.note(env)}` : '';
    return pass(name, `${platform.title}: credentials accepted by the platform${note}; webhook ${route}`);
  } catch (error) {
    // NetworkError keeps fetch's error, whose cause names the failure (ECONNREFUSED, ENOTFOUND...).
    const original = (error as { originalError?: Error & { cause?: { code?: string } } }).originalError;
    const cause = original ? (original.cause?.code ?? original.message) : undefined;
    const message = `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
    if ((error as Error).name === 'NetworkError') {
      return fail(
        name,
        `${platform.title}: the platform's API is unreachable: ${message}`,
        'check the network, a proxy, or api_url',
      );
    }
    return fail(
      name,
      `${platform.title}: the platform refused the credentials: ${message}`,
      `check the variables (see apps/bot/README.md, ${platform.title}) and the server's IP allowlist where the platform has one`,
    );
  }
}

async function checkPlatforms(config: LoadedBotConfig, env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const enabled = PLATFORM_NAMES.filter((name) => config.platforms[name] !== undefined);
  return Promise.all(
    enabled.map(async (name) => {
      const platform = PLATFORMS[name];
      const missing = missingVariables(name, env);
      const route = webhookRoute(name, config.server.base_path);
      if (missing.length === 0) return checkPlatformCredentials(name, config, env, route);
      const explained = missing
        .map((entry) => {
          const variable = platform.variables.find((v) => entry.startsWith(v.name));
          return variable ? `${entry} (${variable.what})` : entry;
        })
        .join('; ');
      return fail(
        name,
        `${platform.title}: not set: ${explained}`,
        `export the variables before starting (see apps/bot/README.md, ${platform.title})`,
      );
    }),
  );
}

async function checkState(config: LoadedBotConfig): Promise<CheckResult> {
  if (config.state.type === 'memory') {
    return pass(
      'state',
      describeState(config.state),
      'use redis or postgres state so retries are dropped across restarts',
    );
  }
  const state = await createChatState(config.state, quiet);
  try {
    await state.connect();
    await state.get('ccs-bot-doctor-probe');
    return pass('state', describeState(config.state));
  } catch (error) {
    return fail(
      'state',
      `cannot use ${describeState(config.state)}: ${(error as Error).message}`,
      'check that the server runs and the URL (state.url, REDIS_URL or DATABASE_URL)',
    );
  } finally {
    await state.disconnect().catch(() => {});
  }
}

/** Every check of the bot service: config, CLI, credentials, store, Chat SDK state, each platform's variables. */
export async function runBotDoctor(options: DoctorOptions = {}): Promise<CheckResult[]> {
  const env = options.env ?? process.env;
  let config: LoadedBotConfig;
  try {
    config = loadBotConfig({ configPath: options.configPath, env, cwd: options.cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [
      fail(
        'config',
        error.problems.join('\n'),
        'correct the config (every key is explained in apps/bot/bot.yaml.example)',
      ),
    ];
  }
  const claude = claudeConfigOf(config.claude);
  const settings = {
    cliPath: claude.cliPath,
    configDir: claudeConfigDir(claude, env),
    env: claude.env ?? {},
  };
  return [
    pass('config', config.file ?? 'no config file'),
    await checkCli(settings),
    checkAuthConfigured(settings, env),
    await checkStore(config.store),
    await checkState(config),
    ...(await checkPlatforms(config, env)),
  ];
}

/** `claude-code-server-bot doctor`: prints the report; exit code 1 when a check failed. */
export async function runDoctorCommand(options: DoctorOptions): Promise<number> {
  const results = await runBotDoctor(options);
  process.stdout.write(formatReport(results));
  return results.some((result) => !result.ok) ? 1 : 0;
}
