import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { lookups } from './fixtures/orders-plugin.mjs';
import { type ServerHarness, startServerHarness } from './harness.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ORDERS_PLUGIN = join(fixtures, 'orders-plugin.mjs');
const FULL_KEY = 'full-key-0123456789abcdef';
const LIMITED_KEY = 'limited-key-0123456789abcdef';
const SHELL_KEY = 'shell-key-0123456789abcdef';

let h: ServerHarness;
let server: ClaudeCodeServer;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({
    plugins: [ORDERS_PLUGIN],
    auth: {
      keys: [
        { name: 'full', key: FULL_KEY },
        { name: 'limited', key: LIMITED_KEY, tools: ['Read', 'Bash'] },
        { name: 'shell', key: SHELL_KEY, tools: ['Bash'] },
      ],
    },
  });
});
afterAll(async () => {
  await h?.close();
});

function toolResultSent(toolUseId: string) {
  return h.fake
    .conversationRequests()
    .flatMap((req) => req.toolResults)
    .find((result) => result.toolUseId === toolUseId);
}

function chat(key: string, body: Record<string, unknown>) {
  return request(server.app).post('/chat').set('X-API-Key', key).send(body);
}

describe('plugins: the operator loads in-process tools and hooks (real CLI)', () => {
  it("the model calls a plugin's tool through POST /chat and its result reaches the next model request", async () => {
    h.fake.enqueue(
      { type: 'tool_use', name: 'mcp__orders__lookup', input: { orderId: 'A-1' }, id: 'toolu_full' },
      { type: 'text', text: 'Order A-1 shipped on Monday.' },
    );
    const res = await chat(FULL_KEY, { message: 'Where is order A-1?', user_id: 'ann' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      content: 'Order A-1 shipped on Monday.',
      metadata: { permission_denials: [] },
    });
    expect(toolResultSent('toolu_full')).toMatchObject({
      content: 'order A-1: shipped on Monday',
      isError: false,
    });
    expect(lookups).toEqual(['A-1']);
  });

  it('denies the tool to a key whose tools do not include it', async () => {
    h.fake.enqueue(
      { type: 'tool_use', name: 'mcp__orders__lookup', input: { orderId: 'B-2' }, id: 'toolu_limited' },
      { type: 'text', text: 'I could not look it up.' },
    );
    const res = await chat(LIMITED_KEY, { message: 'Where is order B-2?', user_id: 'bob' });
    expect(res.status).toBe(200);
    expect(res.body.metadata.permission_denials).toEqual([
      expect.objectContaining({ tool_name: 'mcp__orders__lookup', tool_input: { orderId: 'B-2' } }),
    ]);
    expect(toolResultSent('toolu_limited')?.isError).toBe(true);
    expect(lookups).toEqual(['A-1']); // the handler never ran
    // Nor may the key pre-approve it.
    const widened = await chat(LIMITED_KEY, {
      message: 'hi',
      user_id: 'bob',
      config: { allowed_tools: ['mcp__orders__lookup'] },
    });
    expect(widened.status).toBe(403);
    expect(widened.body.error.message).toContain('mcp__orders__lookup');
  });

  it("a plugin's PreToolUse hook denies a Bash call the key pre-approves", async () => {
    h.fake.enqueue(
      { type: 'tool_use', name: 'Bash', input: { command: 'echo hi > hooked.txt' }, id: 'toolu_bash' },
      { type: 'text', text: 'The shell was refused.' },
    );
    const res = await chat(SHELL_KEY, {
      message: 'Run it',
      user_id: 'cy',
      config: { allowed_tools: ['Bash'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.content).toBe('The shell was refused.');
    expect(toolResultSent('toolu_bash')).toMatchObject({
      isError: true,
      content: expect.stringContaining('The orders plugin allows no shell.'),
    });
  });
});

describe('plugins: a bad module fails the start, naming the file and the problem', () => {
  it.each([
    ['missing-plugin.mjs', 'does not exist'],
    ['throwing-plugin.mjs', 'threw while importing: the orders database is not configured'],
    [
      'wrong-shape-plugin.mjs',
      'has a wrong export: invalid config toolServers: must be an array of tool servers',
    ],
    ['no-exports-plugin.mjs', 'exports neither toolServers nor hooks'],
  ])('%s', async (file, problem) => {
    const path = join(fixtures, file);
    await expect(h.server({ plugins: [ORDERS_PLUGIN, path] })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      path: 'plugins.1',
      message: expect.stringContaining(`plugins.1: ${path} ${problem}`),
    });
  });

  it('refuses bad toolServers and hooks given as options, naming them', async () => {
    await expect(h.server({ hooks: { Nope: [] } as never })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      path: 'hooks',
      message: expect.stringContaining('hooks.Nope'),
    });
    await expect(h.server({ toolServers: [{ name: 'x' }] as never })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      path: 'toolServers',
    });
  });

  it('refuses plugins beside an agent instance', async () => {
    await expect(h.server({ plugins: [ORDERS_PLUGIN], agent: server.agent })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      path: 'plugins',
    });
  });
});
