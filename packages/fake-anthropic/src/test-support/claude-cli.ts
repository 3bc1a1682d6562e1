import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The claude version core pins, so these tests run the binary the rest of the suite runs. */
function pinnedVersion(): string {
  const core = JSON.parse(readFileSync(join(workspaceRoot, 'packages', 'core', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return core.dependencies['@anthropic-ai/claude-code'] as string;
}

/** The real claude binary: $CLAUDE_CODE_CLI_PATH, else the platform package of the version core pins. */
export function findClaudeBinary(): string {
  const fromEnv = process.env.CLAUDE_CODE_CLI_PATH;
  if (fromEnv) return fromEnv;
  const store = join(workspaceRoot, 'node_modules', '.pnpm');
  const name = `claude-code-${process.platform}-${process.arch}`;
  const binary = join(
    store,
    `@anthropic-ai+${name}@${pinnedVersion()}`,
    'node_modules',
    '@anthropic-ai',
    name,
    'claude',
  );
  if (!existsSync(binary)) throw new Error(`claude binary not found at ${binary}; set CLAUDE_CODE_CLI_PATH`);
  return binary;
}

/** A private cwd and config dir for one CLI conversation; dispose() removes them. */
export function makeSandbox() {
  const cwd = mkdtempSync(join(tmpdir(), 'fake-anthropic-cwd-'));
  const configDir = mkdtempSync(join(tmpdir(), 'fake-anthropic-config-'));
  return {
    cwd,
    configDir,
    dispose: () => {
      rmSync(cwd, { recursive: true, force: true });
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

export interface ClaudeRun {
  exitCode: number | null;
  events: Record<string, unknown>[];
  result: Record<string, unknown> | undefined;
  stderr: string;
}

/** Runs `claude -p --output-format stream-json --verbose` once, prompt on stdin. */
export function runClaude(options: {
  baseUrl: string;
  cwd: string;
  configDir: string;
  prompt: string;
  args?: string[];
  env?: Record<string, string | undefined>;
}): Promise<ClaudeRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CONFIG_DIR: options.configDir,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // Bash runs login shells: keep the host user's profile (and its hooks) out of them.
    HOME: options.configDir,
    CLAUDECODE: undefined,
    ...options.env,
  };
  const args = ['-p', '--output-format', 'stream-json', '--verbose', ...(options.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(findClaudeBinary(), args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const events = stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ exitCode, events, result: events.find((e) => e.type === 'result'), stderr });
    });
    child.stdin.end(options.prompt);
  });
}
