import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeAnthropic, replies, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ClaudeCodeClient } from '../client.js';
import { InvalidConfigError } from '../errors.js';
import type { ClaudeEvent } from '../events.js';
import type { HookCallback, HookInput, Hooks } from '../hooks/hooks.js';
import { SessionPool } from '../pool/pool.js';
import { InterruptedError } from '../session/errors.js';
import type { ClaudeSessionOptions } from '../session/options.js';
import { ClaudeSession } from '../session/session.js';
import { findTranscriptFile } from '../session/transcript.js';
import { type CliTestEnv, createCliTestEnv } from '../testing/index.js';
import { type ToolContext, tool } from './tool.js';
import { createSdkMcpServer, createToolServer } from './tool-server.js';

let fake: FakeAnthropic;
let env: CliTestEnv;
const sessions: ClaudeSession[] = [];

beforeAll(async () => {
  fake = await startFakeAnthropic();
  env = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-tools' });
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  fake.reset();
});

afterAll(async () => {
  await fake.close();
  await env.cleanup();
});

async function startSession(options: ClaudeSessionOptions = {}): Promise<ClaudeSession> {
  const session = await ClaudeSession.start({ ...options, config: { ...env.config, ...options.config } });
  sessions.push(session);
  return session;
}

/** The tool result the CLI sent back to the model for `toolUseId`. */
function toolResultSent(toolUseId: string) {
  return fake
    .conversationRequests()
    .flatMap((req) => req.toolResults)
    .find((result) => result.toolUseId === toolUseId);
}

const orders = new Map([['A-1', 'shipped on 2 March']]);
const calls: Array<{ input: unknown; toolUseId: string | undefined }> = [];
const lookupOrder = tool(
  'lookup_order',
  'Look up an order by its id',
  { orderId: z.string().regex(/^[A-Z]-\d+$/) },
  async ({ orderId }, { toolUseId }) => {
    calls.push({ input: { orderId }, toolUseId });
    const status = orders.get(orderId);
    if (!status) throw new Error(`no order ${orderId}`);
    return `order ${orderId}: ${status}`;
  },
);
const shop = createToolServer({ name: 'shop', tools: [lookupOrder] });
const shopOnly = { allowedTools: [...shop.toolNames] };

