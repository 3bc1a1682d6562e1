import type { MessageRecord, SessionStore } from '@claude-code-server/store';
import { sha256 } from '../auth/digest.js';
import type { ConversationMessage } from './completion-request.js';

/** How many of a user's most recently active sessions are compared with a request's history. */
export const MATCH_CANDIDATES = 20;
/** Sessions with more stored messages than this are not compared (one page of the store). */
const MATCH_MAX_MESSAGES = 1000;

/** A client message as kept in a stored user message's metadata: its role and a digest of its text. */
export interface CoveredMessage {
  role: 'user' | 'assistant';
  digest: string;
}

/** The metadata key under which a turn's user message records the client messages it stands for. */
export const COVERS_KEY = 'openai_covers';

export function digestOf(message: ConversationMessage): string {
  return sha256(`${message.role}\n${message.text}`).slice(0, 32);
}

export function covering(messages: readonly ConversationMessage[]): CoveredMessage[] {
  return messages.map((message) => ({ role: message.role, digest: digestOf(message) }));
}

/** An element of a session's history as a client would send it back. */
type Seen = { role: 'user' | 'assistant'; digest: string } | { role: 'assistant'; answer: string };

function coversOf(record: MessageRecord): CoveredMessage[] {
  const covers = record.metadata?.[COVERS_KEY];
  if (Array.isArray(covers)) {
    return covers.filter(
      (entry): entry is CoveredMessage =>
        typeof entry === 'object' &&
        entry !== null &&
        (entry.role === 'user' || entry.role === 'assistant') &&
        typeof entry.digest === 'string',
    );
  }
  return [{ role: 'user', digest: digestOf({ role: 'user', text: record.content }) }];
}

/**
 * A session's history as the client sees it: each answered user message as the client messages it
 * stood for, then the answer. A user message that got no answer (its turn failed) is left out, as
 * the client's history leaves it out.
 */
function clientView(records: readonly MessageRecord[]): Seen[] {
  const seen: Seen[] = [];
  let asked: CoveredMessage[] = [];
  for (const record of records) {
    if (record.role === 'user') asked = coversOf(record);
    else if (record.role === 'assistant') {
      seen.push(...asked, { role: 'assistant', answer: record.content });
      asked = [];
    }
  }
  return seen;
}

/**
 * Whether a client's message is this one. An answer matches when the client's text ends with it: a
 * streamed answer also carries the text written before the turn's tools ran, the stored one only
 * the final message.
 */
function same(client: ConversationMessage, stored: Seen): boolean {
  if (client.role !== stored.role) return false;
  if ('digest' in stored) return digestOf(client) === stored.digest;
  const answer = stored.answer.trim();
  const text = client.text.trim();
  return text === answer || (answer !== '' && text.endsWith(answer));
}

/**
 * The most recently active of the user's sessions whose history is exactly `history`, or undefined.
 * `accept` filters candidates (e.g. by project) before their messages are read.
 */
export async function findContinuedSession(
  store: SessionStore,
  storedUserId: string,
  history: readonly ConversationMessage[],
  accept: (session: { id: string; project: string | null }) => boolean,
): Promise<string | undefined> {
  const { sessions } = await store.listSessions(storedUserId, { limit: MATCH_CANDIDATES });
  for (const session of sessions) {
    if (!accept(session)) continue;
    const page = await store.listMessages(session.id, { limit: MATCH_MAX_MESSAGES });
    if (page.hasMore) continue;
    const seen = clientView(page.messages);
    if (seen.length !== history.length) continue;
    if (history.every((message, index) => same(message, seen[index] as Seen))) return session.id;
  }
  return undefined;
}
