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

/** The most messages of turns an agent did not finish storing that a turn brings along. */
const MAX_MISSED_MESSAGES = 20;

/**
 * Answered exchanges stored after the last turn the record counts and before this turn's first
 * message (`firstSeq`): a turn whose agent died after answering and before it stored its counter and
 * transcript. Messages after the last answer (a turn that failed, or died before answering) are left
 * out: their callers were told they failed. None when the record does not say where its last turn
 * ended.
 */
export async function missedMessages(
  store: SessionStore,
  sessionId: string,
  state: { lastSeq: number | null },
  firstSeq: number | undefined,
): Promise<MessageRecord[]> {
  const known = state.lastSeq;
  if (known === null || firstSeq === undefined || firstSeq <= known + 1) return [];
  const page = await store.listMessages(sessionId, { before: firstSeq, limit: MAX_MISSED_MESSAGES });
  const gap = page.messages.filter((message) => message.seq > known);
  const lastAnswer = gap.findLastIndex((message) => message.role === 'assistant');
  return gap.slice(0, lastAnswer + 1);
}