describe('in-process tools', () => {
  test('the model calls a tool of ours; its answer reaches the next model request', async () => {
    calls.length = 0;
    const session = await startSession({ toolServers: [shop], config: shopOnly });
    fake.enqueue(
      replies.toolUse('mcp__shop__lookup_order', { orderId: 'A-1' }, { id: 'toolu_lookup_1' }),
      replies.text('Your order has shipped.'),
    );
    const turn = session.send('Where is order A-1?');
    const answer = await turn;
    expect(answer.content).toBe('Your order has shipped.');
    expect(calls).toEqual([{ input: { orderId: 'A-1' }, toolUseId: 'toolu_lookup_1' }]);
    // The CLI lists the tool under its MCP name, its server connected in-process.
    let init: ClaudeEvent | undefined;
    for await (const event of turn) if (event.type === 'init') init = event;
    expect(init).toMatchObject({
      tools: expect.arrayContaining(['mcp__shop__lookup_order']),
      mcpServers: [expect.objectContaining({ name: 'shop', status: 'connected' })],
    });
    expect(toolResultSent('toolu_lookup_1')).toEqual({
      toolUseId: 'toolu_lookup_1',
      content: 'order A-1: shipped on 2 March',
      isError: false,
    });
  });

  test('a handler that throws, and input outside the schema, give the model a tool error, not a failed turn', async () => {
    const session = await startSession({ toolServers: [shop], config: shopOnly });
    fake.enqueue(
      replies.toolUse('mcp__shop__lookup_order', { orderId: 'Z-9' }, { id: 'toolu_missing' }),
      replies.toolUse('mcp__shop__lookup_order', { orderId: 'not an id' }, { id: 'toolu_invalid' }),
      replies.text('I could not find it.'),
    );
    const answer = await session.send('Where is order Z-9?');
    expect(answer.content).toBe('I could not find it.');
    expect(toolResultSent('toolu_missing')).toMatchObject({
      isError: true,
      content: expect.stringContaining('no order Z-9'),
    });
    expect(toolResultSent('toolu_invalid')).toMatchObject({
      isError: true,
      content: expect.stringContaining('Invalid arguments for tool lookup_order'),
    });
  });

  test('interrupting the turn aborts the running handler; the session goes on', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let abortReason: unknown;
    const slow = tool('wait_for_human', 'Waits for a human', {}, async (_input, context: ToolContext) => {
      started();
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
      abortReason = context.signal.reason;
      return 'stopped';
    });
    const desk = createSdkMcpServer({ name: 'desk', tools: [slow] });
    const session = await startSession({
      toolServers: [desk],
      config: { allowedTools: [...desk.toolNames] },
    });
    fake.enqueue(replies.toolUse('mcp__desk__wait_for_human', {}));
    const turn = session.send('ask a human');
    await running;
    await session.interrupt();
    await expect(turn.result).rejects.toBeInstanceOf(InterruptedError);
    expect(abortReason).toBeDefined();
    fake.enqueue(replies.text('still here'));
    expect((await session.send('are you there?')).content).toBe('still here');
  });

  test('a one-shot run with tools runs over streaming input and closes its process', async () => {
    const client = new ClaudeCodeClient(env.config);
    fake.enqueue(
      replies.toolUse('mcp__shop__lookup_order', { orderId: 'A-1' }, { id: 'toolu_one_shot' }),
      replies.text('Shipped.'),
    );
    const seen: string[] = [];
    const answer = await client.chat('Where is order A-1?', {
      toolServers: [shop],
      hooks: {
        PostToolUse: [{ hooks: [async (input) => void seen.push(JSON.stringify(input.tool_response))] }],
      },
      ...shopOnly,
    });
    expect(answer.content).toBe('Shipped.');
    expect(seen).toEqual([JSON.stringify([{ type: 'text', text: 'order A-1: shipped on 2 March' }])]);
    expect(toolResultSent('toolu_one_shot')?.content).toBe('order A-1: shipped on 2 March');
    // The conversation is on disk, resumable as any one-shot run.
    expect(findTranscriptFile(answer.sessionId, env.config)).toBeDefined();
  });

  test('a pool gives every process its tools', async () => {
    const pool = new SessionPool({ config: { ...env.config, ...shopOnly }, toolServers: [shop], spares: 0 });
    try {
      fake.enqueue(
        replies.toolUse('mcp__shop__lookup_order', { orderId: 'A-1' }, { id: 'toolu_pool' }),
        replies.text('Shipped.'),
      );
      const answer = await pool.run('user-1', {}, (session) => session.send('Where is A-1?'));
      expect(answer.content).toBe('Shipped.');
      expect(toolResultSent('toolu_pool')?.isError).toBe(false);
    } finally {
      await pool.close();
    }
  });
});

