import { type AppConfig, loadConfig } from '../config/load-config.js';
import { ConfigError } from '../errors.js';
import { checkAuthConfigured, checkAuthLive } from './check-auth.js';
import { checkCli } from './check-cli.js';
import { checkPlugins } from './check-plugins.js';
import { checkProjects } from './check-projects.js';
import { type CheckResult, fail, pass, skip } from './check-result.js';
import { checkStore } from './check-store.js';
import { claudeSettings } from './claude-settings.js';

export interface DoctorOptions {
  configPath?: string;
  /** Also make one real API call. */
  live?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs every check in order; the later ones need a config that parses. */
export async function runDoctor(options: DoctorOptions = {}): Promise<CheckResult[]> {
  const env = options.env ?? process.env;
  let config: AppConfig;
  try {
    config = loadConfig({ configPath: options.configPath, env, cwd: options.cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [
      fail(
        'config',
        error.problems.join('\n'),
        'correct the config (every key is explained in apps/server/config.yaml.example); the other checks need a valid config',
      ),
    ];
  }
  const results: CheckResult[] = [pass('config', config.file ?? 'no config file: built-in defaults')];
  const settings = claudeSettings(config, env);
  const cli = await checkCli(settings);
  results.push(cli);
  const auth = checkAuthConfigured(settings, env);
  results.push(auth);
  if (options.live) {
    results.push(
      cli.ok && auth.ok
        ? await checkAuthLive(settings, env)
        : skip('live', 'not run: it needs the cli and auth checks above to pass'),
    );
  }
  results.push(await checkStore(config.store));
  results.push(...checkProjects(config.projects, config.defaultProject));
  results.push(...(await checkPlugins(config.server.plugins)));
  return results;
}
