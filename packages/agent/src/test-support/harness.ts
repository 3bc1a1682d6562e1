import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeAnthropic, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import type { SessionStore } from '@claude-code-server/store';
import { createMemorySessionStore, type MemorySessionStore } from '@claude-code-server/store-memory';
import { afterAll, beforeAll } from 'vitest';
import { ClaudeAgent } from '../agent.js';
import type { ClaudeAgentOptions } from '../config/agent-options.js';

/**
 * One fake Messages API and a temp root per test file. Agents made here run the real CLI with a
 * private config dir each (like separate machines) and stay small: one live process, no spares.
 */
export interface AgentHarness {
  fake: FakeAnthropic;
  root: string;
  /** A new empty directory under the root. */
  dir(name: string): Promise<string>;
  /** An agent on `store` with its own empty config dir; closed by `close()`. */
  agent(store: SessionStore, options?: Partial<ClaudeAgentOptions>): Promise<ClaudeAgent>;
  close(): Promise<void>;
}

let counter = 0;

/** Starts the fake with the name-memory rule and echo as the default answer. */
export async function startAgentHarness(): Promise<AgentHarness> {
  const fake = await startFakeAnthropic();
  fake.addRule(rules.memory);
  fake.setDefault((req) => ({ type: 'text', text: `echo: ${req.lastUserText}` }));
  const root = await mkdtemp(join(tmpdir(), 'agent-test-'));
  const agents: ClaudeAgent[] = [];
  const dir = async (name: string) => {
    const path = join(root, `${name}-${++counter}`);
    await mkdir(path, { recursive: true });
    return path;
  };
  return {
    fake,
    root,
    dir,
    async agent(store, options = {}) {
      const configDir = options.configDir ?? (await dir('config'));
      const cwd = options.config?.cwd ?? (await dir('work'));
      const agent = new ClaudeAgent({
        store,
        configDir,
        pool: { maxLive: 1, spares: 0 },
        ...options,
        config: {
          ...options.config,
          env: {
            ANTHROPIC_BASE_URL: fake.url,
            ANTHROPIC_API_KEY: 'test-key',
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
            // Bash runs login shells: keep the host user's profile (and its hooks) out of them.
            HOME: root,
            ...options.config?.env,
          },
          cwd,
        },
      });
      agents.push(agent);
      return agent;
    },
    async close() {
      await Promise.all(agents.map((a) => a.close()));
      await fake.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The texts of a page of messages, as `role: content`. */
export function transcriptOf(messages: ReadonlyArray<{ role: string; content: string }>): string[] {
  return messages.map((m) => `${m.role}: ${m.content}`);
}

/** A harness and a memory store for the enclosing `describe`, started before its tests and closed after. */
export function useAgentHarness(): { readonly h: AgentHarness; readonly store: MemorySessionStore } {
  const store = createMemorySessionStore();
  let harness: AgentHarness | undefined;
  beforeAll(async () => {
    harness = await startAgentHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await store.close();
  });
  return {
    get h() {
      if (!harness) throw new Error('the agent harness starts in beforeAll');
      return harness;
    },
    store,
  };
}
