import { describe, expect, it } from 'vitest';
import { parseClaudeConfig } from './config.js';
import { InvalidConfigError } from './errors.js';

function invalidField(input: unknown): string {
  try {
    parseClaudeConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).code).toBe('INVALID_CONFIG');
    return (error as InvalidConfigError).field;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseClaudeConfig', () => {
  it('accepts an empty config and undefined', () => {
    expect(parseClaudeConfig({})).toEqual({});
    expect(parseClaudeConfig(undefined)).toEqual({});
  });

  it('keeps every field it knows', () => {
    const config = {
      cliPath: '/usr/bin/claude',
      configDir: '/tmp/c',
      cwd: '/tmp',
      model: 'sonnet',
      fallbackModel: 'haiku',
      permissionMode: 'acceptEdits',
      allowedTools: ['Read', 'Bash(git *)'],
      disallowedTools: ['Write'],
      tools: ['Read'],
      systemPrompt: 'be brief',
      appendSystemPrompt: 'and kind',
      maxTurns: 3,
      maxBudgetUsd: 0.5,
      addDirs: ['/data'],
      mcpConfig: { mcpServers: {} },
      strictMcpConfig: true,
      settings: '/etc/claude.json',
      settingSources: ['user', 'project'],
      env: { FOO: 'bar' },
      includePartialMessages: true,
      jsonSchema: { type: 'object' },
      effort: 'high',
      outputFormat: 'json',
      timeoutMs: 1000,
    } as const;
    expect(parseClaudeConfig(config)).toEqual(config);
  });

  it('names the field that is wrong', () => {
    expect(invalidField({ permissionMode: 'yolo' })).toBe('permissionMode');
    expect(invalidField({ maxTurns: 0 })).toBe('maxTurns');
    expect(invalidField({ maxTurns: 1.5 })).toBe('maxTurns');
    expect(invalidField({ timeoutMs: -1 })).toBe('timeoutMs');
    // Longer than a Node timer can wait: it would fire at once and kill the run straight away.
    expect(invalidField({ timeoutMs: 2 ** 31 })).toBe('timeoutMs');
    expect(invalidField({ allowedTools: ['Read', ''] })).toBe('allowedTools.1');
    expect(invalidField({ env: { FOO: 1 } })).toBe('env.FOO');
    expect(invalidField({ effort: 'extreme' })).toBe('effort');
    expect(invalidField({ settingSources: ['global'] })).toBe('settingSources.0');
    expect(invalidField({ mcpConfig: 42 })).toBe('mcpConfig');
    expect(invalidField({ cwd: '' })).toBe('cwd');
  });

  it('accepts the longest timeout a Node timer can wait for', () => {
    expect(parseClaudeConfig({ timeoutMs: 2_147_483_647 })).toEqual({ timeoutMs: 2_147_483_647 });
    expect(() => parseClaudeConfig({ timeoutMs: 2 ** 31 })).toThrow(
      /timeoutMs: must be at most 2147483647 ms/,
    );
  });

  it('rejects unknown options by name, so a typo is not silently ignored', () => {
    expect(invalidField({ permisionMode: 'plan' })).toBe('permisionMode');
  });

  it('rejects a config that is not an object', () => {
    expect(invalidField('sonnet')).toBe('config');
  });

  it('says what was wrong in the message', () => {
    expect(() => parseClaudeConfig({ permissionMode: 'yolo' })).toThrow(/invalid config permissionMode: /);
  });
});
