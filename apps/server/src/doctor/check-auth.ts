import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClaudeCodeClient } from '@claude-code-server/core';
import { type CheckResult, fail, pass } from './check-result.js';
import type { ClaudeSettings } from './claude-settings.js';

const CREDENTIAL_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];
const CLOUD_PROVIDERS: Record<string, string> = {
  CLAUDE_CODE_USE_BEDROCK: 'Amazon Bedrock',
  CLAUDE_CODE_USE_VERTEX: 'Google Vertex AI',
  CLAUDE_CODE_USE_FOUNDRY: 'Microsoft Foundry',
};

const LIVE_TIMEOUT_MS = 90_000;

/** Where the CLI will find credentials, without calling the API. */
export function checkAuthConfigured(
  settings: ClaudeSettings,
  env: NodeJS.ProcessEnv = process.env,
): CheckResult {
  const seen = { ...env, ...settings.env };
  const variable = CREDENTIAL_VARIABLES.find((name) => seen[name]);
  const baseUrl = seen.ANTHROPIC_BASE_URL ? ` (API at ${seen.ANTHROPIC_BASE_URL})` : '';
  if (variable) return pass('auth', `${variable} is set${baseUrl}`);
  const provider = Object.keys(CLOUD_PROVIDERS).find((name) => seen[name] && seen[name] !== '0');
  if (provider) {
    return pass(
      'auth',
      `${provider} is set: the CLI uses ${CLOUD_PROVIDERS[provider]} and its own credentials`,
    );
  }
  const credentials = join(settings.configDir, '.credentials.json');
  if (existsSync(credentials)) return pass('auth', `logged-in credentials in ${credentials}${baseUrl}`);
  return fail(
    'auth',
    `no credentials: none of ${CREDENTIAL_VARIABLES.join(', ')} is set and ${credentials} does not exist`,
    `set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the server's environment, or log in once with \`CLAUDE_CONFIG_DIR=${settings.configDir} claude\` (the config dir the server uses)`,
  );
}

/** One real, tiny call through the CLI: proves the credentials are accepted. */
export async function checkAuthLive(settings: ClaudeSettings): Promise<CheckResult> {
  const client = new ClaudeCodeClient({
    cliPath: settings.cliPath,
    configDir: settings.configDir,
    env: settings.env,
    tools: [],
    maxTurns: 1,
    maxApiRetries: 0,
    timeoutMs: LIVE_TIMEOUT_MS,
  });
  try {
    const response = await client.chat('Reply with the single word OK.');
    if (response.isError) {
      return fail(
        'live',
        `the API call failed: ${response.content}`,
        'check the credentials and ANTHROPIC_BASE_URL',
      );
    }
    return pass('live', `one API call answered in ${response.durationMs} ms`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const fix =
      code === 'API_ERROR'
        ? 'the API refused the call: check the key or token, the account, and ANTHROPIC_BASE_URL'
        : code === 'TIMEOUT'
          ? 'the API did not answer in time: check the network and ANTHROPIC_BASE_URL'
          : 'run `claude -p hello` by hand with the same environment to see what fails';
    return fail('live', `the API call failed: ${(error as Error).message}`, fix);
  }
}
