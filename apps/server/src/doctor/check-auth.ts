import {
  ApiError,
  ClaudeCodeClient,
  CREDENTIAL_VARIABLES,
  findCliCredentials,
  NO_CREDENTIALS_FIX,
  resolveCliPath,
} from '@claude-code-server/core';
import { type CheckResult, fail, pass } from './check-result.js';
import type { ClaudeSettings } from './claude-settings.js';

const LIVE_TIMEOUT_MS = 90_000;

/** The CLI as the fix should name it: the binary the server will run, not a `claude` on PATH. */
function cliCommand(settings: ClaudeSettings): string {
  try {
    return resolveCliPath({ cliPath: settings.cliPath });
  } catch {
    return 'claude';
  }
}

/** Where the CLI will find credentials, without calling the API. */
export function checkAuthConfigured(
  settings: ClaudeSettings,
  env: NodeJS.ProcessEnv = process.env,
): CheckResult {
  const source = findCliCredentials({ configDir: settings.configDir, env: settings.env }, env);
  const baseUrl = settings.env.ANTHROPIC_BASE_URL ?? env.ANTHROPIC_BASE_URL;
  const api = baseUrl ? ` (API at ${baseUrl})` : '';
  switch (source?.kind) {
    case 'variable':
      return pass('auth', `${source.name} is set${api}`);
    case 'cloud':
      return pass('auth', `${source.name} is set: the CLI uses ${source.provider} and its own credentials`);
    case 'login':
      return pass('auth', `logged-in credentials in ${source.path}${api}`);
    case 'api-key-helper':
      return pass('auth', `an apiKeyHelper in ${source.where} gives the CLI its key${api}`);
    default:
      return fail(
        'auth',
        `no credentials: none of ${CREDENTIAL_VARIABLES.join(', ')} is set, no cloud provider, ` +
          `no login in ${settings.configDir}; every turn would fail with CLI_NOT_AUTHENTICATED`,
        `${NO_CREDENTIALS_FIX}: e.g. \`export ANTHROPIC_API_KEY=...\` before starting the server, or ` +
          `\`CLAUDE_CONFIG_DIR=${settings.configDir} ${cliCommand(settings)}\` and /login in it`,
      );
  }
}

/** What to do about a failed live call, by what the API (or the lack of one) said. */
function liveFix(error: unknown, baseUrl: string): string {
  if (error instanceof ApiError) {
    if (error.status === null) {
      return `could not reach the API at ${baseUrl}: check the network (and HTTPS_PROXY, if a proxy is needed) and ANTHROPIC_BASE_URL`;
    }
    if (error.isAuthError) return 'the API refused the credentials: check the key or token and the account';
    return `the API answered ${error.status}: check the account, the model and ANTHROPIC_BASE_URL`;
  }
  const code = (error as { code?: string }).code;
  if (code === 'CLI_NOT_AUTHENTICATED') return NO_CREDENTIALS_FIX;
  if (code === 'TIMEOUT') return `the API did not answer in time: check the network and ${baseUrl}`;
  return 'run the CLI by hand with the same environment (`-p hello`) to see what fails';
}

/** One real, tiny call through the CLI: proves the credentials are accepted. */
export async function checkAuthLive(
  settings: ClaudeSettings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CheckResult> {
  const baseUrl = settings.env.ANTHROPIC_BASE_URL ?? env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com';
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
    return fail('live', `the API call failed: ${(error as Error).message}`, liveFix(error, baseUrl));
  }
}
