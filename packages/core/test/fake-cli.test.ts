import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ClaudeCodeClient,
  CliNotFoundError,
  InvalidConfigError,
  ProcessExitedError,
  ProtocolError,
} from '../src/index.js';
import { findProcessesByEnv } from '../src/testing/index.js';
import { rejection } from './helpers.js';

// Stand-in CLIs (shell scripts) for what the real binary cannot be made to do on demand.
const dir = mkdtempSync(join(tmpdir(), 'ccs-fake-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The one line a stand-in CLI prints to end a run well. */
const RESULT_LINE =
  '{"type":"result","subtype":"success","is_error":false,"result":"ok","session_id":"s","num_turns":1,"duration_ms":1}';

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('ClaudeCodeClient with stand-in CLIs', () => {
  it('throws CliNotFoundError, saying how to install, when cliPath does not exist', async () => {
    const client = new ClaudeCodeClient({ cliPath: join(dir, 'no-such-claude') });
    const error = await rejection(client.chat('Hello'));

    expect(error).toBeInstanceOf(CliNotFoundError);
    expect((error as CliNotFoundError).code).toBe('CLI_NOT_FOUND');
    expect((error as Error).message).toContain('npm install @anthropic-ai/claude-code');
    expect((error as Error).message).toContain('no-such-claude');
  });

  it('throws CliNotFoundError for a cliPath that is not executable', async () => {
    const path = join(dir, 'not-executable');
    writeFileSync(path, 'echo hi');
    await expect(new ClaudeCodeClient({ cliPath: path }).chat('Hello')).rejects.toBeInstanceOf(
      CliNotFoundError,
    );
  });

  it('throws ProtocolError with the line when the CLI prints something that is not JSON, and kills it', async () => {
    const marker = `ccs-protocol-${process.pid}`;
    const cliPath = script('prints-garbage', 'cat > /dev/null\necho "this is not json"\nexec sleep 300');
    const client = new ClaudeCodeClient({ cliPath, env: { CCS_TEST_MARKER: marker } });
    const error = await rejection(client.chat('Hello'));

    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).line).toBe('this is not json');
    expect(findProcessesByEnv('CCS_TEST_MARKER', marker)).toEqual([]);
  });

  it('throws ProcessExitedError with the exit code and the tail of stderr', async () => {
    const cliPath = script('crashes', 'cat > /dev/null\necho "fatal: config is broken" >&2\nexit 3');
    const error = await rejection(new ClaudeCodeClient({ cliPath }).chat('Hello'));

    expect(error).toBeInstanceOf(ProcessExitedError);
    expect(error).toMatchObject({ code: 'PROCESS_EXITED', exitCode: 3, signal: null });
    expect((error as ProcessExitedError).stderrTail).toContain('fatal: config is broken');
  });

  it('sends the prompt on stdin, never in argv', async () => {
    const out = join(dir, 'captured');
    const cliPath = script(
      'captures',
      `cat > "${out}.stdin"\nprintf '%s\\n' "$@" > "${out}.argv"\necho '${RESULT_LINE}'`,
    );
    const prompt = '--dangerously-skip-permissions; rm -rf /';
    const response = await new ClaudeCodeClient({ cliPath }).chat(prompt);

    expect(response.content).toBe('ok');
    expect(readFileSync(`${out}.stdin`, 'utf8')).toBe(prompt);
    expect(readFileSync(`${out}.argv`, 'utf8')).not.toContain('rm -rf');
  });

  it('gives the CLI our env without the markers of a surrounding Claude Code session, plus the env option', async () => {
    const out = join(dir, 'env-dump');
    const cliPath = script('dumps-env', `cat > /dev/null\nenv > "${out}"\necho '${RESULT_LINE}'`);
    const configDir = join(dir, 'config');
    process.env.CLAUDECODE = '1';
    process.env.CLAUDE_CODE_ENTRYPOINT = 'cli';
    try {
      // An explicit configDir wins over CLAUDE_CONFIG_DIR in the env option.
      const env = { CCS_EXTRA: 'from the env option', CLAUDE_CONFIG_DIR: join(dir, 'elsewhere') };
      await new ClaudeCodeClient({ cliPath, configDir, env }).chat('Hi');
    } finally {
      delete process.env.CLAUDECODE;
      delete process.env.CLAUDE_CODE_ENTRYPOINT;
    }

    const childEnv = readFileSync(out, 'utf8').split('\n');
    expect(childEnv.filter((line) => line.startsWith('CLAUDECODE='))).toEqual([]);
    expect(childEnv).toContain('CLAUDE_CODE_ENTRYPOINT=claude-code-server');
    expect(childEnv).toContain(`CLAUDE_CONFIG_DIR=${configDir}`);
    expect(childEnv).toContain('CCS_EXTRA=from the env option');
    expect(childEnv).toContain(`PATH=${process.env.PATH}`);
  });

  it('returns every stdout line as content with outputFormat stream-json', async () => {
    const init = '{"type":"system","subtype":"init","session_id":"s"}';
    const cliPath = script('two-lines', `cat > /dev/null\necho '${init}'\necho '${RESULT_LINE}'`);
    const response = await new ClaudeCodeClient({ cliPath, outputFormat: 'stream-json' }).chat('Hi');

    expect(response.content).toBe(`${init}\n${RESULT_LINE}`);
    expect(response.sessionId).toBe('s');
  });

  it('names cwd, not the CLI, when the working directory does not exist', async () => {
    const cliPath = script('never-started', 'exit 0');
    const error = await rejection(
      new ClaudeCodeClient({ cliPath, cwd: join(dir, 'no-such-dir') }).chat('Hi'),
    );

    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error).toMatchObject({ field: 'cwd' });
    expect((error as Error).message).toContain('no-such-dir');
  });

  it('rejects bad options before starting anything, naming the field', async () => {
    expect(() => new ClaudeCodeClient({ permissionMode: 'yolo' as never })).toThrow(InvalidConfigError);
    const client = new ClaudeCodeClient({ cliPath: join(dir, 'never-run') });
    await expect(client.chat('Hello', { sessionId: 'not-a-uuid' })).rejects.toMatchObject({
      field: 'sessionId',
    });
    await expect(client.chat('Hello', { maxTurns: -1 })).rejects.toMatchObject({ field: 'maxTurns' });
    await expect(client.chat('Hello', { timeoutMs: 2 ** 31 })).rejects.toMatchObject({ field: 'timeoutMs' });
    await expect(client.chat('   ')).rejects.toMatchObject({ field: 'prompt' });
    await expect(client.chat('Hello', { forkSession: true })).rejects.toMatchObject({ field: 'forkSession' });
    await expect(
      client.chat('Hello', { resume: 'earlier', sessionId: '0b1e4b1c-4a1f-4b1e-9b1e-0b1e4b1c4a1f' }),
    ).rejects.toMatchObject({ field: 'sessionId' });
  });
});
