import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CanUseTool } from '@claude-code-server/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeAgent } from './agent.js';
import {
  OverrideNotAllowedError,
  ProjectMismatchError,
  SessionOwnedByOtherUserError,
  UnknownProjectError,
} from './errors.js';
import { useAgentHarness } from './test-support/harness.js';

describe('permissions, overrides and tool approvals (real CLI)', () => {
  const t = useAgentHarness();
  let agent: ClaudeAgent;
  let secretFile: string;
  let notesFile: string;
  /** Tools the agent's own canUseTool was asked about. */
  const agentAsked: string[] = [];

  beforeAll(async () => {
    const project = await t.h.dir('project');
    // Outside the project: reading them needs a permission (reads inside the working directory do not).
    const outside = await t.h.dir('outside');
    secretFile = join(outside, 'secret.txt');
    await writeFile(secretFile, 'the secret is 42\n');
    notesFile = join(outside, 'notes.txt');
    await writeFile(notesFile, 'first line of the notes\nsecond line of the notes\n');
    agent = await t.h.agent(t.store, {
      config: { permissionMode: 'default', allowedTools: ['Read'], maxTurns: 5 },
      projects: { docs: project, other: await t.h.dir('other') },
      // These reads outside the project go to the CLI's permission check (the project guard would deny them first).
      confineToProject: false,
      // The agent's policy: never the secret; anything else, one line at most.
      canUseTool: (toolName, input) => {
        agentAsked.push(toolName);
        if (input.file_path === secretFile) return { behavior: 'deny', message: 'the agent policy says no' };
        return { behavior: 'allow', updatedInput: { ...input, limit: 1 } };
      },
    });
  });

  /** The model asks to read a file (the secret by default), then answers. */
  function scriptRead(file = secretFile): void {
    t.h.fake.enqueue(
      { type: 'tool_use', name: 'Read', input: { file_path: file } },
      { type: 'text', text: 'read it' },
    );
  }

  function lastToolResult() {
    return t.h.fake.conversationRequests().at(-1)?.toolResults[0];
  }

  it('refuses overrides that would widen the config, before anything runs or is stored', async () => {
    const requestsBefore = t.h.fake.requests.length;
    const call = { userId: 'nina', project: 'docs' };
    const refusals = await Promise.all([
      agent
        .chat('hi', { ...call, overrides: { permissionMode: 'bypassPermissions' } })
        .catch((e: unknown) => e),
      agent.chat('hi', { ...call, overrides: { permissionMode: 'acceptEdits' } }).catch((e: unknown) => e),
      agent.chat('hi', { ...call, overrides: { allowedTools: ['Read', 'Bash'] } }).catch((e: unknown) => e),
      agent.chat('hi', { ...call, overrides: { maxTurns: 50 } }).catch((e: unknown) => e),
      agent.chat('hi', { ...call, overrides: { cwd: '/' } as never }).catch((e: unknown) => e),
    ]);
    expect(refusals.map((e) => (e as OverrideNotAllowedError).field)).toEqual([
      'permissionMode',
      'permissionMode',
      'allowedTools',
      'maxTurns',
      'cwd',
    ]);
    for (const error of refusals) expect(error).toBeInstanceOf(OverrideNotAllowedError);
    const unknown = await agent.chat('hi', { userId: 'nina', project: '../etc' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownProjectError);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_PROJECT' });
    expect(t.h.fake.requests.length).toBe(requestsBefore);
    expect((await agent.listSessions('nina')).sessions).toEqual([]);
  });

  it('lets a call narrow the tools: a pre-approved read runs, the same read with none pre-approved goes to the agent’s canUseTool', async () => {
    const call = { userId: 'olga', project: 'docs' };
    scriptRead();
    const allowed = await agent.chat('read the secret', call);
    expect(allowed.permissionDenials).toEqual([]);
    expect(agentAsked).toEqual([]);
    expect(lastToolResult()?.content).toContain('the secret is 42');

    scriptRead();
    const narrowed = await agent.chat('read it again', { ...call, overrides: { allowedTools: [] } });
    expect(agentAsked).toEqual(['Read']);
    expect(narrowed.permissionDenials.map((d) => d.toolName)).toEqual(['Read']);
    expect(lastToolResult()?.isError).toBe(true);
    expect(lastToolResult()?.content).toContain('the agent policy says no');
    expect(lastToolResult()?.content).not.toContain('the secret is 42');
    // Narrower tools need a process started with them; the old one was replaced, not stale.
    expect(narrowed.metadata.warm).toBe(false);
    expect(agent.stats().staleProcesses).toBe(0);
  });

  it('asks the call’s canUseTool only about what the agent’s allows, which it may narrow but never widen', async () => {
    agentAsked.length = 0;
    const callAsked: unknown[] = [];
    const call = { userId: 'pia', project: 'docs', overrides: { allowedTools: [] } };
    const userSaysYes: CanUseTool = (_toolName, input) => {
      callAsked.push(input);
      return { behavior: 'allow' };
    };

    // The agent allows the notes, one line of them: the call's callback sees that input and agrees.
    scriptRead(notesFile);
    const allowed = await agent.chat('read the notes', { ...call, canUseTool: userSaysYes });
    expect(agentAsked).toEqual(['Read']);
    expect(callAsked).toEqual([{ file_path: notesFile, limit: 1 }]);
    expect(allowed.permissionDenials).toEqual([]);
    expect(lastToolResult()?.content).toContain('first line of the notes');
    expect(lastToolResult()?.content).not.toContain('second line of the notes');

    // The agent denies the secret: final, the call's callback is not even asked.
    scriptRead();
    const refused = await agent.chat('read the secret, I say yes', { ...call, canUseTool: userSaysYes });
    expect(agentAsked).toEqual(['Read', 'Read']);
    expect(callAsked).toHaveLength(1);
    expect(refused.permissionDenials.map((d) => d.toolName)).toEqual(['Read']);
    expect(lastToolResult()?.content).toContain('the agent policy says no');
    expect(lastToolResult()?.content).not.toContain('the secret is 42');

    // What the agent allows, the call's callback may still deny.
    scriptRead(notesFile);
    const denied = await agent.chat('read the notes again', {
      ...call,
      canUseTool: () => ({ behavior: 'deny', message: 'the user said no' }),
    });
    expect(denied.permissionDenials.map((d) => d.toolName)).toEqual(['Read']);
    expect(lastToolResult()?.content).toContain('the user said no');
    expect(denied.metadata.warm).toBe(true); // narrowed tools, but the same process as the turn before
  });

  it('answers a turn cut short by a lower maxTurns as unsuccessful, with the CLI reason', async () => {
    scriptRead();
    const cut = await agent.chat('read it, in one step', {
      userId: 'rob',
      project: 'docs',
      overrides: { maxTurns: 1 },
    });
    expect(cut.success).toBe(false);
    expect(cut.error?.code).toBe('MAX_TURNS');
    // What stopped the turn is not the assistant's words: only the question is stored.
    expect(cut.metadata.assistantMessageSeq).toBeNull();
    const history = await agent.getConversationHistory('rob');
    expect(history.messages.map((m) => m.role)).toEqual(['user']);
  });

  it('keeps a session to its user and its project', async () => {
    await agent.chat('hello', { userId: 'quinn', sessionId: 'quinn-notes', project: 'docs' });
    const stolen = await agent
      .chat('hello', { userId: 'mallory', sessionId: 'quinn-notes', project: 'docs' })
      .catch((e: unknown) => e);
    expect(stolen).toBeInstanceOf(SessionOwnedByOtherUserError);
    await expect(
      agent.getConversationHistory({ userId: 'mallory', sessionId: 'quinn-notes' }),
    ).rejects.toThrow(SessionOwnedByOtherUserError);
    await expect(agent.clearSession('mallory', 'quinn-notes')).rejects.toThrow(SessionOwnedByOtherUserError);
    const moved = await agent
      .chat('hello', { userId: 'quinn', sessionId: 'quinn-notes', project: 'other' })
      .catch((e: unknown) => e);
    expect(moved).toBeInstanceOf(ProjectMismatchError);
    expect(
      (await agent.getConversationHistory({ userId: 'quinn', sessionId: 'quinn-notes' })).messages,
    ).toHaveLength(2);
  });
});