describe('hooks', () => {
  test('PreToolUse denies a Bash call and moves a Write; PostToolUse sees the result', async () => {
    const seenAfter: HookInput[] = [];
    const guard: HookCallback = async (input) => {
      if (input.tool_name === 'Bash') {
        return {
          hookSpecificOutput: {
            hookEventName: 'PreToolUse',
            permissionDecision: 'deny',
            permissionDecisionReason: 'No shell commands here.',
          },
        };
      }
      const path = String(input.tool_input?.file_path ?? '');
      return {
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'allow',
          updatedInput: { ...input.tool_input, file_path: path.replace('draft.txt', 'reviewed.txt') },
        },
      };
    };
    const hooks: Hooks = {
      PreToolUse: [{ matcher: 'Bash|Write', hooks: [guard] }],
      PostToolUse: [{ hooks: [async (input) => void seenAfter.push(input)] }],
    };
    const session = await startSession({ hooks });
    fake.enqueue(
      replies.toolUse('Bash', { command: 'rm -rf /tmp/nothing', description: 'clean' }, { id: 'toolu_bash' }),
      replies.toolUse(
        'Write',
        { file_path: join(env.workDir, 'draft.txt'), content: 'hello' },
        { id: 'toolu_write' },
      ),
      replies.text('Done.'),
    );
    expect((await session.send('clean up and write a note')).content).toBe('Done.');

    expect(toolResultSent('toolu_bash')).toMatchObject({
      isError: true,
      content: expect.stringContaining('No shell commands here.'),
    });
    expect(existsSync(join(env.workDir, 'draft.txt'))).toBe(false);
    expect(readFileSync(join(env.workDir, 'reviewed.txt'), 'utf8')).toBe('hello');
    const written = seenAfter.find((input) => input.tool_name === 'Write');
    expect(written).toMatchObject({ hook_event_name: 'PostToolUse', tool_use_id: 'toolu_write' });
    expect(written?.tool_input?.file_path).toBe(join(env.workDir, 'reviewed.txt'));
    expect(JSON.stringify(written?.tool_response)).toContain('reviewed.txt');
    expect(seenAfter.some((input) => input.tool_name === 'Bash')).toBe(false); // it never ran
  });

  test('UserPromptSubmit adds context the model sees; a turn brings hooks of its own for the events it may', async () => {
    const hooks: Hooks = {
      UserPromptSubmit: [
        {
          hooks: [
            async () => ({
              hookSpecificOutput: {
                hookEventName: 'UserPromptSubmit',
                additionalContext: 'The user is on the Pro plan.',
              },
            }),
          ],
        },
      ],
    };
    const session = await startSession({ hooks, turnHookEvents: ['PreToolUse'] });
    fake.enqueue(replies.text('Noted.'));
    await session.send('what plan am I on?');
    expect(JSON.stringify(fake.conversationRequests().at(-1)?.messages)).toContain(
      'The user is on the Pro plan.',
    );

    const deniedForThisTurn: HookCallback = async () => ({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'Not in this chat.',
      },
    });
    fake.enqueue(
      replies.toolUse(
        'Write',
        { file_path: join(env.workDir, 'turn.txt'), content: 'x' },
        { id: 'toolu_turn' },
      ),
      replies.text('ok'),
    );
    await session.send('write it', {
      hooks: { PreToolUse: [{ matcher: 'Write', hooks: [deniedForThisTurn] }] },
      canUseTool: () => ({ behavior: 'allow' }),
    });
    expect(toolResultSent('toolu_turn')).toMatchObject({
      isError: true,
      content: expect.stringContaining('Not in this chat.'),
    });
    expect(existsSync(join(env.workDir, 'turn.txt'))).toBe(false);

    // The next turn brings none: the same call goes through.
    fake.enqueue(
      replies.toolUse(
        'Write',
        { file_path: join(env.workDir, 'turn.txt'), content: 'x' },
        { id: 'toolu_turn2' },
      ),
      replies.text('ok'),
    );
    await session.send('write it again', { canUseTool: () => ({ behavior: 'allow' }) });
    expect(existsSync(join(env.workDir, 'turn.txt'))).toBe(true);
    expect(() => session.send('x', { hooks: { Stop: [{ hooks: [deniedForThisTurn] }] } })).toThrow(
      expect.objectContaining({ field: 'hooks.Stop' }),
    );
  });

  test('continue: false from PostToolUse ends the turn there; a PreToolUse hook that throws denies the call', async () => {
    const stopper: HookCallback = async () => ({ continue: false, stopReason: 'Audit limit reached.' });
    const failing: HookCallback = async (input) => {
      if (input.tool_name === 'Bash') throw new Error('audit log unavailable');
      return {};
    };
    const session = await startSession({
      hooks: { PreToolUse: [{ hooks: [failing] }], PostToolUse: [{ matcher: 'Write', hooks: [stopper] }] },
      canUseTool: () => ({ behavior: 'allow' }),
    });
    fake.enqueue(
      replies.toolUse('Bash', { command: 'touch bash.txt', description: 'touch' }, { id: 'toolu_failing' }),
      replies.toolUse('Write', { file_path: join(env.workDir, 'stop.txt'), content: 'x' }),
      replies.text('the model is not asked again'),
    );
    const answer = await session.send('run, write and stop');
    expect(toolResultSent('toolu_failing')).toMatchObject({
      isError: true,
      content: expect.stringContaining('Hook failed: audit log unavailable'),
    });
    expect(existsSync(join(env.workDir, 'bash.txt'))).toBe(false);
    expect(existsSync(join(env.workDir, 'stop.txt'))).toBe(true);
    expect(answer.raw.terminal_reason).toBe('hook_stopped');
    expect(fake.pending()).toBe(1); // the answer after the Write was never asked for
  });

  test('tools and hooks are registered again on the process that replaces one killed with -9', async () => {
    calls.length = 0;
    const audited: string[] = [];
    const audit: HookCallback = async (input) => void audited.push(String(input.tool_name));
    let deskAborted = false;
    let called!: () => void;
    const deskCalled = new Promise<void>((resolve) => {
      called = resolve;
    });
    const desk = createToolServer({
      name: 'desk',
      tools: [
        tool('wait_for_human', 'Waits for a human', {}, async (_input, { signal }) => {
          called();
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          deskAborted = true;
          return 'stopped';
        }),
      ],
    });
    const session = await startSession({
      toolServers: [shop, desk],
      hooks: { PreToolUse: [{ matcher: 'mcp__shop__.*', hooks: [audit] }] },
      config: { allowedTools: [...shop.toolNames, ...desk.toolNames] },
    });
    fake.enqueue(replies.toolUse('mcp__shop__lookup_order', { orderId: 'A-1' }), replies.text('first'));
    expect((await session.send('first lookup')).content).toBe('first');
    const firstPid = session.pid as number;
    process.kill(firstPid, 'SIGKILL');
    await expect.poll(() => session.state).toBe('dead');

    fake.enqueue(
      replies.toolUse('mcp__shop__lookup_order', { orderId: 'A-1' }, { id: 'toolu_after' }),
      replies.text('second'),
    );
    expect((await session.send('second lookup')).content).toBe('second');
    expect(session.pid).not.toBe(firstPid);
    expect(calls).toHaveLength(2);
    expect(audited).toEqual(['mcp__shop__lookup_order', 'mcp__shop__lookup_order']);
    expect(toolResultSent('toolu_after')?.content).toBe('order A-1: shipped on 2 March');

    // And interrupting a turn on the new process still aborts a running handler.
    fake.enqueue(replies.toolUse('mcp__desk__wait_for_human', {}));
    const turn = session.send('ask a human');
    await deskCalled;
    await session.interrupt();
    await expect(turn.result).rejects.toBeInstanceOf(InterruptedError);
    expect(deskAborted).toBe(true);
  });
});

