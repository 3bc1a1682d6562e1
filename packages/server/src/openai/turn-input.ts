import { randomUUID } from 'node:crypto';
import type { SessionStore } from '@claude-code-server/store';
import type { Principal } from '../auth/principal.js';
import { clientSessionId, storedSessionId, storedUserId } from '../tenancy.js';
import type { CompletionConversation, ConversationMessage } from './completion-request.js';
import { COVERS_KEY, covering, findContinuedSession } from './conversation-match.js';

/** What a completion request becomes: the session it runs in and the turn's message. */
export interface TurnInput {
  /** The client's session id (sent back as X-Session-Id). */
  sessionId: string;
  message: string;
  /** Stored with the turn's user message: the client messages it stands for. */
  meta: Record<string, unknown>;
}

/** The text of several user messages sent at once. */
function joined(messages: readonly ConversationMessage[]): string {
  return messages.map((message) => message.text).join('\n\n');
}

/** The first message of a session for a conversation that began elsewhere: its history, then the new text. */
function replayText(history: readonly ConversationMessage[], latest: readonly ConversationMessage[]): string {
  const earlier = history
    .map((message) => `<${message.role}>\n${message.text}\n</${message.role}>`)
    .join('\n');
  return (
    'The conversation so far (it began before this session):\n' +
    `<conversation>\n${earlier}\n</conversation>\n\n` +
    `Answer the next message:\n\n${joined(latest)}`
  );
}

/**
 * Picks the session of a completion request and the message of its turn:
 *
 * 1. `X-Session-Id` names it: its stored history is the conversation, only the trailing user
 *    messages are sent; a session that does not exist yet starts with the earlier messages replayed.
 * 2. Without it, a request whose only messages are the new ones starts a new session.
 * 3. Else the user's recently active session whose history is the request's earlier messages
 *    continues (the warm process answers); if none matches, a new session starts with them replayed.
 */
export async function turnInput(input: {
  store: SessionStore;
  principal: Principal;
  userId: string;
  requestedSession: string | undefined;
  project: string | undefined;
  conversation: CompletionConversation;
}): Promise<TurnInput> {
  const { store, principal, conversation } = input;
  const { history, latest } = conversation;
  const continued = (sessionId: string): TurnInput => ({
    sessionId,
    message: joined(latest),
    meta: { [COVERS_KEY]: covering(latest) },
  });
  const started = (sessionId: string): TurnInput =>
    history.length === 0
      ? continued(sessionId)
      : {
          sessionId,
          message: replayText(history, latest),
          meta: { [COVERS_KEY]: covering([...history, ...latest]) },
        };

  if (input.requestedSession !== undefined) {
    const record = await store.getSession(storedSessionId(principal.tenant, input.requestedSession));
    return record ? continued(input.requestedSession) : started(input.requestedSession);
  }
  const fresh = () => started(`oai-${randomUUID()}`);
  if (history.length === 0) return fresh();
  const found = await findContinuedSession(
    store,
    storedUserId(principal.tenant, input.userId),
    history,
    (session) =>
      clientSessionId(principal.tenant, session.id) !== null &&
      (input.project === undefined || session.project === input.project) &&
      (session.project === null || principal.projects === null || principal.projects.has(session.project)),
  );
  const client = found === undefined ? null : clientSessionId(principal.tenant, found);
  return client ? continued(client) : fresh();
}
