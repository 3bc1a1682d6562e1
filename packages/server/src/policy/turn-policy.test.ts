import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { UserPatterns } from '../auth/user-patterns.js';
import { HttpError } from '../errors/http-error.js';
import { resolveTurnOverrides, widerMode } from './turn-policy.js';

function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    keyName: 'k',
    tenant: 'k',
    users: new UserPatterns(['*']),
    maxPermissionMode: 'default',
    tools: ['Read', 'Grep', 'Glob'],
    projects: null,
    rateLimit: undefined,
    maxConcurrentTurns: undefined,
    ...overrides,
  };
}

const defaults = { permissionMode: 'default' as const, allowedTools: ['Read', 'Grep', 'Glob'] };

function refusal(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected a 403');
}

describe('resolveTurnOverrides', () => {
  it('always sets the mode and the tools, so a turn never inherits the agent’s wider ceiling', () => {
    expect(resolveTurnOverrides(principal(), defaults, undefined)).toEqual({
      permissionMode: 'default',
      allowedTools: ['Read', 'Grep', 'Glob'],
    });
  });

  it('narrows the server defaults to a key with a lower ceiling and fewer tools', () => {
    const narrow = principal({ maxPermissionMode: 'plan', tools: ['Read'] });
    expect(resolveTurnOverrides(narrow, defaults, undefined)).toEqual({
      permissionMode: 'plan',
      allowedTools: ['Read'],
    });
  });

  it('takes a narrower request and refuses a wider one, naming the field', () => {
    const ops = principal({ maxPermissionMode: 'acceptEdits', tools: ['Read', 'Bash'] });
    expect(
      resolveTurnOverrides(ops, defaults, { permission_mode: 'plan', allowed_tools: ['Bash(git:*)'] }),
    ).toMatchObject({ permissionMode: 'plan', allowedTools: ['Bash(git:*)'] });
    expect(
      refusal(() => resolveTurnOverrides(ops, defaults, { permission_mode: 'bypassPermissions' })).message,
    ).toBe('config.permission_mode: bypassPermissions is above what this key may use (acceptEdits)');
    const scoped = principal({ tools: ['Bash(git:*)'] });
    const refused = refusal(() => resolveTurnOverrides(scoped, defaults, { allowed_tools: ['Bash'] }));
    expect(refused).toMatchObject({
      status: 403,
      details: { field: 'config.allowed_tools', refused: ['Bash'] },
    });
  });

  it('passes the other settings through', () => {
    expect(
      resolveTurnOverrides(principal(), defaults, {
        model: 'haiku',
        disallowed_tools: ['Grep'],
        max_turns: 2,
        max_budget_usd: 0.5,
        append_system_prompt: 'Be brief.',
      }),
    ).toMatchObject({
      model: 'haiku',
      disallowedTools: ['Grep'],
      maxTurns: 2,
      maxBudgetUsd: 0.5,
      appendSystemPrompt: 'Be brief.',
    });
  });
});

describe('widerMode', () => {
  it('picks the mode that lets more through', () => {
    expect(widerMode('default', 'acceptEdits')).toBe('acceptEdits');
    expect(widerMode('bypassPermissions', 'plan')).toBe('bypassPermissions');
    expect(widerMode('plan', 'dontAsk')).toBe('dontAsk');
  });
});
