import { describe, expect, it } from 'vitest';
import { buildArgs } from './argv.js';

/** The value following `flag`, or the `--flag=value` form. */
function flagValue(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  if (index !== -1) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

describe('buildArgs', () => {
  it('always prints stream-json in print mode', () => {
    expect(buildArgs({})).toEqual(['-p', '--output-format', 'stream-json', '--verbose']);
  });

  it('does not turn the user-facing outputFormat into a flag', () => {
    expect(buildArgs({ outputFormat: 'text' })).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
    ]);
  });

  it('maps every config field to its flag', () => {
    const args = buildArgs({
      model: 'sonnet',
      fallbackModel: 'haiku',
      effort: 'max',
      permissionMode: 'plan',
      tools: ['Read', 'Bash'],
      allowedTools: ['Read', 'Bash(git *)'],
      disallowedTools: ['Write', 'Edit'],
      systemPrompt: 'be brief',
      appendSystemPrompt: 'and kind',
      maxTurns: 4,
      maxBudgetUsd: 0.25,
      addDirs: ['/a', '/b'],
      mcpConfig: { mcpServers: { x: { command: 'x' } } },
      strictMcpConfig: true,
      settings: '/etc/s.json',
      settingSources: ['user', 'local'],
      includePartialMessages: true,
      jsonSchema: { type: 'object' },
    });
    expect(flagValue(args, '--model')).toBe('sonnet');
    expect(flagValue(args, '--fallback-model')).toBe('haiku');
    expect(flagValue(args, '--effort')).toBe('max');
    expect(flagValue(args, '--permission-mode')).toBe('plan');
    expect(flagValue(args, '--tools')).toBe('Read,Bash');
    expect(flagValue(args, '--allowedTools')).toBe('Read,Bash(git *)');
    expect(flagValue(args, '--disallowedTools')).toBe('Write,Edit');
    expect(flagValue(args, '--system-prompt')).toBe('be brief');
    expect(flagValue(args, '--append-system-prompt')).toBe('and kind');
    expect(flagValue(args, '--max-turns')).toBe('4');
    expect(flagValue(args, '--max-budget-usd')).toBe('0.25');
    expect(args.filter((arg) => arg === '--add-dir')).toHaveLength(2);
    expect(JSON.parse(flagValue(args, '--mcp-config')!)).toEqual({ mcpServers: { x: { command: 'x' } } });
    expect(args).toContain('--strict-mcp-config');
    expect(flagValue(args, '--settings')).toBe('/etc/s.json');
    expect(flagValue(args, '--setting-sources')).toBe('user,local');
    expect(args).toContain('--include-partial-messages');
    expect(JSON.parse(flagValue(args, '--json-schema')!)).toEqual({ type: 'object' });
  });

  it('leaves out what is not set, and false booleans', () => {
    const args = buildArgs({ strictMcpConfig: false, includePartialMessages: false, allowedTools: [] });
    expect(args).toEqual(['-p', '--output-format', 'stream-json', '--verbose']);
  });

  it('keeps an empty tools list and empty setting sources, which mean "none"', () => {
    const args = buildArgs({ tools: [], settingSources: [] });
    expect(flagValue(args, '--tools')).toBe('');
    expect(flagValue(args, '--setting-sources')).toBe('');
  });

  it('passes values that start with "-" as --flag=value so they cannot become flags', () => {
    const args = buildArgs({
      model: '--dangerously-skip-permissions',
      systemPrompt: '-p x',
      addDirs: ['-rf'],
    });
    expect(args).toContain('--model=--dangerously-skip-permissions');
    expect(args).toContain('--system-prompt=-p x');
    expect(args).toContain('--add-dir=-rf');
    expect(args).not.toContain('--dangerously-skip-permissions');
    expect(buildArgs({}, { resume: '-x' })).toContain('--resume=-x');
  });

  it('adds the per-run options', () => {
    const args = buildArgs(
      {},
      { resume: 'abc', forkSession: true, inputFormat: 'stream-json', permissionPromptTool: 'stdio' },
    );
    expect(flagValue(args, '--resume')).toBe('abc');
    expect(args).toContain('--fork-session');
    expect(flagValue(args, '--input-format')).toBe('stream-json');
    expect(flagValue(args, '--permission-prompt-tool')).toBe('stdio');
    expect(flagValue(buildArgs({}, { sessionId: 'u-1' }), '--session-id')).toBe('u-1');
  });

  it('never includes cliPath, cwd, env, configDir or timeout (they are not flags)', () => {
    const args = buildArgs({ cliPath: '/x', cwd: '/y', env: { A: 'b' }, configDir: '/z', timeoutMs: 5 });
    expect(args).toEqual(['-p', '--output-format', 'stream-json', '--verbose']);
  });
});
