import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH_ENV, getCliVersion, resolveCliPath } from './cli-path.js';
import { CliNotFoundError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ccs-cli-path-'));
const executable = join(dir, 'claude');
writeFileSync(executable, '#!/bin/sh\necho "9.9.9 (Claude Code)"\n');
chmodSync(executable, 0o755);
const savedEnv = process.env[CLI_PATH_ENV];
const savedPath = process.env.PATH;

/**
 * An app directory with `@anthropic-ai/claude-code` and its platform package installed, the binary
 * present or not; returns the place to resolve from and where the binary would be.
 */
function appWithInstalledCli(name: string, withBinary: boolean) {
  const modules = join(dir, name, 'node_modules', '@anthropic-ai');
  const platformDir = join(modules, `claude-code-${process.platform}-${process.arch}`);
  mkdirSync(join(modules, 'claude-code'), { recursive: true });
  mkdirSync(platformDir, { recursive: true });
  writeFileSync(join(modules, 'claude-code', 'package.json'), '{"name":"@anthropic-ai/claude-code"}');
  writeFileSync(join(platformDir, 'package.json'), '{"name":"platform"}');
  const binary = join(platformDir, 'claude');
  if (withBinary) {
    writeFileSync(binary, '#!/bin/sh\n');
    chmodSync(binary, 0o755);
  }
  return { from: pathToFileURL(join(dir, name, 'app.js')), binary };
}

afterEach(() => {
  if (savedEnv === undefined) delete process.env[CLI_PATH_ENV];
  else process.env[CLI_PATH_ENV] = savedEnv;
  process.env.PATH = savedPath;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveCliPath', () => {
  it('finds the platform binary of the installed @anthropic-ai/claude-code', () => {
    delete process.env[CLI_PATH_ENV];
    const path = resolveCliPath({});
    expect(path).toMatch(/@anthropic-ai\/claude-code-[a-z0-9]+-[a-z0-9]+(-musl)?\/claude(\.exe)?$/);
  });

  it('takes the installed platform binary before `claude` on PATH', () => {
    delete process.env[CLI_PATH_ENV];
    process.env.PATH = dir;
    const app = appWithInstalledCli('app-with-binary', true);
    expect(resolveCliPath({}, app.from)).toBe(app.binary);
  });

  it('falls back to `claude` on PATH when the installed package has no binary', () => {
    delete process.env[CLI_PATH_ENV];
    process.env.PATH = ['/nonexistent-dir', dir].join(':');
    const app = appWithInstalledCli('app-without-binary', false);
    expect(resolveCliPath({}, app.from)).toBe(executable);
  });

  it('says where it looked and how to install the CLI when nothing is found', () => {
    delete process.env[CLI_PATH_ENV];
    process.env.PATH = '/nonexistent-dir';
    const app = appWithInstalledCli('app-with-nothing', false);
    const error = (() => {
      try {
        resolveCliPath({}, app.from);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CliNotFoundError);
    expect((error as CliNotFoundError).searched).toContain(app.binary);
    expect((error as CliNotFoundError).searched.at(-1)).toBe('`claude` on PATH');
    expect((error as Error).message).toContain('npm install @anthropic-ai/claude-code');
  });

  it('prefers the cliPath option, then the environment variable', () => {
    process.env[CLI_PATH_ENV] = '/nowhere/claude';
    expect(resolveCliPath({ cliPath: executable })).toBe(executable);
    process.env[CLI_PATH_ENV] = executable;
    expect(resolveCliPath({})).toBe(executable);
  });

  it('fails on an explicit path that is missing or not executable instead of running another binary', () => {
    expect(() => resolveCliPath({ cliPath: join(dir, 'missing') })).toThrow(CliNotFoundError);
    process.env[CLI_PATH_ENV] = join(dir, 'missing');
    expect(() => resolveCliPath({})).toThrow(/CLAUDE_CODE_CLI_PATH/);
  });
});

describe('getCliVersion', () => {
  it('reads the version the CLI prints', async () => {
    expect(await getCliVersion({ cliPath: executable })).toBe('9.9.9');
  });

  it('reads the real CLI version', async () => {
    delete process.env[CLI_PATH_ENV];
    expect(await getCliVersion({})).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
