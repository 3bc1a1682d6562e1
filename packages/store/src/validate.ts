import { z } from 'zod';
import { InvalidInputError } from './errors.js';
import {
  leaseOwnerSchema,
  sessionIdSchema,
  taskIdSchema,
  taskOwnerSchema,
  transcriptSchema,
  userIdSchema,
} from './field-schemas.js';
import {
  appendMessageInputSchema,
  createSessionInputSchema,
  createTaskInputSchema,
  leaseSchema,
  leaseTtlMsSchema,
  messagePageOptionsSchema,
  sessionListOptionsSchema,
  sessionTtlMsSchema,
  sessionUpdateSchema,
  taskListOptionsSchema,
  taskUpdateSchema,
} from './input-schemas.js';
import type { Lease, SessionUpdate, TaskUpdate } from './types.js';

/**
 * Parses `value` with `schema`, or throws InvalidInputError naming where it is wrong: `field` for the
 * value itself, the issue's path for a part of it (`usage.inputTokens`, `metadata.tags[2]`), under
 * `field` when `partsUnderField` (`lease.owner`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  field: string,
  partsUnderField = false,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = partsUnderField ? [field, ...issue.path] : issue.path;
  throw new InvalidInputError(path.length === 0 ? field : z.core.toDotPath(path), issue.message);
}

export type NormalizedCreateSessionInput = z.output<typeof createSessionInputSchema>;
export type NormalizedAppendMessageInput = z.output<typeof appendMessageInputSchema>;
export type NormalizedMessagePageOptions = z.output<typeof messagePageOptionsSchema>;
export type NormalizedSessionListOptions = z.output<typeof sessionListOptionsSchema>;
export type NormalizedCreateTaskInput = z.output<typeof createTaskInputSchema>;
export type NormalizedTaskListOptions = z.output<typeof taskListOptionsSchema>;

/** A session id: 1..256 characters of [A-Za-z0-9._:@-], starting with a letter or digit. */
export function validateSessionId(id: unknown, field = 'sessionId'): string {
  return parseInput(sessionIdSchema, id, field);
}

/** A user id: 1..256 characters, no control characters. */
export function validateUserId(userId: unknown, field = 'userId'): string {
  return parseInput(userIdSchema, userId, field);
}

/** The `ttlMs` store option: undefined (never expire) or an integer 1..ten years. */
export function validateTtlMs(ttlMs: unknown): number | undefined {
  return parseInput(sessionTtlMsSchema, ttlMs, 'ttlMs');
}

/** Checks a createSession / getOrCreateSession input; absent fields become null / {}. */
export function validateCreateSessionInput(input: unknown): NormalizedCreateSessionInput {
  return parseInput(createSessionInputSchema, input, 'input');
}

/** Checks an updateSession argument; keys left undefined stay undefined (unchanged). */
export function validateSessionUpdate(update: unknown): SessionUpdate {
  return parseInput(sessionUpdateSchema, update, 'update');
}

/** Checks an appendMessage input: role, content up to 16 MiB, usage, cost, metadata, createdAt. */
export function validateAppendMessageInput(message: unknown): NormalizedAppendMessageInput {
  return parseInput(appendMessageInputSchema, message, 'message');
}

/** limit 1..1000 (default 50); `before` >= 1 or `after` >= 0, integers, not both. */
export function validateMessagePageOptions(options: unknown): NormalizedMessagePageOptions {
  return parseInput(messagePageOptionsSchema, options, 'options');
}

/** limit 1..200 (default 50); `cursor` decoded (an invalid one throws InvalidInputError('cursor')). */
export function validateSessionListOptions(options: unknown): NormalizedSessionListOptions {
  return parseInput(sessionListOptionsSchema, options, 'options');
}

/** A whole transcript or one appended chunk: a string up to 64 MiB (may be empty). */
export function validateTranscript(text: unknown, field = 'transcript'): string {
  return parseInput(transcriptSchema, text, field);
}

/** Checks acquireLease / renewLease arguments: owner 1..256 characters, ttlMs 1..3,600,000. */
export function validateLeaseRequest(owner: unknown, ttlMs: unknown): { owner: string; ttlMs: number } {
  return {
    owner: parseInput(leaseOwnerSchema, owner, 'owner'),
    ttlMs: parseInput(leaseTtlMsSchema, ttlMs, 'ttlMs'),
  };
}

/** Checks a Lease handed back to renewLease / releaseLease. */
export function validateLease(lease: unknown): Lease {
  return parseInput(leaseSchema, lease, 'lease', true);
}

/** Checks a createTask input: id (session id rules), owner, data (metadata rules, default {}). */
export function validateCreateTaskInput(input: unknown): NormalizedCreateTaskInput {
  return parseInput(createTaskInputSchema, input, 'input');
}

/** Whose tasks: 1..256 characters, no control characters. */
export function validateTaskOwner(owner: unknown): string {
  return parseInput(taskOwnerSchema, owner, 'owner');
}

/** Checks the owner and id of a task call. */
export function validateTaskKey(owner: unknown, taskId: unknown): { owner: string; taskId: string } {
  return { owner: validateTaskOwner(owner), taskId: parseInput(taskIdSchema, taskId, 'taskId') };
}

/** Checks an updateTask argument: data (metadata rules), result (up to 16 MiB, or null). */
export function validateTaskUpdate(update: unknown): TaskUpdate {
  return parseInput(taskUpdateSchema, update, 'update');
}

/** limit 1..200 (default 50); `cursor` as returned by the previous page. */
export function validateTaskListOptions(options: unknown): NormalizedTaskListOptions {
  return parseInput(taskListOptionsSchema, options, 'options');
}
