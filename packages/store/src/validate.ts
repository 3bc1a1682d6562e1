import { InvalidInputError } from './errors.js';
import { ID_PATTERN, STORE_LIMITS } from './limits.js';
import { checkMetadata } from './metadata-check.js';
import { decodeSessionCursor, type SessionCursor } from './session-cursor.js';
import {
  checkByteSize,
  checkInteger,
  checkLength,
  checkName,
  checkStorableString,
  describe,
  isPlainObject,
} from './text-checks.js';
import type { Lease, MessageRole, MessageUsage, Metadata, SessionUpdate } from './types.js';

// Edge checks shared by every store, so all of them reject the same inputs with the same
// InvalidInputError(field, problem). Each returns the input normalised (defaults filled, unknown keys
// dropped) as a fresh object the store may keep.

/** A session id: 1..256 characters of [A-Za-z0-9._:@-], starting with a letter or digit. */
export function validateSessionId(id: unknown, field = 'sessionId'): string {
  checkStorableString(id, field);
  checkLength(id, field, STORE_LIMITS.idMaxLength);
  if (!ID_PATTERN.test(id)) {
    throw new InvalidInputError(
      field,
      'must start with a letter or digit and use only A-Z a-z 0-9 . _ : @ -',
    );
  }
  return id;
}

/** A user id: 1..256 characters, no control characters. */
export function validateUserId(userId: unknown, field = 'userId'): string {
  checkName(userId, field, STORE_LIMITS.userIdMaxLength);
  return userId;
}

export interface NormalizedCreateSessionInput {
  id: string;
  userId: string;
  claudeSessionId: string | null;
  project: string | null;
  metadata: Metadata;
}

/** Checks a createSession / getOrCreateSession input; absent fields become null / {}. */
export function validateCreateSessionInput(input: unknown): NormalizedCreateSessionInput {
  const value = requireObject(input, 'input');
  return {
    id: validateSessionId(value.id, 'id'),
    userId: validateUserId(value.userId),
    claudeSessionId: optionalId(value.claudeSessionId, 'claudeSessionId') ?? null,
    project: optionalId(value.project, 'project') ?? null,
    metadata: value.metadata === undefined ? {} : copyMetadata(value.metadata, 'metadata'),
  };
}

/** Checks an updateSession argument; keys left undefined stay undefined (unchanged). */
export function validateSessionUpdate(update: unknown): SessionUpdate {
  const value = requireObject(update, 'update');
  const normalized: SessionUpdate = {};
  if (value.claudeSessionId !== undefined)
    normalized.claudeSessionId = optionalId(value.claudeSessionId, 'claudeSessionId');
  if (value.project !== undefined) normalized.project = optionalId(value.project, 'project');
  if (value.metadata !== undefined) normalized.metadata = copyMetadata(value.metadata, 'metadata');
  return normalized;
}

const ROLES: readonly MessageRole[] = ['user', 'assistant', 'system'];
const USAGE_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheCreationInputTokens',
  'cacheReadInputTokens',
] as const;

export interface NormalizedAppendMessageInput {
  role: MessageRole;
  content: string;
  usage: MessageUsage | null;
  costUsd: number | null;
  metadata: Metadata | null;
  /** Undefined: the store stamps its own "now". */
  createdAt: number | undefined;
}

/** Checks an appendMessage input: role, content up to 16 MiB, usage, cost, metadata, createdAt. */
export function validateAppendMessageInput(input: unknown): NormalizedAppendMessageInput {
  const value = requireObject(input, 'message');
  if (!ROLES.includes(value.role as MessageRole)) {
    throw new InvalidInputError('role', `must be one of ${ROLES.join(', ')}, got ${describe(value.role)}`);
  }
  checkStorableString(value.content, 'content');
  checkByteSize(value.content, 'content', STORE_LIMITS.messageContentMaxBytes);
  const costUsd = value.costUsd ?? null;
  if (costUsd !== null && (typeof costUsd !== 'number' || !Number.isFinite(costUsd) || costUsd < 0)) {
    throw new InvalidInputError('costUsd', `must be a finite number >= 0 or null, got ${describe(costUsd)}`);
  }
  if (value.createdAt !== undefined) checkInteger(value.createdAt, 'createdAt', 0, Number.MAX_SAFE_INTEGER);
  return {
    role: value.role as MessageRole,
    content: value.content,
    usage: validateUsage(value.usage),
    costUsd,
    metadata:
      value.metadata === undefined || value.metadata === null
        ? null
        : copyMetadata(value.metadata, 'metadata'),
    createdAt: value.createdAt,
  };
}