describe('validation', () => {
  test('bad tool servers and hooks are refused naming the field', async () => {
    expect(() => createToolServer({ name: 'my shop', tools: [lookupOrder] })).toThrow(
      expect.objectContaining({ field: 'toolServer.name' }),
    );
    expect(() => createToolServer({ name: 'shop', tools: [lookupOrder, lookupOrder] })).toThrow(
      expect.objectContaining({ field: 'toolServer.tools.1.name' }),
    );
    expect(() => createToolServer({ name: 'shop', tools: [] })).toThrow(InvalidConfigError);
    await expect(ClaudeSession.start({ hooks: { BeforeEverything: [] } as never })).rejects.toMatchObject({
      field: 'hooks.BeforeEverything',
    });
    await expect(
      ClaudeSession.start({ hooks: { Stop: [{ hooks: ['not a function'] }] } as never }),
    ).rejects.toMatchObject({
      field: 'hooks.Stop.0.hooks.0',
    });
    await expect(ClaudeSession.start({ toolServers: [{ name: 'x' }] as never })).rejects.toMatchObject({
      field: 'toolServers.0',
    });
    await expect(ClaudeSession.start({ toolServers: [shop, shop] })).rejects.toMatchObject({
      field: 'toolServers.1',
    });
  });

  test('a session with other tool servers or hooks has another fingerprint', async () => {
    const a = await startSession({ toolServers: [shop] });
    const b = await startSession({ toolServers: [createToolServer({ name: 'shop', tools: [lookupOrder] })] });
    const c = await startSession({});
    expect(new Set([a.fingerprint, b.fingerprint, c.fingerprint]).size).toBe(3);
  });
});
