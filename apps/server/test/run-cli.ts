import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_JS = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The test process's environment without anything that would point the command at a real account. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (
      /^(ANTHROPIC_|CLAUDE|CCS_)/.test(key) ||
      ['PORT', 'REDIS_URL', 'DATABASE_URL', 'SQLITE_PATH'].includes(key)
    ) {
      continue;
    }
    env[key] = value;
  }
  return { ...env, ...extra };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `claude-code-server <args>` to the end. */
export function runCli(
  args: string[],
  options: { env: Record<string, string>; cwd: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], { env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A `claude-code-server start` child and what it printed so far. */
export interface StartedServer {
  child: ChildProcess;
  url: string;
  output: { stdout: string; stderr: string };
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `claude-code-server start <args>` and waits for its "listening" log line. */
export function startServer(
  args: string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<StartedServer> {
  const child = spawn(process.execPath, [CLI_JS, 'start', ...args], { env: options.env, cwd: options.cwd });
  const output = { stdout: '', stderr: '' };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start in time:\n${output.stdout}\n${output.stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout?.on('data', (chunk) => {
      output.stdout += chunk;
      // JSON logs, or --pretty ones.
      const match = /"url":"(http:[^"]+)"|\burl=(http:\S+)/.exec(output.stdout);
      const url = match?.[1] ?? match?.[2];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output, exited });
      }
    });
    child.stderr?.on('data', (chunk) => {
      output.stderr += chunk;
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`the server exited (code ${code}, signal ${signal}) before listening:\n${output.stderr}`),
      );
    });
  });
}
