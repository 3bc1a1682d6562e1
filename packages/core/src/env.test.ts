import { describe, expect, it } from 'vitest';
import { chosenConfigDir, claudeConfigDir } from './config-dir.js';
import { buildChildEnv, CHILD_ENTRYPOINT } from './env.js';

describe('buildChildEnv', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    CLAUDECODE: '1',
    CLAUDE_CODE_ENTRYPOINT: 'cli',
    CLAUDE_CODE_SESSION_ID: 'parent-session',
  };

  it('strips the markers of a surrounding Claude Code session and names our entrypoint', () => {
    const env = buildChildEnv({}, parent);
    expect(env.PATH).toBe('/usr/bin');
    expect(env.CLAUDECODE).toBeUndefined();
    expect(env.CLAUDE_CODE_SESSION_ID).toBeUndefined();
    expect(env.CLAUDE_CODE_ENTRYPOINT).toBe(CHILD_ENTRYPOINT);
  });

  it('sets CLAUDE_CONFIG_DIR from configDir', () => {
    expect(buildChildEnv({ configDir: '/tmp/cfg' }, parent).CLAUDE_CONFIG_DIR).toBe('/tmp/cfg');
  });

  it("lets the caller's env win over the parent's", () => {
    const env = buildChildEnv({ env: { CLAUDE_CONFIG_DIR: '/b', HOME: '/h' } }, parent);
    expect(env.CLAUDE_CONFIG_DIR).toBe('/b');
    expect(env.HOME).toBe('/h');
  });

  // One rule for the child and for every lookup (transcripts, the first-start lock): an explicit
  // configDir wins, else the config's env, else the parent's.
  it.each([
    ['configDir over env and parent', { configDir: '/a', env: { CLAUDE_CONFIG_DIR: '/b' } }, '/p', '/a'],
    ["the config's env over the parent's", { env: { CLAUDE_CONFIG_DIR: '/b' } }, '/p', '/b'],
    ["the parent's without either", {}, '/p', '/p'],
  ])('chooses the config dir by one rule: %s', (_, config, parentDir, expected) => {
    const parentEnv = { ...parent, CLAUDE_CONFIG_DIR: parentDir };
    expect(buildChildEnv(config, parentEnv).CLAUDE_CONFIG_DIR).toBe(expected);
    expect(chosenConfigDir(config, parentEnv)).toBe(expected);
  });

  it('finds transcripts where the child writes them', () => {
    const config = { configDir: '/a', env: { CLAUDE_CONFIG_DIR: '/b' } };
    expect(claudeConfigDir(config)).toBe(buildChildEnv(config, parent).CLAUDE_CONFIG_DIR);
    expect(claudeConfigDir(config)).toBe('/a');
  });
});
