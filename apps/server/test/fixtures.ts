import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProcessesByEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { cleanEnv } from './run-cli.js';

/** A temp dir with a project and a private CLI config dir, a fake Messages API, and the env for the command. */
export interface AppFixture {
  dir: string;
  projectDir: string;
  claudeConfigDir: string;
  fake: FakeAnthropic;
  env: Record<string, string>;
  /** Writes `text` to `<dir>/<name>` and returns the path. */
  writeConfig(name: string, text: string): string;
  /** Pids of CLI processes started for this fixture that are still alive. */
  liveCliProcesses(): number[];
  close(): Promise<void>;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // The fields after the command name, which is in parentheses: state, then the parent's pid.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * The core's per-host watchdog (and the commands it runs) inherits the server's environment and,
 * by design, lives a moment past the server's exit to kill what it left: it is no CLI process.
 */
function isWatchdog(pid: number): boolean {
  const parent = parentOf(pid);
  return [pid, parent].some((p) => p !== undefined && commandLine(p).includes('claude-code-server-watchdog'));
}

/** Pids of live processes whose environment has `name=value`, the watchdog left out. */
export function liveProcessesWithEnv(name: string, value: string): number[] {
  return findProcessesByEnv(name, value).filter(
    // One that is gone by the time its command line is read is not left either.
    (pid) => commandLine(pid) !== '' && !isWatchdog(pid),
  );
}

export async function createAppFixture(prefix: string): Promise<AppFixture> {
  const dir = mkdtempSync(join(tmpdir(), `ccs-${prefix}-`));
  const projectDir = join(dir, 'project');
  const claudeConfigDir = join(dir, 'claude-config');
  mkdirSync(projectDir);
  mkdirSync(claudeConfigDir);
  const fake = await startFakeAnthropic();
  const env = cleanEnv({
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CONFIG_DIR: claudeConfigDir,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // Bash runs login shells: keep the host user's profile (and its hooks) out of them.
    HOME: dir,
  });
  return {
    dir,
    projectDir,
    claudeConfigDir,
    fake,
    env,
    writeConfig(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    liveCliProcesses: () => liveProcessesWithEnv('CLAUDE_CONFIG_DIR', claudeConfigDir),
    async close() {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Response bodies are read field by field in assertions.
// biome-ignore lint/suspicious/noExplicitAny: test-only JSON
type Json = any;

/** POSTs JSON and returns status and parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}
