import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH_ENV, getCliVersion, resolveCliPath } from './cli-path.js';
import { CliNotFoundError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ccs-cli-path-'));
const executable = join(dir, 'claude');
writeFileSync(executable, '#!/bin/sh\necho "9.9.9 (Claude Code)"\n');
chmodSync(executable, 0o755);
const savedEnv = process.env[CLI_PATH_ENV];

afterEach(() => {
  if (savedEnv === undefined) delete process.env[CLI_PATH_ENV];
  else process.env[CLI_PATH_ENV] = savedEnv;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveCliPath', () => {
  it('finds the platform binary of the installed @anthropic-ai/claude-code', () => {
    delete process.env[CLI_PATH_ENV];
    const path = resolveCliPath({});
    expect(path).toMatch(/@anthropic-ai\/claude-code-[a-z0-9]+-[a-z0-9]+(-musl)?\/claude(\.exe)?$/);
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
