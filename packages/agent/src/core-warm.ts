// Temporary: core's warm-session and pool modules, until core's index exports them.

export {
  type AcquireOptions,
  PooledSession,
  SessionPool,
  type SessionPoolStats,
} from '@claude-code-server/core/pool';
export {
  type CanUseTool,
  ClaudeSession,
  type PermissionDecision,
  spawnFingerprint,
} from '@claude-code-server/core/session';
