import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../api/connection.js';
import type { SessionSummary } from '../api/types.js';
import { describeError, formatTime } from '../format.js';

interface SessionListProps {
  connection: Connection;
  selected: string;
  /** Changes when the list should be read again. */
  refresh: number;
  onSelect(sessionId: string): void;
  onNew(): void;
}

const PAGE_SIZE = 20;

/** The user's sessions, most recently active first, a page at a time. */
export function SessionList({ connection, selected, refresh, onSelect, onNew }: SessionListProps) {
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const { client, userId } = connection;
  const readPage = (cursor?: string, signal?: AbortSignal) =>
    client.listSessions({ user_id: userId, limit: PAGE_SIZE, cursor }, { signal });

  useEffect(() => {
    const controller = new AbortController();
    readPage(undefined, controller.signal)
      .then((page) => {
        setSessions(page.sessions);
        setCursor(page.next_cursor);
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setProblem(describeError(error));
      });
    return () => controller.abort();
  }, [client, refresh]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await readPage(cursor);
      setSessions((shown) => [...shown, ...page.sessions]);
      setCursor(page.next_cursor);
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const listed = sessions.some((session) => session.session_id === selected);
  return (
    <nav class="sessions" aria-label="Sessions">
      <button type="button" class="primary new-chat" onClick={onNew}>
        New chat
      </button>
      <ul>
        {!listed && (
          <li>
            <button type="button" class="session selected" aria-current="true">
              <span class="session-id">{selected}</span>
              <span class="muted">new</span>
            </button>
          </li>
        )}
        {sessions.map((session) => (
          <li key={session.session_id}>
            <button
              type="button"
              class={`session${session.session_id === selected ? ' selected' : ''}`}
              aria-current={session.session_id === selected ? 'true' : undefined}
              onClick={() => onSelect(session.session_id)}
            >
              <span class="session-id">{session.session_id}</span>
              <span class="muted">
                {formatTime(session.last_active_at)}
                {session.project ? ` · ${session.project}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" class="link" onClick={more}>
          More sessions
        </button>
      )}
      {problem && (
        <div class="error" role="alert">
          {problem}
        </div>
      )}
    </nav>
  );
}
