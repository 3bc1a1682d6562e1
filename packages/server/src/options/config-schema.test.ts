import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../auth/digest.js';
import { serverConfigSchema } from './config-schema.js';
import { serverOptionsSchema } from './server-options.js';
import { formatIssues, safeParsePlain } from './zod-issues.js';

const projects = { main: { path: '/srv/main' }, docs: { path: '/srv/docs' } };

function problems(input: unknown): string[] {
  const parsed = safeParsePlain(serverConfigSchema, input);
  if (parsed.success) throw new Error('expected the config to be refused');
  return formatIssues(parsed.error);
}

describe('serverConfigSchema', () => {
  it('fills defaults: auth none, default mode with read-only tools, limits, tasks, log', () => {
    const config = serverConfigSchema.parse({ projects });
    expect(config.auth).toBe('none');
    expect(config.claude.permission_mode).toBe('default');
    expect(config.claude.allowed_tools).toEqual(['Read', 'Grep', 'Glob']);
    expect(config.limits).toMatchObject({ max_queue: 32, max_queue_per_session: 50, body_limit: '1mb' });
    // Turn slots follow the agent's process limit unless set.
    expect(config.limits.max_concurrent_turns).toBeUndefined();
    expect(config.log).toEqual({ level: 'info', include_content: false });
    expect(config.cors.origins).toEqual([]);
    expect(config.tasks.retention_ms).toBe(86_400_000);
  });

  it('names the key path and the allowed values of a bad enum', () => {
    const keys = [{ name: 'web', key: 'k'.repeat(20), max_permission_mode: 'godMode' }];
    expect(problems({ projects, auth: { keys } })).toEqual([
      'auth.keys[0].max_permission_mode: must be one of default, acceptEdits, bypassPermissions, plan, dontAsk, auto',
    ]);
  });

  it('reports the key inside `auth`, `mcp_config` and `agent` as zod issues (not "no union member matched")', () => {
    const keys = [{ name: 'web', key: 'k'.repeat(20), max_permission_mode: 'godMode' }];
    const auth = serverConfigSchema.safeParse({ projects, auth: { keys } });
    expect(auth.error?.issues).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: ['auth', 'keys', 0, 'max_permission_mode'] }),
    ]);
    expect(problems({ projects, auth: { key: [] } })).toEqual([
      'auth.keys: is required',
      'auth.key: is not a known key',
    ]);
    expect(problems({ projects, auth: 'off' })).toEqual(['auth: must be none or { keys: [...] }']);
    expect(problems({ projects, claude: { mcp_config: 5, settings: { a: 1 } } })).toEqual([
      'claude.mcp_config: must be a file path or an object',
    ]);
    expect(problems({ projects, limits: { body_limit: true } })).toEqual([
      'limits.body_limit: must be a number of bytes or a size such as 512kb or 1mb',
    ]);
    const store = createMemorySessionStore();
    const agent = serverOptionsSchema.safeParse({ projects, store, agent: { max_live: 'many' } });
    expect(agent.error?.issues).toEqual([
      expect.objectContaining({ path: ['agent', 'max_live'], message: 'must be a number' }),
    ]);
    expect(serverOptionsSchema.safeParse({ projects, store, agent: 5 }).error?.issues).toEqual([
      expect.objectContaining({ path: ['agent'], message: 'must be a ClaudeAgent or agent options' }),
    ]);
  });

  it('names unknown keys, missing keys and wrong types', () => {
    expect(problems({ projects, limits: { max_turns: 3 } })).toEqual([
      'limits.max_turns: is not a known key',
    ]);
    expect(problems({})).toEqual(['projects: is required']);
    expect(problems({ projects, limits: { max_queue: 'ten' } })).toEqual([
      'limits.max_queue: must be a number',
    ]);
  });

  it('keeps admission in limits: moved agent keys and more turn slots than processes are refused', () => {
    expect(problems({ projects, agent: { max_queue: 5, max_queue_per_session: 2 } })).toEqual([
      'agent.max_queue: has moved: set limits.max_queue instead',
      'agent.max_queue_per_session: has moved: set limits.max_queue_per_session instead',
    ]);
    expect(problems({ projects, agent: { max_live: 2 }, limits: { max_concurrent_turns: 3 } })).toEqual([
      'limits.max_concurrent_turns: must not be above agent.max_live (2): each running turn holds a CLI process',
    ]);
    expect(
      serverConfigSchema.safeParse({ projects, agent: { max_live: 3 }, limits: { max_concurrent_turns: 3 } })
        .success,
    ).toBe(true);
  });

  it('needs exactly one of key or sha256, a long enough key and a hex digest', () => {
    expect(problems({ projects, auth: { keys: [{ name: 'a' }] } })).toEqual([
      'auth.keys[0].key: give exactly one of key or sha256',
    ]);
    expect(problems({ projects, auth: { keys: [{ name: 'a', key: 'short' }] } })).toEqual([
      'auth.keys[0].key: must be at least 16 characters',
    ]);
    expect(problems({ projects, auth: { keys: [{ name: 'a', sha256: 'abc' }] } })).toEqual([
      'auth.keys[0].sha256: must be the SHA-256 of the key as 64 hex characters',
    ]);
  });

  it('refuses bypassPermissions unless the key allows it, and never as the default mode', () => {
    const key = { name: 'ops', key: 'o'.repeat(20), max_permission_mode: 'bypassPermissions' };
    expect(problems({ projects, auth: { keys: [key] } })).toEqual([
      'auth.keys[0].max_permission_mode: bypassPermissions needs allow_bypass: true on this key',
    ]);
    expect(
      serverConfigSchema.safeParse({ projects, auth: { keys: [{ ...key, allow_bypass: true }] } }).success,
    ).toBe(true);
    expect(problems({ projects, claude: { permission_mode: 'bypassPermissions' } })[0]).toMatch(
      /^claude.permission_mode: cannot be bypassPermissions/,
    );
  });

  it('checks references between keys: projects, duplicate names and duplicate secrets', () => {
    const secret = 's'.repeat(24);
    expect(
      problems({
        projects,
        default_project: 'nope',
        auth: {
          keys: [
            { name: 'a', key: secret, projects: ['main', 'wiki'] },
            { name: 'a', sha256: sha256(secret) },
          ],
        },
      }),
    ).toEqual([
      'default_project: unknown project "nope" (configured: main, docs)',
      'auth.keys[0].projects[1]: unknown project "wiki" (configured: main, docs)',
      'auth.keys[1].sha256: is the same key as auth.keys[0]',
      'auth.keys[1].name: duplicate of auth.keys[0].name',
    ]);
  });

  it('refuses project names that are paths', () => {
    expect(problems({ projects: { '../etc': { path: '/etc' } } })[0]).toMatch(
      /^projects\["\.\.\/etc"\]: must start with/,
    );
    expect(problems({ projects: {} })).toEqual(['projects: must name at least one project']);
  });

  it('keeps timeouts consistent and sizes readable', () => {
    expect(problems({ projects, limits: { default_timeout_ms: 10, max_timeout_ms: 5 } })).toEqual([
      'limits.default_timeout_ms: must not be above max_timeout_ms',
    ]);
    expect(problems({ projects, limits: { body_limit: 'huge' } })[0]).toMatch(/^limits.body_limit:/);
    // A Node timer fires at once past 2147483647 ms, so longer delays are refused up front.
    expect(
      problems({
        projects,
        limits: { sse_heartbeat_ms: 2_147_483_648 },
        tasks: { heartbeat_ms: 50 },
        agent: { lease_wait_ms: 3_000_000_000 },
      }),
    ).toEqual([
      'limits.sse_heartbeat_ms: must be at most 2147483647 ms (about 24.8 days)',
      'tasks.heartbeat_ms: must be at least 100',
      'agent.lease_wait_ms: must be at most 2147483647 ms (about 24.8 days)',
    ]);
    expect(serverConfigSchema.parse({ projects, agent: { lease_wait_ms: 0 } }).agent.lease_wait_ms).toBe(0);
  });

  it('names a task queue that is not one', () => {
    expect(problems({ projects, tasks: { queue: 'kafka' } })).toEqual([
      'tasks.queue: "kafka" is not a queue: must be one of auto, in-process, bullmq, pg-boss',
    ]);
    expect(problems({ projects, tasks: { concurrency: -1 } })[0]).toMatch(/^tasks.concurrency:/);
    expect(serverConfigSchema.parse({ projects }).tasks).toMatchObject({ queue: 'auto', concurrency: 16 });
  });
});
