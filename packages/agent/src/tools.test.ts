import { createToolServer, type HookCallback, InvalidConfigError, tool } from '@claude-code-server/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClaudeAgent } from './agent.js';
import { InvalidAgentInputError } from './errors.js';
import { useAgentHarness } from './test-support/harness.js';

describe('in-process tools and hooks on every session, narrowed per call (real CLI)', () => {
  const t = useAgentHarness();
  let agent: ClaudeAgent;
  const lookups: string[] = [];
  const audited: string[] = [];
  const shop = createToolServer({
    name: 'shop',
    tools: [
      tool('lookup_order', 'Look up an order', { orderId: z.string() }, async ({ orderId }) => {
        lookups.push(orderId);
        return `order ${orderId}: shipped`;
      }),
    ],
  });
  const audit: HookCallback = async (input) => void audited.push(String(input.tool_name));

  beforeAll(async () => {
    agent = await t.h.agent(t.store, {
      config: { allowedTools: [...shop.toolNames] },
      toolServers: [shop],
      hooks: { PostToolUse: [{ hooks: [audit] }] },
      callHookEvents: ['PreToolUse'],
    });
  });

  function toolResultSent(toolUseId: string) {
    return t.h.fake
      .conversationRequests()
      .flatMap((req) => req.toolResults)
      .find((result) => result.toolUseId === toolUseId);
  }

  function scriptLookup(toolUseId: string): void {
    t.h.fake.enqueue(
      { type: 'tool_use', name: 'mcp__shop__lookup_order', input: { orderId: 'A-1' }, id: toolUseId },
      { type: 'text', text: 'looked it up' },
    );
  }

  it("runs the agent's tool and hooks in a user's session; the tool's answer reaches the model", async () => {
    scriptLookup('toolu_alice');
    const response = await agent.chat('where is A-1?', { userId: 'alice' });
    expect(response.content).toBe('looked it up');
    expect(toolResultSent('toolu_alice')).toMatchObject({ content: 'order A-1: shipped', isError: false });
    expect(lookups).toEqual(['A-1']);
    expect(audited).toEqual(['mcp__shop__lookup_order']);
  });

  it("a call's hooks narrow the agent's: a deny for that call only, on the same warm process", async () => {
    const denyShop: HookCallback = async () => ({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'Order lookups are off in this channel.',
      },
    });
    scriptLookup('toolu_bob');
    const denied = await agent.chat('where is A-1?', {
      userId: 'bob',
      hooks: { PreToolUse: [{ matcher: 'mcp__shop__.*', hooks: [denyShop] }] },
    });
    expect(denied.content).toBe('looked it up');
    expect(toolResultSent('toolu_bob')).toMatchObject({
      isError: true,
      content: expect.stringContaining('Order lookups are off in this channel.'),
    });
    expect(lookups).toEqual(['A-1']); // the tool never ran
    expect(audited).toEqual(['mcp__shop__lookup_order']);

    scriptLookup('toolu_bob_again');
    const again = await agent.chat('and now?', { userId: 'bob' });
    expect(again.metadata.warm).toBe(true); // the process that ran the denied call
    expect(toolResultSent('toolu_bob_again')?.isError).toBe(false);
    expect(lookups).toEqual(['A-1', 'A-1']);
  });

  it('refuses hooks for an event the agent does not open to calls, and bad tool servers or hooks at construction', async () => {
    await expect(
      agent.chat('hi', { userId: 'carol', hooks: { Stop: [{ hooks: [audit] }] } }),
    ).rejects.toSatisfy(
      (error) => error instanceof InvalidAgentInputError && error.field === 'options.hooks.Stop',
    );
    await expect(
      agent.chat('hi', { userId: 'carol', hooks: { PreToolUse: [{ hooks: ['no'] }] } as never }),
    ).rejects.toMatchObject({ field: 'options.hooks.PreToolUse.0.hooks.0' });
    await expect(t.h.agent(t.store, { hooks: { Nope: [] } as never })).rejects.toSatisfy(
      (error) => error instanceof InvalidConfigError && error.field === 'hooks.Nope',
    );
    await expect(t.h.agent(t.store, { toolServers: [shop, shop] })).rejects.toMatchObject({
      field: 'toolServers.1',
    });
  });
});
