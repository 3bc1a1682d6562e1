import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { describe, expect, it } from 'vitest';
import { buildAgentOptions } from './agent-factory.js';
import { serverConfigSchema } from './options/config-schema.js';
import { formatIssues, safeParsePlain } from './options/zod-issues.js';

const projects = { main: { path: '/srv/main' } };

function agentOptionsOf(agent: Record<string, unknown>, permissions: Record<string, unknown> = {}) {
  const config = serverConfigSchema.parse({ projects, agent, permissions });
  return buildAgentOptions({
    store: createMemorySessionStore(),
    claude: config.claude,
    agent: config.agent,
    limits: config.limits,
    permissions: config.permissions,
    cluster: config.cluster,
    principals: [],
    projectDirs: { main: '/srv/main' },
    defaultProject: 'main',
  });
}

describe('agent.max_memory', () => {
  it('is the pool budget of the agent the server builds, as a size or a number of bytes', () => {
    expect(agentOptionsOf({ max_memory: '8gb' }).pool?.maxMemoryBytes).toBe(8 * 1024 ** 3);
    expect(agentOptionsOf({ max_memory: '512mb' }).pool?.maxMemoryBytes).toBe(512 * 1024 ** 2);
    expect(agentOptionsOf({ max_memory: 1_000_000_000 }).pool?.maxMemoryBytes).toBe(1_000_000_000);
    expect(agentOptionsOf({}).pool).not.toHaveProperty('maxMemoryBytes');
  });

  it('refuses what is not a size, naming the key', () => {
    for (const max_memory of ['lots', 0, -1, true]) {
      const parsed = safeParsePlain(serverConfigSchema, { projects, agent: { max_memory } });
      expect(parsed.success).toBe(false);
      if (!parsed.success) expect(formatIssues(parsed.error)[0]).toMatch(/^agent\.max_memory: /);
    }
  });
});

describe('permissions.approval_timeout_ms', () => {
  it('denies first: the CLI-side permission timeout of the agent is later', () => {
    expect(agentOptionsOf({}, { approval_timeout_ms: 60_000 }).pool?.permissionTimeoutMs).toBeGreaterThan(
      60_000,
    );
  });
});
