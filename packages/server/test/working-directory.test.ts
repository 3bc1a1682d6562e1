import { mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, approvalServer, exists, KEYS } from './approval-setup.js';
import { type ServerHarness, startServerHarness } from './harness.js';
import { parseSse, postStream, type SseMessage } from './sse-client.js';

let h: ServerHarness;
let url: string;
let elsewhere: string;

beforeAll(async () => {
  h = await startServerHarness();
  ({ url } = await approvalServer(h));
  elsewhere = await mkdtemp(join(tmpdir(), 'ccs-elsewhere-'));
});
afterAll(async () => {
  await h?.close();
  if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
});

/** Streams a turn with the writer key; `onRequest` runs for each permission_request. */
async function streamWith(
  body: Record<string, unknown>,
  onRequest: (request: Record<string, unknown>) => Promise<void> = async () => {},
): Promise<SseMessage[]> {
  const res = await postStream(`${url}/chat/stream`, body, {
    headers: { authorization: `Bearer ${KEYS.writer}` },
  });
  expect(res.status).toBe(200);
  const events: SseMessage[] = [];
  for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) {
    if (message.event === undefined) continue;
    events.push(message);
    if (message.event === 'permission_request') await onRequest(message.data as Record<string, unknown>);
  }
  return events;
}

const named = (events: SseMessage[], name: string) => events.filter((e) => e.event === name);
const toolResult = (id: string) =>
  h.fake
    .conversationRequests()
    .flatMap((req) => req.toolResults)
    .find((result) => result.toolUseId === id);

describe('approvals never grant a path outside the turn’s working directory (real CLI)', () => {
  it('denies a Write to ../outside.txt at once, without asking anyone, naming the path and the directory', async () => {
    const name = `ccs-outside-${process.pid}.txt`;
    const outside = resolve(h.cli.workDir, '..', name);
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: `../${name}`, content: 'escaped\n' }, { id: 'toolu_up' }),
      replies.text('I could not write there.'),
    );
    const events = await streamWith({
      message: 'write it one level up',
      user_id: 'alice',
      wait_for_approval: true,
    });
    expect(named(events, 'permission_request')).toEqual([]);
    expect(await exists(outside)).toBe(false);
    const workDir = await realpath(h.cli.workDir);
    expect(toolResult('toolu_up')).toMatchObject({
      isError: true,
      // The CLI asks about the path it resolved against the project directory.
      content: expect.stringContaining(`Write of ${outside} is outside the working directory ${workDir}`),
    });
    expect(named(events, 'done')[0]?.data).toMatchObject({
      metadata: { permission_denials: [expect.objectContaining({ tool_name: 'Write' })] },
    });
  });

  it('follows symlinks: a Write through a link that leads out of the project is denied', async () => {
    await symlink(elsewhere, join(h.cli.workDir, 'link-out'));
    h.fake.enqueue(
      replies.toolUse(
        'Write',
        { file_path: join(h.cli.workDir, 'link-out', 'x.txt'), content: 'x\n' },
        { id: 'toolu_link' },
      ),
      replies.text('Not written.'),
    );
    const events = await streamWith({
      message: 'write through the link',
      user_id: 'alice',
      wait_for_approval: true,
    });
    expect(named(events, 'permission_request')).toEqual([]);
    expect(await exists(join(elsewhere, 'x.txt'))).toBe(false);
    expect(toolResult('toolu_link')?.content).toContain('link-out/x.txt is outside the working directory');
  });

  it('refuses an allow whose updated_input points outside (400 naming updated_input.file_path); the file is not written', async () => {
    const inside = join(h.cli.workDir, 'inside.txt');
    const outside = join(elsewhere, 'redirected.txt');
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: inside, content: 'hello\n' }, { id: 'toolu_redirect' }),
      replies.text('Done.'),
    );
    const refusals: Array<{ status: number; body: unknown }> = [];
    await streamWith(
      { message: 'write inside', user_id: 'alice', wait_for_approval: true },
      async (request) => {
        const id = String(request.request_id);
        const redirected = await answer(url, KEYS.writer, 'user_alice', id, {
          behavior: 'allow',
          updated_input: { file_path: outside, content: 'hello\n' },
        });
        refusals.push({ status: redirected.status, body: await redirected.json() });
        // The request stays open: the person can still answer within the directory.
        const denied = await answer(url, KEYS.writer, 'user_alice', id, { behavior: 'deny', message: 'no' });
        expect(denied.status).toBe(200);
      },
    );
    const workDir = await realpath(h.cli.workDir);
    expect(refusals).toEqual([
      {
        status: 400,
        body: expect.objectContaining({
          error: expect.objectContaining({
            message: `updated_input.file_path: ${outside} is outside the working directory ${workDir} of this turn`,
            details: { field: 'updated_input.file_path' },
          }),
        }),
      },
    ]);
    expect(await exists(outside)).toBe(false);
    expect(await exists(inside)).toBe(false);
  });
});

describe('tools a key pre-approves never reach outside the working directory (real CLI)', () => {
  it('denies Read, Grep and Glob of paths outside before they run, and lets them run inside', async () => {
    // The defaults: Read, Grep and Glob pre-approved, so the CLI runs them without asking anyone.
    const server = await h.server({ claude: { config_dir: h.cli.configDir, env: h.cli.env, max_turns: 12 } });
    const listening = await server.listen(0);
    const openUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    await writeFile(join(elsewhere, 'secret.txt'), 'the secret\n');
    const calls = [
      ['toolu_read_out', 'Read', { file_path: join(elsewhere, 'secret.txt') }],
      ['toolu_read_up', 'Read', { file_path: `../${basename(elsewhere)}/secret.txt` }],
      ['toolu_read_home', 'Read', { file_path: '~/.bash_history' }],
      ['toolu_grep_out', 'Grep', { pattern: 'secret', path: elsewhere }],
      ['toolu_glob_abs', 'Glob', { pattern: `${elsewhere}/*.txt` }],
      ['toolu_read_in', 'Read', { file_path: join(h.cli.workDir, 'README.md') }],
      ['toolu_glob_in', 'Glob', { pattern: '**/*.md' }],
    ] as const;
    h.fake.enqueue(
      ...calls.map(([id, tool, input]) => replies.toolUse(tool, input, { id })),
      replies.text('Looked around.'),
    );
    const res = await postStream(`${openUrl}/chat/stream`, { message: 'look around', user_id: 'alice' });
    const events: SseMessage[] = [];
    for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) {
      if (message.event !== undefined) events.push(message);
    }
    expect(named(events, 'permission_request')).toEqual([]);
    expect(named(events, 'done')[0]?.data).toMatchObject({ content: 'Looked around.' });
    for (const [id, tool] of calls.slice(0, 5)) {
      const result = toolResult(id);
      expect(result, id).toMatchObject({ isError: true });
      expect(result?.content, id).toContain(`${tool} of `);
      expect(result?.content, id).toContain('is outside the working directory');
      expect(result?.content, id).not.toContain('the secret');
    }
    expect(toolResult('toolu_read_in')).toMatchObject({ isError: false });
    expect(toolResult('toolu_read_in')?.content).toContain('The main project.');
    expect(toolResult('toolu_glob_in')?.content).toContain('README.md');
  });
});
