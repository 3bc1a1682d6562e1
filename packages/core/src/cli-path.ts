import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import type { ClaudeConfig } from './config.js';
import { buildChildEnv } from './env.js';
import { CliNotFoundError, ProcessExitedError } from './errors.js';

/** Env var naming the `claude` binary, checked after the `cliPath` option. */
export const CLI_PATH_ENV = 'CLAUDE_CODE_CLI_PATH';
const MAIN_PACKAGE = '@anthropic-ai/claude-code';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let musl: boolean | undefined;

/** Whether this Linux runs on musl; asked once (a process report takes milliseconds). */
function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  if (musl === undefined) {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    musl = report !== undefined && report.header?.glibcVersionRuntime === undefined;
  }
  return musl;
}

/** Names of the platform packages that could hold the binary here, most likely first. */
function platformPackageNames(): string[] {
  const base = `${MAIN_PACKAGE}-${process.platform}-${process.arch}`;
  if (process.platform !== 'linux') return [base];
  return isMusl() ? [`${base}-musl`, base] : [base, `${base}-musl`];
}

/** The binary shipped by the installed `@anthropic-ai/claude-code` platform package, if any. */
function findPackagedBinary(searched: string[], from: string | URL): string | undefined {
  const binaryName = process.platform === 'win32' ? 'claude.exe' : 'claude';
  let mainPackageJson: string;
  try {
    mainPackageJson = createRequire(from).resolve(`${MAIN_PACKAGE}/package.json`);
  } catch {
    searched.push(`package ${MAIN_PACKAGE} (not installed)`);
    return undefined;
  }
  // The platform package is an optional dependency of the main one: resolve it from there.
  const fromMain = createRequire(mainPackageJson);
  for (const name of platformPackageNames()) {
    try {
      const candidate = join(dirname(fromMain.resolve(`${name}/package.json`)), binaryName);
      searched.push(candidate);
      if (isExecutableFile(candidate)) return candidate;
    } catch {
      searched.push(`package ${name} (not installed)`);
    }
  }
  return undefined;
}

function findOnPath(searched: string[]): string | undefined {
  const names = process.platform === 'win32' ? ['claude.exe', 'claude.cmd'] : ['claude'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  searched.push('`claude` on PATH');
  return undefined;
}

/**
 * Find the `claude` binary: the `cliPath` option, then $CLAUDE_CODE_CLI_PATH, then the platform binary
 * of the package installed where `from` (default: this module) resolves it, then `claude` on PATH.
 * Throws CliNotFoundError.
 */
export function resolveCliPath(
  config: Pick<ClaudeConfig, 'cliPath'> = {},
  from: string | URL = import.meta.url,
): string {
  const searched: string[] = [];
  // An explicit choice that is wrong is an error, not a reason to silently run another binary.
  const explicit: Array<[string | undefined, string]> = [
    [config.cliPath, 'cliPath option'],
    [process.env[CLI_PATH_ENV] || undefined, `$${CLI_PATH_ENV}`],
  ];
  for (const [path, source] of explicit) {
    if (path === undefined) continue;
    if (isExecutableFile(path)) return path;
    throw new CliNotFoundError([`${path} (from the ${source}; missing or not executable)`]);
  }
  const found = findPackagedBinary(searched, from) ?? findOnPath(searched);
  if (found) return found;
  throw new CliNotFoundError(searched);
}

/** The version the CLI reports (e.g. `2.1.332`). */
export async function getCliVersion(config: ClaudeConfig = {}): Promise<string> {
  const cliPath = resolveCliPath(config);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(cliPath, ['--version'], { env: buildChildEnv(config), timeout: 30_000 }, (error, out, err) => {
      if (!error) return resolve(out);
      const exitCode = typeof error.code === 'number' ? error.code : null;
      reject(
        new ProcessExitedError(exitCode, error.signal ?? null, String(err), 'while printing its version'),
      );
    });
  });
  return stdout.trim().split(/\s+/)[0] ?? '';
}
