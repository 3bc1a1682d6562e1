import { createHash } from 'node:crypto';
import type { ClaudeConfig } from '../config.js';
import { extensionsFingerprint, type SessionExtensions } from './extensions.js';

/** Config fields that only shape how one turn is read, not how the process is spawned. */
const PER_TURN_FIELDS = new Set<keyof ClaudeConfig>(['timeoutMs', 'outputFormat']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * A short hash of everything in a config that is fixed when the process starts (cwd, tools, permission
 * mode, model, env, config dir...) and of the in-process tool servers and hooks. Two configs with the same
 * fingerprint can share a warm process.
 */
export function spawnFingerprint(config: ClaudeConfig, extensions?: SessionExtensions): string {
  const spawnFields = Object.fromEntries(
    Object.entries(config).filter(([key]) => !PER_TURN_FIELDS.has(key as keyof ClaudeConfig)),
  );
  const hash = createHash('sha256').update(JSON.stringify(canonical(spawnFields)));
  // Tool servers and hooks are registered when the process starts: other ones need another process.
  if (extensions) hash.update(extensionsFingerprint(extensions));
  return hash.digest('hex').slice(0, 16);
}
