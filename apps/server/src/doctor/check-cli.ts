import { CLI_PATH_ENV, checkCliVersion, getCliVersion, resolveCliPath } from '@claude-code-server/core';
import { type CheckResult, fail, pass } from './check-result.js';
import type { ClaudeSettings } from './claude-settings.js';

/** The CLI is found and `claude --version` runs; a version outside the tested range is noted. */
export async function checkCli(settings: ClaudeSettings): Promise<CheckResult> {
  let path: string;
  try {
    path = resolveCliPath({ cliPath: settings.cliPath });
  } catch (error) {
    return fail(
      'cli',
      (error as Error).message.split('. Install')[0] ?? 'Claude Code CLI not found',
      `install it (npm install @anthropic-ai/claude-code), or set claude.cli_path in the config or ${CLI_PATH_ENV} to the path of a working \`claude\` binary`,
    );
  }
  try {
    const version = await getCliVersion({ cliPath: path, configDir: settings.configDir, env: settings.env });
    return pass('cli', `${path} (version ${version})`, checkCliVersion(version).warning);
  } catch (error) {
    return fail(
      'cli',
      `${path} was found but \`--version\` failed: ${(error as Error).message}`,
      'reinstall @anthropic-ai/claude-code for this platform, or point claude.cli_path at a working binary',
    );
  }
}
