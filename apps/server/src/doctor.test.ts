import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_CLI_VERSIONS } from '@claude-code-server/core';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createPostgresSessionStore } from '@claude-code-server/store-postgres';
import { createSqliteSessionStore } from '@claude-code-server/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../test/run-cli.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let dir: string;
let fake: FakeAnthropic;
let goodEnv: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccs-doctor-'));
  mkdirSync(join(dir, 'project'));
  mkdirSync(join(dir, 'claude-config'));
  fake = await startFakeAnthropic();
  goodEnv = cleanEnv({
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CONFIG_DIR: join(dir, 'claude-config'),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HOME: dir,
  });
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const goodConfig = () =>
  writeConfig('good.yaml', `store:\n  path: ./good.db\nprojects:\n  app:\n    path: ./project\n`);

describe('claude-code-server doctor', () => {
  it('passes on a good setup, with a live call through the CLI', async () => {
    const run = await runCli(['doctor', '--config', goodConfig(), '--live'], { env: goodEnv, cwd: dir });
    expect(run.stdout).toMatch(/^ok\s+config\s+.*good\.yaml$/m);
    expect(run.stdout).toMatch(/^ok\s+cli\s+.*\(version \d+\.\d+\.\d+\)$/m);
    expect(run.stdout).toMatch(/^ok\s+auth\s+ANTHROPIC_API_KEY is set/m);
    expect(run.stdout).toMatch(/^ok\s+live\s+one API call answered/m);
    // The doctor creates no data: a SQLite file that is not there yet is only checked to be creatable.
    expect(run.stdout).toMatch(
      /^ok\s+store\s+sqlite .*good\.db does not exist yet\n\s+note: `start` creates it$/m,
    );
    expect(existsSync(join(dir, 'good.db'))).toBe(false);
    expect(run.stdout).toMatch(/^ok\s+project app\s+.*project is readable$/m);
    expect(run.stdout).toContain('All checks passed.');
    expect(run.code).toBe(0);
    expect(fake.conversationRequests().length).toBeGreaterThanOrEqual(1);
  });

  it('reports a missing CLI with what to do', async () => {
    const env = { ...goodEnv, CLAUDE_CODE_CLI_PATH: join(dir, 'no-such-claude') };
    const run = await runCli(['doctor', '--config', goodConfig()], { env, cwd: dir });
    expect(run.stdout).toMatch(/^FAIL\s+cli\s+.*no-such-claude/m);
    expect(run.stdout).toMatch(/fix: install it \(npm install @anthropic-ai\/claude-code\)/);
    expect(run.stdout).toContain('1 check failed.');
    expect(run.code).toBe(1);
  });

  it('notes a CLI older than the versions this release was tested with', async () => {
    const oldCli = join(dir, 'old-claude');
    writeFileSync(oldCli, '#!/bin/sh\necho "1.0.0 (Claude Code)"\n', { mode: 0o755 });
    const env = { ...goodEnv, CLAUDE_CODE_CLI_PATH: oldCli };
    const run = await runCli(['doctor', '--config', goodConfig()], { env, cwd: dir });
    const { oldest, newest } = SUPPORTED_CLI_VERSIONS;
    expect(run.stdout).toMatch(/^ok\s+cli\s+.*old-claude \(version 1\.0\.0\)$/m);
    expect(run.stdout).toContain(
      `note: claude 1.0.0 is older than the versions this release was tested with (${oldest} to ${newest})`,
    );
    expect(run.code).toBe(0);
  });

  it('reports missing credentials, names the CLI the server runs, and skips the live call without counting it', async () => {
    const { ANTHROPIC_API_KEY: _key, ...env } = goodEnv;
    const run = await runCli(['doctor', '--config', goodConfig(), '--live'], { env, cwd: dir });
    expect(run.stdout).toMatch(/^FAIL\s+auth\s+no credentials/m);
    expect(run.stdout).toMatch(/fix: set ANTHROPIC_API_KEY/);
    // The login command names the binary the server will run, not a `claude` that may not be on PATH.
    const cliPath = /^ok\s+cli\s+(\S+)/m.exec(run.stdout)?.[1];
    expect(cliPath).toMatch(/^\//);
    expect(run.stdout).toContain(`${cliPath}\` and /login`);
    expect(run.stdout).toMatch(/^skip\s+live\s+not run/m);
    expect(run.stdout).toContain('1 check failed (1 skipped).');
    expect(run.code).toBe(1);
  });

  it('says the API could not be reached when nothing answers at ANTHROPIC_BASE_URL', async () => {
    const env = { ...goodEnv, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };
    const run = await runCli(['doctor', '--config', goodConfig(), '--live'], { env, cwd: dir });
    expect(run.stdout).toMatch(/^FAIL\s+live\s+the API call failed/m);
    expect(run.stdout).toMatch(/fix: could not reach the API at http:\/\/127\.0\.0\.1:9: check the network/);
    expect(run.stdout).not.toContain('check the key');
    expect(run.code).toBe(1);
  });

  it('reports an unreachable store, naming it without its password', async () => {
    const config = writeConfig(
      'redis.yaml',
      'store:\n  type: redis\n  url: redis://:hunter2@127.0.0.1:1/0\nprojects:\n  app:\n    path: ./project\n',
    );
    const run = await runCli(['doctor', '--config', config], { env: goodEnv, cwd: dir });
    expect(run.stdout).toMatch(
      /^FAIL\s+store\s+cannot use the redis redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0 store/m,
    );
    expect(run.stdout).toMatch(/fix: check that Redis is running/);
    expect(run.stdout).not.toContain('hunter2');
    expect(run.code).toBe(1);
  });

  it('reads an existing store, and migrates nothing: a fresh Postgres schema is left to `start`', async () => {
    const path = join(dir, 'existing.db');
    const existing = createSqliteSessionStore({ path });
    await existing.getSession('x'); // opens the file
    await existing.close();
    const sqlite = writeConfig(
      'existing.yaml',
      `store:\n  path: ./existing.db\nprojects:\n  app:\n    path: ./project\n`,
    );
    const run = await runCli(['doctor', '--config', sqlite], { env: goodEnv, cwd: dir });
    expect(run.stdout).toMatch(/^ok\s+store\s+sqlite .*existing\.db answered$/m);
    expect(run.code).toBe(0);
    const underFile = writeConfig('under-file.yaml', `store:\n  path: ./existing.yaml/s.db\n`);
    const bad = await runCli(['doctor', '--config', underFile], { env: goodEnv, cwd: dir });
    expect(bad.stdout).toMatch(
      /^FAIL\s+store\s+sqlite .*s\.db cannot be created: .*existing\.yaml is not a directory$/m,
    );

    const schema = `ccs_doctor_${process.pid}`;
    const postgres = writeConfig(
      'postgres.yaml',
      `store:\n  type: postgres\n  url: ${DATABASE_URL}\n  schema: ${schema}\nprojects:\n  app:\n    path: ./project\n`,
    );
    const pgRun = await runCli(['doctor', '--config', postgres], { env: goodEnv, cwd: dir });
    expect(pgRun.stdout).toMatch(/^ok\s+store\s+postgres .* answered\n\s+note: `start` creates its tables$/m);
    expect(pgRun.code).toBe(0);
    const probe = createPostgresSessionStore({ url: DATABASE_URL, schema, migrate: false });
    await expect(probe.getSession('x')).rejects.toThrow(/does not exist/);
    await probe.close();
  });

  it('reports a missing project directory', async () => {
    const config = writeConfig(
      'missing.yaml',
      'store:\n  type: memory\nprojects:\n  gone:\n    path: ./not-here\n',
    );
    const run = await runCli(['doctor', '--config', config], { env: goodEnv, cwd: dir });
    expect(run.stdout).toMatch(/^FAIL\s+project gone\s+.*not-here does not exist$/m);
    expect(run.stdout).toMatch(/fix: create it \(mkdir -p .*not-here\)/);
    expect(run.code).toBe(1);
  });

  it('reports a config that does not parse, naming the key', async () => {
    const config = writeConfig('bad.yaml', 'store:\n  type: mysql\n');
    const run = await runCli(['doctor', '--config', config], { env: goodEnv, cwd: dir });
    expect(run.stdout).toMatch(
      /^FAIL\s+config\s+bad\.yaml: store\.type: must be one of memory, sqlite, redis, postgres$/m,
    );
    expect(run.code).toBe(1);
  });

  it('reports each plugin with its tools and hooks, and a plugin that does not load', async () => {
    const ordersPlugin = fileURLToPath(new URL('../test/plugins/orders-plugin.mjs', import.meta.url));
    writeFileSync(
      join(dir, 'audit.mjs'),
      'export const hooks = { PostToolUse: [{ hooks: [async () => ({})] }] };\n',
    );
    const config = writeConfig(
      'plugins.yaml',
      `store:\n  type: memory\nprojects:\n  app:\n    path: ./project\nplugins:\n  - ${ordersPlugin}\n  - ./audit.mjs\n  - ./gone.mjs\n`,
    );
    const run = await runCli(['doctor', '--config', config], { env: goodEnv, cwd: dir });
    expect(run.stdout).toMatch(/^ok\s+plugin .*orders-plugin\.mjs\s+tools mcp__orders__lookup; no hooks$/m);
    // Relative to the config file.
    expect(run.stdout).toContain(`plugin ${join(dir, 'audit.mjs')}`);
    expect(run.stdout).toMatch(/^ok\s+plugin .*audit\.mjs\s+no tools; hooks on PostToolUse$/m);
    expect(run.stdout).toMatch(/^FAIL\s+plugin .*gone\.mjs\s+plugins\.2: .*gone\.mjs does not exist$/m);
    expect(run.code).toBe(1);
  });

  it('prints its help', async () => {
    const run = await runCli(['doctor', '--help'], { env: goodEnv, cwd: dir });
    expect(run.stdout).toMatch(/^Usage: claude-code-server doctor/);
    expect(run.code).toBe(0);
  });
});
