import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAgentHarness } from './test-support/harness.js';

describe('confineToProject (real CLI)', () => {
  const t = useAgentHarness();

  function resultOf(id: string) {
    return t.h.fake
      .conversationRequests()
      .flatMap((req) => req.toolResults)
      .find((result) => result.toolUseId === id);
  }

  it('denies pre-approved reads outside the project before they run, and lets those inside run', async () => {
    const project = await t.h.dir('project');
    await writeFile(join(project, 'notes.md'), 'inside the project\n');
    const outside = await t.h.dir('outside');
    await writeFile(join(outside, 'secret.txt'), 'the secret\n');
    const agent = await t.h.agent(t.store, {
      config: {
        permissionMode: 'default',
        allowedTools: ['Read', 'Grep', 'Glob'],
        maxTurns: 8,
        cwd: project,
      },
    });
    const asked: string[] = [];
    t.h.fake.enqueue(
      { type: 'tool_use', id: 'toolu_out', name: 'Read', input: { file_path: join(outside, 'secret.txt') } },
      { type: 'tool_use', id: 'toolu_glob', name: 'Glob', input: { pattern: `${outside}/*` } },
      { type: 'tool_use', id: 'toolu_grep', name: 'Grep', input: { pattern: 'secret', path: outside } },
      { type: 'tool_use', id: 'toolu_in', name: 'Read', input: { file_path: join(project, 'notes.md') } },
      { type: 'text', text: 'done' },
    );
    const response = await agent.chat('look', {
      userId: 'guarded',
      canUseTool: (tool) => {
        asked.push(tool);
        return { behavior: 'allow' };
      },
    });
    expect(response.content).toBe('done');
    for (const id of ['toolu_out', 'toolu_glob', 'toolu_grep']) {
      expect(resultOf(id), id).toMatchObject({ isError: true });
      expect(resultOf(id)?.content, id).toContain('is outside the working directory');
      expect(resultOf(id)?.content, id).not.toContain('the secret');
    }
    expect(resultOf('toolu_in')).toMatchObject({
      isError: false,
      content: expect.stringContaining('inside the project'),
    });
    // Denied before any permission check: nobody was asked, though the callback would allow.
    expect(asked).toEqual([]);
  });

  it('with confineToProject: false leaves those reads to the CLI and the permission callbacks', async () => {
    const project = await t.h.dir('project');
    const outside = await t.h.dir('outside');
    await writeFile(join(outside, 'open.txt'), 'readable when unconfined\n');
    const agent = await t.h.agent(t.store, {
      config: { permissionMode: 'default', allowedTools: ['Read'], maxTurns: 4, cwd: project },
      confineToProject: false,
      canUseTool: () => ({ behavior: 'allow' }),
    });
    t.h.fake.enqueue(
      { type: 'tool_use', id: 'toolu_open', name: 'Read', input: { file_path: join(outside, 'open.txt') } },
      { type: 'text', text: 'read' },
    );
    await agent.chat('read it', { userId: 'unconfined' });
    expect(resultOf('toolu_open')).toMatchObject({
      isError: false,
      content: expect.stringContaining('readable when unconfined'),
    });
  });
});
