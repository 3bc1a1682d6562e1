import { createHash } from 'node:crypto';
import type { CanUseTool, Hooks } from '@claude-code-server/core';
import { parseHooks } from '@claude-code-server/core/internal';
import {
  ID_PATTERN,
  InvalidInputError,
  STORE_LIMITS,
  validateSessionId,
  validateUserId,
} from '@claude-code-server/store';
import { checkTimerMs } from './config/timer-ms.js';
import { InvalidAgentInputError } from './errors.js';
import { AGENT_METADATA_KEY } from './session-state.js';
import type { AgentChatOptions, MessageMetaInput, SessionSelector } from './types.js';

/**
 * A user's default session id: `user_<userId>`, or `user_h_<hash>` when the user id has characters
 * a session id cannot (or is too long).
 */
export function sessionIdFor(userId: string): string {
  const plain = `user_${userId}`;
  if (ID_PATTERN.test(plain) && plain.length <= STORE_LIMITS.idMaxLength) return plain;
  return `user_h_${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;
}

/** Rethrows the store's edge check as the agent's error, naming the option. */
function checked<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw new InvalidAgentInputError(field, error.message.replace(/^invalid \S+: /, ''));
    }
    throw error;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkJsonObject(field: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new InvalidAgentInputError(field, 'must be a plain object');
  try {
    JSON.stringify(value);
  } catch {
    throw new InvalidAgentInputError(field, 'must be JSON-serialisable');
  }
  return value;
}

/** Content blocks: a list of JSON objects, each with a string `type`. */
function checkAttachments(value: unknown): Array<Record<string, unknown>> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidAgentInputError('options.attachments', 'must be a list');
  value.forEach((block: unknown, i) => {
    const field = `options.attachments[${i}]`;
    checkJsonObject(field, block);
    if (typeof (block as { type?: unknown }).type !== 'string') {
      throw new InvalidAgentInputError(`${field}.type`, 'must be a content block type such as image');
    }
  });
  return value.length > 0 ? (value as Array<Record<string, unknown>>) : undefined;
}

/** A chat call's options, checked. */
export interface CheckedChatCall {
  userId: string;
  sessionId: string | undefined;
  project: string | undefined;
  overrides: unknown;
  meta: MessageMetaInput;
  attachments: Array<Record<string, unknown>> | undefined;
  canUseTool: CanUseTool | undefined;
  hooks: Hooks | undefined;
  signal: AbortSignal | undefined;
  onStart: (() => void) | undefined;
  timeoutMs: number | undefined;
  sessionMetadata: Record<string, unknown> | undefined;
}

/** Checks a `chat()` / `stream()` call; throws InvalidAgentInputError naming the bad field. */
export function checkChatCall(message: unknown, options: AgentChatOptions): CheckedChatCall {
  if (typeof message !== 'string' || message.trim() === '') {
    throw new InvalidAgentInputError('message', 'must be a non-empty string');
  }
  if (!isPlainObject(options)) throw new InvalidAgentInputError('options', 'must be an object with userId');
  const userId = checked('options.userId', () => validateUserId(options.userId, 'userId'));
  const sessionId =
    options.sessionId === undefined
      ? undefined
      : checked('options.sessionId', () => validateSessionId(options.sessionId, 'sessionId'));
  if (options.project !== undefined && (typeof options.project !== 'string' || options.project === '')) {
    throw new InvalidAgentInputError('options.project', 'must be a project name');
  }
  if (options.canUseTool !== undefined && typeof options.canUseTool !== 'function') {
    throw new InvalidAgentInputError('options.canUseTool', 'must be a function');
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidAgentInputError('options.signal', 'must be an AbortSignal');
  }
  if (options.onStart !== undefined && typeof options.onStart !== 'function') {
    throw new InvalidAgentInputError('options.onStart', 'must be a function');
  }
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined) checkTimerMs('options.timeoutMs', timeoutMs, 1);
  const sessionMetadata = checkJsonObject('options.sessionMetadata', options.sessionMetadata);
  const attachments = checkAttachments(options.attachments);
  if (sessionMetadata && AGENT_METADATA_KEY in sessionMetadata) {
    throw new InvalidAgentInputError(
      `options.sessionMetadata.${AGENT_METADATA_KEY}`,
      'is reserved for the agent',
    );
  }
  return {
    userId,
    sessionId,
    project: options.project,
    overrides: options.overrides,
    meta: (checkJsonObject('options.meta', options.meta) ?? {}) as MessageMetaInput,
    attachments,
    canUseTool: options.canUseTool,
    hooks: options.hooks === undefined ? undefined : parseHooks(options.hooks, 'options.hooks'),
    signal: options.signal,
    onStart: options.onStart,
    timeoutMs,
    sessionMetadata,
  };
}

/** The session a selector names, and the user it must belong to (when the selector names one). */
export function resolveSessionSelector(selector: SessionSelector): { sessionId: string; userId?: string } {
  if (typeof selector === 'string') {
    const userId = checked('userId', () => validateUserId(selector, 'userId'));
    return { sessionId: sessionIdFor(userId), userId };
  }
  if (!isPlainObject(selector)) {
    throw new InvalidAgentInputError('selector', 'must be a user id or { userId, sessionId }');
  }
  const userId =
    'userId' in selector && selector.userId !== undefined
      ? checked('userId', () => validateUserId(selector.userId, 'userId'))
      : undefined;
  const given = 'sessionId' in selector ? selector.sessionId : undefined;
  if (given === undefined) {
    if (userId === undefined) throw new InvalidAgentInputError('selector', 'needs userId or sessionId');
    return { sessionId: sessionIdFor(userId), userId };
  }
  const sessionId = checked('sessionId', () => validateSessionId(given, 'sessionId'));
  return userId === undefined ? { sessionId } : { sessionId, userId };
}
