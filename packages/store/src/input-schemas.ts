import { z } from 'zod';
import {
  describe,
  integerSchema,
  leaseOwnerSchema,
  messageContentSchema,
  metadataSchema,
  sessionIdSchema,
  taskIdSchema,
  taskOwnerSchema,
  taskResultSchema,
  userIdSchema,
} from './field-schemas.js';
import { STORE_LIMITS } from './limits.js';
import { sessionCursorSchema } from './session-cursor.js';
import { taskCursorSchema } from './task-cursor.js';
import type { Metadata } from './types.js';

// The arguments of the contract's calls, normalised: defaults filled, unknown keys dropped, metadata
// deep-copied, so a store may keep what it gets. The skeleton (BackedSessionStore) parses with these.

const objectOf = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.object(shape, { error: (issue) => `must be an object, got ${describe(issue.input)}` });
const MAX = Number.MAX_SAFE_INTEGER;
/** A fresh copy the store may keep: nothing is shared with the caller's object. */
const storedMetadata = metadataSchema.transform((value) => JSON.parse(JSON.stringify(value)) as Metadata);
const optionalId = sessionIdSchema.nullish();
const nullWhenAbsent = <T>(value: T | null | undefined): T | null => value ?? null;

export const createSessionInputSchema = objectOf({
  id: sessionIdSchema,
  userId: userIdSchema,
  claudeSessionId: optionalId.transform(nullWhenAbsent),
  project: optionalId.transform(nullWhenAbsent),
  metadata: storedMetadata.optional().transform((metadata) => metadata ?? {}),
});

/** Keys left undefined stay undefined (unchanged); null clears. */
export const sessionUpdateSchema = objectOf({
  claudeSessionId: optionalId,
  project: optionalId,
  metadata: storedMetadata.optional(),
});

const ROLES = ['user', 'assistant', 'system'] as const;
const USAGE_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheCreationInputTokens',
  'cacheReadInputTokens',
] as const;
const tokenCount = integerSchema(0, MAX).optional();

const usageSchema = z
  .record(z.string(), z.unknown(), {
    error: (issue) => `must be an object or null, got ${describe(issue.input)}`,
  })
  .check((payload) => {
    const unknown = Object.keys(payload.value).find(
      (key) => !(USAGE_FIELDS as readonly string[]).includes(key),
    );
    if (unknown === undefined) return;
    const message = `is not a usage field (${USAGE_FIELDS.join(', ')})`;
    payload.issues.push({ code: 'custom', message, input: payload.value, path: [unknown] });
  })
  .pipe(
    z.object({
      inputTokens: tokenCount,
      outputTokens: tokenCount,
      cacheCreationInputTokens: tokenCount,
      cacheReadInputTokens: tokenCount,
    }),
  );

const costError = (issue: { input?: unknown }) =>
  `must be a finite number >= 0 or null, got ${describe(issue.input)}`;

export const appendMessageInputSchema = objectOf({
  role: z.enum(ROLES, {
    error: (issue) => `must be one of ${ROLES.join(', ')}, got ${describe(issue.input)}`,
  }),
  content: messageContentSchema,
  usage: usageSchema.nullish().transform(nullWhenAbsent),
  costUsd: z.number({ error: costError }).min(0, { error: costError }).nullish().transform(nullWhenAbsent),
  metadata: storedMetadata.nullish().transform(nullWhenAbsent),
  /** Undefined: the store stamps its own "now". */
  createdAt: integerSchema(0, MAX).optional(),
});

/** limit 1..1000 (default 50); `before` >= 1 or `after` >= 0, integers, not both. */
export const messagePageOptionsSchema = objectOf({
  limit: integerSchema(1, STORE_LIMITS.messagePageMaxLimit).default(STORE_LIMITS.messagePageDefaultLimit),
  before: integerSchema(1, MAX).optional(),
  after: integerSchema(0, MAX).optional(),
})
  .check((payload) => {
    if (payload.value.before === undefined || payload.value.after === undefined) return;
    const message = 'cannot be combined with after';
    payload.issues.push({ code: 'custom', message, input: payload.value, path: ['before'] });
  })
  .prefault({});

/** limit 1..200 (default 50); `cursor` decoded (null for the first page). */
export const sessionListOptionsSchema = objectOf({
  limit: integerSchema(1, STORE_LIMITS.sessionPageMaxLimit).default(STORE_LIMITS.sessionPageDefaultLimit),
  cursor: sessionCursorSchema.optional(),
})
  .transform(({ limit, cursor }) => ({ limit, cursor: cursor ?? null }))
  .prefault({});

/** A Lease handed back to renewLease / releaseLease. */
export const leaseSchema = objectOf({
  sessionId: sessionIdSchema,
  owner: leaseOwnerSchema,
  token: integerSchema(1, MAX),
  expiresAt: integerSchema(0, MAX),
});

/** The time limit of a lease: 1..3,600,000 ms. */
export const leaseTtlMsSchema = integerSchema(1, STORE_LIMITS.leaseMaxTtlMs);

/** The `ttlMs` store option: undefined (never expire) or an integer 1..ten years. */
export const sessionTtlMsSchema = integerSchema(1, STORE_LIMITS.sessionMaxTtlMs).optional();

export const createTaskInputSchema = objectOf({
  id: taskIdSchema,
  owner: taskOwnerSchema,
  data: storedMetadata.optional().transform((data) => data ?? {}),
});

/** Keys left undefined stay unchanged; `result: null` clears the result. */
export const taskUpdateSchema = objectOf({
  data: storedMetadata.optional(),
  result: taskResultSchema.nullable().optional(),
});

/** limit 1..200 (default 50); `cursor` decoded to the id the page starts after (null: the first page). */
export const taskListOptionsSchema = objectOf({
  limit: integerSchema(1, STORE_LIMITS.taskPageMaxLimit).default(STORE_LIMITS.taskPageDefaultLimit),
  cursor: taskCursorSchema.optional(),
})
  .transform(({ limit, cursor }) => ({ limit, after: cursor ?? null }))
  .prefault({});
