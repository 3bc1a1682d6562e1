import type { ChatResponse } from '@claude-code-server/core';
import {
  ConflictError,
  type MessageRecord,
  type SessionRecord,
  type SessionStore,
} from '@claude-code-server/store';
import type { TurnJob } from '../admission/turn-job.js';
import { SessionOwnedByOtherUserError } from '../errors.js';
import { mergeCallerMetadata } from '../session-state.js';

// What the history records of a turn: its session, the user's messages, the answer.

/** The job's session record, created on its first message; it must belong to the job's user. */
export async function openSession(store: SessionStore, job: TurnJob): Promise<SessionRecord> {
  const { userId, project, sessionMetadata } = job.settings;
  const existing = await store.getSession(job.sessionId);
  if (existing && existing.userId !== userId) throw new SessionOwnedByOtherUserError(job.sessionId);
  if (existing) return existing;
  try {
    const { session } = await store.getOrCreateSession({
      id: job.sessionId,
      userId,
      project: project ?? null,
      metadata: mergeCallerMetadata({}, sessionMetadata),
    });
    return session;
  } catch (error) {
    // Created for another user in the meantime.
    if (error instanceof ConflictError) throw new SessionOwnedByOtherUserError(job.sessionId);
    throw error;
  }
}

/** Stores the turn's user messages (with their meta); returns their seqs. */
export async function appendQuestions(store: SessionStore, job: TurnJob): Promise<number[]> {
  const seqs: number[] = [];
  for (const message of job.messages) {
    const { userId: _u, sessionId: _s, ...meta } = message.meta;
    const stored = await store.appendMessage(job.sessionId, {
      role: 'user',
      content: message.text,
      metadata: meta,
      createdAt: message.meta.receivedAt,
    });
    seqs.push(stored.seq);
  }
  return seqs;
}

/** Stores the answer with its usage, cost and the CLI's result facts. */
export function appendAnswer(
  store: SessionStore,
  sessionId: string,
  chat: ChatResponse,
  fresh: boolean,
): Promise<MessageRecord> {
  return store.appendMessage(sessionId, {
    role: 'assistant',
    content: chat.content,
    usage: chat.usage,
    costUsd: chat.costUsd,
    metadata: {
      claudeSessionId: chat.sessionId,
      durationMs: chat.durationMs,
      numTurns: chat.numTurns,
      subtype: chat.subtype,
      permissionDenials: chat.permissionDenials.length,
      ...(fresh ? { freshSession: true } : {}),
    },
  });
}
