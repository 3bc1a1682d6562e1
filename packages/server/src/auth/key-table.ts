import { timingSafeEqual } from 'node:crypto';
import type { ParsedServerConfig } from '../options/config-schema.js';
import { sha256 } from './digest.js';
import { ANONYMOUS_TENANT, type Principal } from './principal.js';
import { UserPatterns } from './user-patterns.js';

interface KeyEntry {
  digest: Buffer;
  principal: Principal;
}

type AuthInputs = Pick<ParsedServerConfig, 'auth' | 'claude' | 'limits'>;

/**
 * The configured API keys, kept only as SHA-256 digests. A presented key is hashed and compared with
 * every entry in constant time, so neither the match nor its position leaks through timing.
 */
export class KeyTable {
  private readonly entries: KeyEntry[];
  /** The principal of every request when auth is off; null when keys are required. */
  readonly anonymous: Principal | null;

  /**
   * `operatorTools`: the plugins' tool names, which every key may use unless its `tools` lists
   * fewer (like `claude.allowed_tools`).
   */
  constructor(config: AuthInputs, operatorTools: readonly string[] = []) {
    const { auth, claude, limits } = config;
    const defaultTools = [...claude.allowed_tools, ...operatorTools];
    if (auth === 'none') {
      this.entries = [];
      this.anonymous = {
        keyName: null,
        tenant: ANONYMOUS_TENANT,
        users: new UserPatterns(['*']),
        maxPermissionMode: claude.permission_mode,
        tools: defaultTools,
        projects: null,
        rateLimit: limits.rate_limit,
        maxConcurrentTurns: undefined,
      };
      return;
    }
    this.anonymous = null;
    this.entries = auth.keys.map((key) => ({
      digest: Buffer.from(key.sha256 ?? sha256(key.key ?? ''), 'hex'),
      principal: {
        keyName: key.name,
        tenant: key.tenant ?? key.name,
        users: new UserPatterns(key.users),
        maxPermissionMode: key.max_permission_mode ?? claude.permission_mode,
        tools: key.tools ?? defaultTools,
        projects: key.projects === undefined || key.projects.includes('*') ? null : new Set(key.projects),
        rateLimit: key.rate_limit ?? limits.rate_limit,
        maxConcurrentTurns: key.max_concurrent_turns,
      },
    }));
  }

  /** Every principal a request can be (for the agent's limits and the task sweep). */
  get principals(): Principal[] {
    return this.anonymous ? [this.anonymous] : this.entries.map((entry) => entry.principal);
  }

  /** The principal whose key this is, or null. */
  lookup(presented: string): Principal | null {
    const digest = Buffer.from(sha256(presented), 'hex');
    let found: Principal | null = null;
    for (const entry of this.entries) {
      // Every entry is compared, match or not.
      if (timingSafeEqual(digest, entry.digest) && found === null) found = entry.principal;
    }
    return found;
  }
}
