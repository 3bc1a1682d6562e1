import { isDeepStrictEqual } from 'node:util';
import type { CanUseTool, PermissionDecision } from '@claude-code-server/core';

const ABANDONED: PermissionDecision = { behavior: 'deny', message: 'The permission request was abandoned.' };

/**
 * The permission callback of one turn: the agent's decides first and its deny is final; the call's is
 * asked only about what the agent allows, with the agent's `updatedInput`. Input the call's callback
 * changes goes back to the agent's for approval, so a call narrows what runs, never widens it.
 * Without an agent callback the call's decides alone (on what the config neither pre-approves nor
 * disallows).
 */
export function narrowCanUseTool(
  agentCallback: CanUseTool | undefined,
  callCallback: CanUseTool | undefined,
): CanUseTool | undefined {
  if (!agentCallback || !callCallback) return callCallback ?? agentCallback;
  return async (toolName, input, context) => {
    const byAgent = await agentCallback(toolName, input, context);
    if (byAgent?.behavior !== 'allow') return byAgent;
    const approved = byAgent.updatedInput ?? input;
    if (context.signal.aborted) return ABANDONED;
    const byCall = await callCallback(toolName, approved, context);
    if (byCall?.behavior !== 'allow') return byCall;
    const requested = byCall.updatedInput;
    if (requested === undefined || isDeepStrictEqual(requested, approved)) {
      return { behavior: 'allow', updatedInput: approved };
    }
    if (context.signal.aborted) return ABANDONED;
    // The call changed what would run: the agent has the last word on that too.
    const recheck = await agentCallback(toolName, requested, context);
    if (recheck?.behavior !== 'allow') return recheck;
    return { behavior: 'allow', updatedInput: recheck.updatedInput ?? requested };
  };
}
