import { claudeConfigDir } from '@claude-code-server/core';
import { claudeConfigOf } from '@claude-code-server/server/internal';
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
import { missingVariables, PLATFORM_NAMES, PLATFORMS } from '../platforms/platform-table.js';
import { createChatState, describeState } from '../start/chat-state.js';

export interface DoctorOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function checkPlatforms(config: LoadedBotConfig, env: NodeJS.ProcessEnv): CheckResult[] {
  return PLATFORM_NAMES.filter((name) => config.platforms[name] !== undefined).map((name) => {
    const platform = PLATFORMS[name];
    const missing = missingVariables(name, env);
    const route = `POST ${config.server.base_path}/${name}`;
    if (missing.length === 0) return pass(name, `${platform.title}: credentials set; webhook ${route}`);
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
  });
}

async function checkState(config: LoadedBotConfig): Promise<CheckResult> {
  if (config.state.type === 'memory') {
    return pass(
      'state',
      describeState(config.state),
      'use redis or postgres state so retries are dropped across restarts',
    );
  }
  const quiet = { child: () => quiet, debug() {}, info() {}, warn() {}, error() {} };
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
    ...checkPlatforms(config, env),
  ];
}

/** `claude-code-server-bot doctor`: prints the report; exit code 1 when a check failed. */
export async function runDoctorCommand(options: DoctorOptions): Promise<number> {
  const results = await runBotDoctor(options);
  process.stdout.write(formatReport(results));
  return results.some((result) => !result.ok) ? 1 : 0;
}
