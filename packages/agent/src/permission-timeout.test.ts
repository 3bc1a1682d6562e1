import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAgentHarness } from './test-support/harness.js';

describe('pool.permissionTimeoutMs (real CLI)', () => {
  const t = useAgentHarness();

  it('denies a tool whose permission request nobody answers within the timeout', async () => {
    const outside = await t.h.dir('outside');
    const file = join(outside, 'secret.txt');
    await writeFile(file, 'the secret is 42\n');
    const agent = await t.h.agent(t.store, {
      config: { permissionMode: 'default', allowedTools: [], maxTurns: 3 },
      pool: { maxLive: 1, spares: 0, permissionTimeoutMs: 200 },
      // A read outside the project that reaches the permission check (the project guard would deny it first).
      confineToProject: false,
    });
    let abandoned = false;
    t.h.fake.enqueue(
      { type: 'tool_use', name: 'Read', input: { file_path: file } },
      { type: 'text', text: 'done' },
    );
    const response = await agent.chat('read it', {
      userId: 'quinn',
      // Never answers; the request's signal fires when it is given up.
      canUseTool: (_tool, _input, { signal }) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            abandoned = true;
            resolve({ behavior: 'allow' });
          }),
        ),
    });
    expect(abandoned).toBe(true);
    expect(response.permissionDenials.map((d) => d.toolName)).toEqual(['Read']);
    const result = t.h.fake.conversationRequests().at(-1)?.toolResults[0];
    expect(result?.content).toContain('within 200 ms');
    expect(result?.content).not.toContain('the secret is 42');
  });
});
