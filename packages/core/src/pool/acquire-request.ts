import type { ClaudeConfig } from '../config.js';
import { InvalidConfigError } from '../errors.js';
import type { SessionExtensions } from '../session/extensions.js';
import { spawnFingerprint } from '../session/fingerprint.js';
import { mergeConfig } from './options.js';

/** Per-call choices of `acquire`. */
export interface AcquireOptions {
  /** Continue this Claude session id (default: the key's live or remembered conversation, else a new one). */
  resume?: string;
  /** Config fields for this call, over the pool's config. A live process with another spawn config is restarted (by resume) with this one. */
  config?: ClaudeConfig;
  /** Stop waiting for a slot. */
  signal?: AbortSignal;
}

/** One validated `acquire` call. */
export interface AcquireRequest {
  key: string;
  resume: string | undefined;
  config: ClaudeConfig;
  /** Of `config`: a live process with another one must be restarted. */
  fingerprint: string;
}

/**
 * Validates an `acquire` call over the pool's `base` config; InvalidConfigError names the bad field.
 * `keyHolding` tells which key's conversation a session id is, so one conversation stays in one process.
 */
export function toAcquireRequest(
  key: string,
  options: AcquireOptions,
  base: ClaudeConfig,
  extensions: SessionExtensions,
  keyHolding: (sessionId: string) => string | undefined,
): AcquireRequest {
  if (typeof key !== 'string' || key === '')
    throw new InvalidConfigError('key', 'must be a non-empty string');
  if (options.resume !== undefined && (typeof options.resume !== 'string' || options.resume === '')) {
    throw new InvalidConfigError('resume', 'must be a non-empty string');
  }
  const holder = options.resume === undefined ? undefined : keyHolding(options.resume);
  if (holder !== undefined && holder !== key) {
    // Two processes appending to one transcript would interleave it.
    throw new InvalidConfigError(
      'resume',
      `Claude session ${options.resume} is live, starting or remembered under another key (discard that key first)`,
    );
  }
  const config = mergeConfig(base, options.config);
  return { key, resume: options.resume, config, fingerprint: spawnFingerprint(config, extensions) };
}