function validateUsage(usage: unknown): MessageUsage | null {
  if (usage === undefined || usage === null) return null;
  if (!isPlainObject(usage))
    throw new InvalidInputError('usage', `must be an object or null, got ${describe(usage)}`);
  for (const key of Object.keys(usage)) {
    if (!(USAGE_FIELDS as readonly string[]).includes(key)) {
      throw new InvalidInputError(`usage.${key}`, `is not a usage field (${USAGE_FIELDS.join(', ')})`);
    }
  }
  const normalized: MessageUsage = {};
  for (const key of USAGE_FIELDS) {
    const count = usage[key];
    if (count === undefined) continue;
    checkInteger(count, `usage.${key}`, 0, Number.MAX_SAFE_INTEGER);
    normalized[key] = count;
  }
  return normalized;
}

export interface NormalizedMessagePageOptions {
  limit: number;
  before?: number;
  after?: number;
}

/** limit 1..1000 (default 50); `before` >= 1 or `after` >= 0, integers, not both. */
export function validateMessagePageOptions(options: unknown): NormalizedMessagePageOptions {
  const value = options === undefined ? {} : requireObject(options, 'options');
  const limit = value.limit ?? STORE_LIMITS.messagePageDefaultLimit;
  checkInteger(limit, 'limit', 1, STORE_LIMITS.messagePageMaxLimit);
  const normalized: NormalizedMessagePageOptions = { limit };
  if (value.before !== undefined && value.after !== undefined) {
    throw new InvalidInputError('before', 'cannot be combined with after');
  }
  if (value.before !== undefined) {
    checkInteger(value.before, 'before', 1, Number.MAX_SAFE_INTEGER);
    normalized.before = value.before;
  }
  if (value.after !== undefined) {
    checkInteger(value.after, 'after', 0, Number.MAX_SAFE_INTEGER);
    normalized.after = value.after;
  }
  return normalized;
}

export interface NormalizedSessionListOptions {
  limit: number;
  /** Where the previous page ended; null for the first page. */
  cursor: SessionCursor | null;
}

/** limit 1..200 (default 50); `cursor` decoded (an invalid one throws InvalidInputError('cursor')). */
export function validateSessionListOptions(options: unknown): NormalizedSessionListOptions {
  const value = options === undefined ? {} : requireObject(options, 'options');
  const limit = value.limit ?? STORE_LIMITS.sessionPageDefaultLimit;
  checkInteger(limit, 'limit', 1, STORE_LIMITS.sessionPageMaxLimit);
  const cursor =
    value.cursor === undefined || value.cursor === null ? null : decodeSessionCursor(value.cursor);
  return { limit, cursor };
}

/** A whole transcript or one appended chunk: a string up to 64 MiB (may be empty). */
export function validateTranscript(text: unknown, field = 'transcript'): string {
  checkStorableString(text, field);
  checkByteSize(text, field, STORE_LIMITS.transcriptMaxBytes);
  return text;
}

/** Checks acquireLease / renewLease arguments: owner 1..256 characters, ttlMs 1..3,600,000. */
export function validateLeaseRequest(owner: unknown, ttlMs: unknown): { owner: string; ttlMs: number } {
  checkName(owner, 'owner', STORE_LIMITS.leaseOwnerMaxLength);
  checkInteger(ttlMs, 'ttlMs', 1, STORE_LIMITS.leaseMaxTtlMs);
  return { owner, ttlMs };
}

/** Checks a Lease handed back to renewLease / releaseLease. */
export function validateLease(lease: unknown): Lease {
  const value = requireObject(lease, 'lease');
  const sessionId = validateSessionId(value.sessionId, 'lease.sessionId');
  checkName(value.owner, 'lease.owner', STORE_LIMITS.leaseOwnerMaxLength);
  checkInteger(value.token, 'lease.token', 1, Number.MAX_SAFE_INTEGER);
  checkInteger(value.expiresAt, 'lease.expiresAt', 0, Number.MAX_SAFE_INTEGER);
  return { sessionId, owner: value.owner, token: value.token, expiresAt: value.expiresAt };
}

/** The `ttlMs` store option: undefined (never expire) or an integer 1..ten years. */
export function validateTtlMs(ttlMs: unknown): number | undefined {
  if (ttlMs === undefined) return undefined;
  checkInteger(ttlMs, 'ttlMs', 1, STORE_LIMITS.sessionMaxTtlMs);
  return ttlMs;
}

function optionalId(value: unknown, field: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  return validateSessionId(value, field);
}

function copyMetadata(value: unknown, field: string): Metadata {
  checkMetadata(value, field);
  return JSON.parse(JSON.stringify(value)) as Metadata;
}

function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(field, `must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}
