import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClaudeConfig } from '../config.js';

/** A private place for one test's CLI runs, pointed at a fake (or any) Messages API. */
export interface CliTestEnv {
  /** The CLI's CLAUDE_CONFIG_DIR (settings, transcripts). */
  configDir: string;
  /** A temp working directory for the CLI (tools act here). */
  workDir: string;
  /**
   * Env for the CLI: API base URL, a dummy key, no non-essential traffic, and a private HOME, so the
   * login shells the Bash tool starts do not run the host user's profile (whose hooks can hang).
   */
  env: Record<string, string>;
  /** configDir + cwd + env, ready for `new ClaudeCodeClient(config)`. */
  config: ClaudeConfig;
  /** Removes both directories. */
  cleanup(): Promise<void>;
}

export interface CliTestEnvOptions {
  /** Base URL of the Messages API, e.g. `fake.url`. */
  baseUrl: string;
  /** API key the CLI sends (default `test-key`). */
  apiKey?: string;
  /** Prefix of the temp directory names. */
  prefix?: string;
}

/** Make a temp config dir and work dir, and the env that points the CLI at `baseUrl`. */
export async function createCliTestEnv(options: CliTestEnvOptions): Promise<CliTestEnv> {
  const prefix = options.prefix ?? 'ccs-cli-test';
  const configDir = await mkdtemp(join(tmpdir(), `${prefix}-config-`));
  const workDir = await mkdtemp(join(tmpdir(), `${prefix}-work-`));
  const env = {
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.apiKey ?? 'test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HOME: configDir,
  };
  return {
    configDir,
    workDir,
    env,
    config: { configDir, cwd: workDir, env },
    cleanup: async () => {
      await rm(configDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
