import type { PermissionMode } from '@claude-code-server/core';
import type { RateLimitConfig } from '../options/config-schema.js';
import type { UserPatterns } from './user-patterns.js';

/** The tenant of every request when the server runs without API keys. */
export const ANONYMOUS_TENANT = 'anonymous';

/** Who is calling and what they may do: an API key, or everyone when auth is off. */
export interface Principal {
  /** The key's name (null with auth: none); logged, never the key itself. */
  keyName: string | null;
  /** Sessions and tasks are namespaced by it. */
  tenant: string;
  users: UserPatterns;
  /** The highest permission mode a request may ask for. */
  maxPermissionMode: PermissionMode;
  /** Tools a request may pre-approve. */
  tools: readonly string[];
  /** Projects a request may use; null: all. */
  projects: ReadonlySet<string> | null;
  rateLimit: RateLimitConfig | undefined;
  /** Turns of this key running at once across the nodes (undefined: no limit of its own). */
  maxConcurrentTurns: number | undefined;
}
