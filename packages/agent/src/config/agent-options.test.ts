import { InvalidConfigError } from '@claude-code-server/core';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent.js';
import { InvalidAgentInputError } from '../errors.js';
import { type ClaudeAgentOptions, resolveAgentOptions } from './agent-options.js';

const store = createMemorySessionStore();

/** The field an invalid option is reported under. */
function invalidField(options: Partial<ClaudeAgentOptions>): string {
  try {
    resolveAgentOptions({ store, ...options });
  } catch (error) {
    if (error instanceof InvalidAgentInputError || error instanceof InvalidConfigError) return error.field;
    throw error;
  }
  throw new Error('expected the options to be rejected');
}

describe('resolveAgentOptions', () => {
  // A delay longer than a Node timer takes fires at once: a debounce that never waits, a pool that
  // closes every process as soon as it is idle, a turn interrupted as soon as it starts.
  it('refuses delays longer than a Node timer can wait, naming the field', () => {
    expect(invalidField({ debounceMs: 2 ** 31 })).toBe('debounceMs');
    expect(invalidField({ pool: { idleTimeoutMs: 2 ** 31 } })).toBe('pool.idleTimeoutMs');
    expect(invalidField({ config: { timeoutMs: 2 ** 31 } })).toBe('config.timeoutMs');
    expect(resolveAgentOptions({ store, debounceMs: 2_147_483_647 }).debounceMs).toBe(2_147_483_647);
  });

  it('refuses a close() grace period longer than a Node timer can wait, and closes with a valid one', async () => {
    const agent = new ClaudeAgent({ store });
    await expect(agent.close({ graceMs: 2 ** 31 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'graceMs',
    });
    await expect(agent.close({ graceMs: -1 })).rejects.toMatchObject({ field: 'graceMs' });
    await agent.close({ graceMs: 0 });
  });

  it('chooses the config dir by core’s rule: the agent option, then config.configDir, then the config’s env', () => {
    const env = { CLAUDE_CONFIG_DIR: '/from-env' };
    const dirOf = (options: Partial<ClaudeAgentOptions>) => resolveAgentOptions({ store, ...options });
    expect(dirOf({ configDir: '/option', config: { configDir: '/config', env } }).configDir).toBe('/option');
    const fromConfig = dirOf({ config: { configDir: '/config', env } });
    expect(fromConfig.configDir).toBe('/config');
    // The CLI gets the same dir the agent reads transcripts from.
    expect(fromConfig.config.configDir).toBe('/config');
    expect(dirOf({ config: { env } }).configDir).toBe('/from-env');
  });

  it('bounds admission by the pool: turn slots default to pool.maxLive and may not exceed it', () => {
    const resolved = resolveAgentOptions({ store, pool: { maxLive: 3 } });
    expect(resolved).toMatchObject({ maxConcurrentTurns: 3, maxQueue: 100, maxQueuePerSession: 50 });
    expect(
      resolveAgentOptions({ store, pool: { maxLive: 3 }, maxConcurrentTurns: 2 }).maxConcurrentTurns,
    ).toBe(2);
    expect(invalidField({ pool: { maxLive: 3 }, maxConcurrentTurns: 4 })).toBe('maxConcurrentTurns');
    expect(invalidField({ maxQueue: -1 })).toBe('maxQueue');
    // The pool has no queue of its own to configure any more: admission's maxQueue is the one.
    expect(invalidField({ pool: { maxQueue: 10 } as never })).toBe('pool');
  });

  it('takes a memory budget for the pool in bytes, refusing anything else under its name', () => {
    const budget = 8 * 1024 ** 3;
    expect(resolveAgentOptions({ store, pool: { maxMemoryBytes: budget } }).pool.maxMemoryBytes).toBe(budget);
    expect(resolveAgentOptions({ store }).pool.maxMemoryBytes).toBeUndefined();
    for (const maxMemoryBytes of [0, -1, 1.5, '8gb']) {
      expect(invalidField({ pool: { maxMemoryBytes } as never })).toBe('pool.maxMemoryBytes');
    }
  });
});
