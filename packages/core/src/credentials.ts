import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaudeConfig } from './config.js';
import { claudeConfigDir } from './config-dir.js';

/** Variables that hold Anthropic credentials the CLI reads. */
export const CREDENTIAL_VARIABLES = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
] as const;

/** Variables that switch the CLI to a cloud provider, which brings credentials of its own. */
const CLOUD_PROVIDERS: Record<string, string> = {
  CLAUDE_CODE_USE_BEDROCK: 'Amazon Bedrock',
  CLAUDE_CODE_USE_VERTEX: 'Google Vertex AI',
  CLAUDE_CODE_USE_FOUNDRY: 'Microsoft Foundry',
};

/** Where the CLI will find credentials, as far as can be told without calling the API. */
export type CredentialSource =
  | { kind: 'variable'; name: string }
  | { kind: 'cloud'; name: string; provider: string }
  | { kind: 'login'; path: string }
  | { kind: 'api-key-helper'; where: string };

function hasApiKeyHelper(settings: unknown): boolean {
  return typeof settings === 'object' && settings !== null && 'apiKeyHelper' in settings;
}

function jsonFileHasApiKeyHelper(path: string): boolean {
  try {
    return hasApiKeyHelper(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return false;
  }
}

/**
 * The credentials the CLI would use for `config` (its env over `parentEnv`, its config dir, its
 * settings), or null when it has none: then every turn answers "Not logged in" without calling the API.
 */
export function findCliCredentials(
  config: Pick<ClaudeConfig, 'configDir' | 'env' | 'settings'> = {},
  parentEnv: NodeJS.ProcessEnv = process.env,
): CredentialSource | null {
  const env: NodeJS.ProcessEnv = { ...parentEnv, ...config.env };
  const variable = CREDENTIAL_VARIABLES.find((name) => env[name]);
  if (variable) return { kind: 'variable', name: variable };
  const cloud = Object.keys(CLOUD_PROVIDERS).find((name) => env[name] && env[name] !== '0');
  if (cloud) return { kind: 'cloud', name: cloud, provider: CLOUD_PROVIDERS[cloud] as string };
  const configDir = claudeConfigDir(config, parentEnv);
  const login = join(configDir, '.credentials.json');
  if (existsSync(login)) return { kind: 'login', path: login };
  if (
    typeof config.settings === 'string'
      ? jsonFileHasApiKeyHelper(config.settings)
      : hasApiKeyHelper(config.settings)
  ) {
    return { kind: 'api-key-helper', where: 'the settings option' };
  }
  const userSettings = join(configDir, 'settings.json');
  if (jsonFileHasApiKeyHelper(userSettings)) return { kind: 'api-key-helper', where: userSettings };
  return null;
}

/** What to do about missing credentials. */
export const NO_CREDENTIALS_FIX =
  'set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the environment the CLI runs with (or its `env` option), or log the CLI in once with the same CLAUDE_CONFIG_DIR';
