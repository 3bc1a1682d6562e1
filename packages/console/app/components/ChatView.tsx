import { NotFoundError } from '@claude-code-server/client';
import { useState } from 'preact/hooks';
import type { Connection } from '../api/connection.js';
import { describeError } from '../format.js';
import { Conversation } from './Conversation.js';
import { SessionList } from './SessionList.js';

/** A session id of the console's own, for a new chat (the server creates the session on its first message). */
function newSessionId(): string {
  return `console-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

interface ChatViewProps {
  connection: Connection;
  onTaskStarted(taskId: string): void;
}

/** The sessions beside the open conversation; on a narrow screen the list is a drawer. */
export function ChatView({ connection, onTaskStarted }: ChatViewProps) {
  const [sessionId, setSessionId] = useState(newSessionId);
  const [refresh, setRefresh] = useState(0);
  // Bumped by "Start over": the conversation is read again from a cleared session.
  const [generation, setGeneration] = useState(0);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const open = (id: string) => {
    setSessionId(id);
    setDrawerOpen(false);
    setProblem(null);
  };

  const startOver = async () => {
    if (!window.confirm(`Start over? This deletes the history of ${sessionId}.`)) return;
    try {
      await connection.client.deleteSession(sessionId);
    } catch (error) {
      // A session with no message yet has nothing to delete.
      if (!(error instanceof NotFoundError)) {
        setProblem(`The session could not be cleared: ${describeError(error)}`);
        return;
      }
    }
    setProblem(null);
    setGeneration((n) => n + 1);
    setRefresh((n) => n + 1);
  };

  return (
    <div class={`chat${drawerOpen ? ' drawer-open' : ''}`}>
      <SessionList
        connection={connection}
        selected={sessionId}
        refresh={refresh}
        onSelect={open}
        onNew={() => open(newSessionId())}
      />
      {drawerOpen && (
        <button
          type="button"
          class="drawer-backdrop"
          aria-label="Close sessions"
          onClick={() => setDrawerOpen(false)}
        />
      )}
      <section class="chat-main">
        <div class="chat-bar">
          <button
            type="button"
            class="drawer-toggle"
            aria-expanded={drawerOpen}
            onClick={() => setDrawerOpen(!drawerOpen)}
          >
            Sessions
          </button>
          <span class="session-title" title={sessionId}>
            {sessionId}
          </span>
          <button type="button" onClick={startOver}>
            Start over
          </button>
        </div>
        {problem && (
          <div class="error" role="alert">
            {problem}
          </div>
        )}
        <Conversation
          key={`${sessionId}#${generation}`}
          connection={connection}
          sessionId={sessionId}
          onActivity={() => setRefresh((n) => n + 1)}
          onTaskStarted={onTaskStarted}
        />
      </section>
    </div>
  );
}
