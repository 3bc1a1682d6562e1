import { describe, expect, it } from 'vitest';
import { InvalidAgentInputError, OverrideNotAllowedError } from '../errors.js';
import { applyOverrides } from './overrides.js';

function refusal(fn: () => unknown): OverrideNotAllowedError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OverrideNotAllowedError);
    return error as OverrideNotAllowedError;
  }
  throw new Error('expected OverrideNotAllowedError');
}

describe('applyOverrides', () => {
  it('lets a call lower the permission mode and refuses raising it', () => {
    const base = { permissionMode: 'acceptEdits' as const };
    expect(applyOverrides(base, { permissionMode: 'plan' }, undefined).permissionMode).toBe('plan');
    expect(applyOverrides(base, { permissionMode: 'default' }, undefined).permissionMode).toBe('default');
    const error = refusal(() => applyOverrides(base, { permissionMode: 'bypassPermissions' }, undefined));
    expect(error.field).toBe('permissionMode');
    expect(error.code).toBe('OVERRIDE_NOT_ALLOWED');
  });

  it('treats a config without a permission mode as default', () => {
    expect(refusal(() => applyOverrides({}, { permissionMode: 'acceptEdits' }, undefined)).field).toBe(
      'permissionMode',
    );
    expect(applyOverrides({}, { permissionMode: 'plan' }, undefined).permissionMode).toBe('plan');
  });

  it('allows only a subset of the allowed tools, narrower patterns included', () => {
    const base = { allowedTools: ['Read', 'Bash'] };
    expect(applyOverrides(base, { allowedTools: ['Read'] }, undefined).allowedTools).toEqual(['Read']);
    expect(applyOverrides(base, { allowedTools: ['Bash(git:*)'] }, undefined).allowedTools).toEqual([
      'Bash(git:*)',
    ]);
    const error = refusal(() => applyOverrides(base, { allowedTools: ['Read', 'Write'] }, undefined));
    expect(error.field).toBe('allowedTools');
    expect(error.message).toContain('Write');
    expect(
      refusal(() => applyOverrides({ allowedTools: ['Bash(git:*)'] }, { allowedTools: ['Bash'] }, undefined))
        .field,
    ).toBe('allowedTools');
  });

  it('refuses allowed tools when the agent pre-approves none', () => {
    expect(refusal(() => applyOverrides({}, { allowedTools: ['Read'] }, undefined)).field).toBe(
      'allowedTools',
    );
  });

  it('adds disallowed tools to the agent ones', () => {
    const config = applyOverrides(
      { disallowedTools: ['Bash'] },
      { disallowedTools: ['Write', 'Bash'] },
      undefined,
    );
    expect(config.disallowedTools).toEqual(['Bash', 'Write']);
  });

  it('caps turns and budget at the agent limits', () => {
    const base = { maxTurns: 5, maxBudgetUsd: 1 };
    expect(applyOverrides(base, { maxTurns: 2, maxBudgetUsd: 0.5 }, undefined)).toMatchObject({
      maxTurns: 2,
      maxBudgetUsd: 0.5,
    });
    expect(refusal(() => applyOverrides(base, { maxTurns: 6 }, undefined)).field).toBe('maxTurns');
    expect(refusal(() => applyOverrides(base, { maxBudgetUsd: 2 }, undefined)).field).toBe('maxBudgetUsd');
  });

  it('appends a system prompt after the agent one, never replacing it', () => {
    const config = applyOverrides(
      { appendSystemPrompt: 'Be safe.' },
      { appendSystemPrompt: 'Be brief.' },
      undefined,
    );
    expect(config.appendSystemPrompt).toBe('Be safe.\n\nBe brief.');
  });

  it('checks the model against allowedModels when given', () => {
    expect(applyOverrides({}, { model: 'haiku' }, undefined).model).toBe('haiku');
    expect(applyOverrides({}, { model: 'haiku' }, ['haiku', 'sonnet']).model).toBe('haiku');
    expect(refusal(() => applyOverrides({}, { model: 'opus' }, ['haiku'])).field).toBe('model');
  });

  it('names fields that cannot be overridden at all', () => {
    expect(refusal(() => applyOverrides({}, { cwd: '/etc' }, undefined)).field).toBe('cwd');
    expect(refusal(() => applyOverrides({}, { systemPrompt: 'x' }, undefined)).field).toBe('systemPrompt');
  });

  it('names a malformed value', () => {
    expect(() => applyOverrides({}, { maxTurns: -1 }, undefined)).toThrow(InvalidAgentInputError);
    expect(() => applyOverrides({}, { permissionMode: 'godMode' }, undefined)).toThrow(
      expect.objectContaining({ field: 'overrides.permissionMode' }),
    );
  });
});
