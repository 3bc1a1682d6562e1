import type { CanUseTool, PermissionContext, PermissionDecision } from '@claude-code-server/core';
import { describe, expect, it } from 'vitest';
import { narrowCanUseTool } from './tool-approval.js';

const context = (): PermissionContext => ({
  toolUseId: 'tu1',
  signal: new AbortController().signal,
  suggestions: [],
});

/** A callback that notes every input it was asked about and answers with `decide`. */
function recording(decide: (input: Record<string, unknown>) => PermissionDecision) {
  const asked: Array<Record<string, unknown>> = [];
  const callback: CanUseTool = (_tool, input) => {
    asked.push(input);
    return decide(input);
  };
  return { asked, callback };
}

const allow = (updatedInput?: Record<string, unknown>) => (): PermissionDecision =>
  updatedInput ? { behavior: 'allow', updatedInput } : { behavior: 'allow' };
const deny = (message: string) => (): PermissionDecision => ({ behavior: 'deny', message });

describe('narrowCanUseTool', () => {
  it('keeps a deny of the agent final: the call’s callback is not even asked', async () => {
    const agent = recording(deny('the agent says no'));
    const call = recording(allow());
    const decision = await narrowCanUseTool(agent.callback, call.callback)?.('Bash', { c: 'ls' }, context());
    expect(decision).toEqual({ behavior: 'deny', message: 'the agent says no' });
    expect(agent.asked).toEqual([{ c: 'ls' }]);
    expect(call.asked).toEqual([]);
  });

  it('asks the call’s callback about what the agent allows, with the agent’s updatedInput', async () => {
    const agent = recording(allow({ c: 'ls', limited: true }));
    const call = recording(allow());
    const decision = await narrowCanUseTool(agent.callback, call.callback)?.('Bash', { c: 'ls' }, context());
    expect(call.asked).toEqual([{ c: 'ls', limited: true }]);
    expect(decision).toEqual({ behavior: 'allow', updatedInput: { c: 'ls', limited: true } });
  });

  it('lets the call’s callback deny what the agent allows', async () => {
    const decision = await narrowCanUseTool(allow(), deny('the user says no'))?.('Bash', {}, context());
    expect(decision).toEqual({ behavior: 'deny', message: 'the user says no' });
  });

  it('sends input the call’s callback changed back to the agent’s, which may refuse it', async () => {
    const agent = recording((input) =>
      input.c === 'rm -rf /' ? { behavior: 'deny', message: 'not that' } : { behavior: 'allow' },
    );
    const widen = narrowCanUseTool(agent.callback, allow({ c: 'rm -rf /' }));
    expect(await widen?.('Bash', { c: 'ls' }, context())).toEqual({ behavior: 'deny', message: 'not that' });
    expect(agent.asked).toEqual([{ c: 'ls' }, { c: 'rm -rf /' }]);

    const narrow = narrowCanUseTool(agent.callback, allow({ c: 'ls -l' }));
    expect(await narrow?.('Bash', { c: 'ls' }, context())).toEqual({
      behavior: 'allow',
      updatedInput: { c: 'ls -l' },
    });
  });

  it('does not ask the call’s callback about a request abandoned while the agent’s decided', async () => {
    const controller = new AbortController();
    const call = recording(allow());
    const agent: CanUseTool = () => {
      controller.abort();
      return { behavior: 'allow' };
    };
    const decision = await narrowCanUseTool(agent, call.callback)?.(
      'Bash',
      {},
      { ...context(), signal: controller.signal },
    );
    expect(decision?.behavior).toBe('deny');
    expect(call.asked).toEqual([]);
  });

  it('uses the one callback there is, or none', () => {
    const only: CanUseTool = allow();
    expect(narrowCanUseTool(only, undefined)).toBe(only);
    expect(narrowCanUseTool(undefined, only)).toBe(only);
    expect(narrowCanUseTool(undefined, undefined)).toBeUndefined();
  });
});
