import { NotFoundError } from '@claude-code-server/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Connection } from '../api/connection.js';
import type { HistoryMessage } from '../api/types.js';
import { applyEvent, type LiveTurn, newTurn } from '../chat/turn-model.js';
import { describeError } from '../format.js';
import { Composer } from './Composer.js';
import { HistoryMessageView } from './HistoryMessageView.js';
import { TurnView } from './TurnView.js';

/** Messages per history page. */
export const HISTORY_PAGE_SIZE = 20;

interface ConversationProps {
  connection: Connection;
  sessionId: string;
  /** A turn ended or a task was sent: the sessions list may have changed. */
  onActivity(): void;
  onTaskStarted(taskId: string): void;
}

/** One session: its stored history (paged, newest first loaded), the turns sent here, the composer. */
export function Conversation({ connection, sessionId, onActivity, onTaskStarted }: ConversationProps) {
  const { client, userId } = connection;
  const [history, setHistory] = useState<HistoryMessage[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [turns, setTurns] = useState<LiveTurn[]>([]);
  const running = useRef<AbortController | null>(null);
  const end = useRef<HTMLDivElement>(null);
  // Set when the newest page arrives: once it is on the screen, the view goes to its end.
  const scrollToEnd = useRef(false);
  const isRunning = turns.some((turn) => turn.status === 'running');

  const readPage = (before: number | undefined, signal?: AbortSignal) =>
    client.getHistory(sessionId, { limit: HISTORY_PAGE_SIZE, before, user_id: userId }, { signal });

  useEffect(() => {
    const controller = new AbortController();
    readPage(undefined, controller.signal)
      .then((page) => {
        scrollToEnd.current = true;
        setHistory(page.messages);
        setHasMore(page.has_more);
        setTotal(page.total_messages);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // A session that has no message yet does not exist on the server: that is a new chat.
        if (error instanceof NotFoundError) return;
        setProblem(`The history could not be read: ${describeError(error)}`);
      })
      .finally(() => setLoading(false));
    return () => {
      controller.abort();
      // Leaving the session closes its stream, which interrupts a running answer.
      running.current?.abort();
    };
  }, [client, sessionId]);

  useEffect(() => {
    if (!scrollToEnd.current && !isRunning) return;
    scrollToEnd.current = false;
    end.current?.scrollIntoView({ block: 'end' });
  }, [history, turns]);

  const loadEarlier = async () => {
    const first = history[0];
    if (!first) return;
    try {
      const page = await readPage(first.seq);
      setHistory((shown) => [...page.messages, ...shown]);
      setHasMore(page.has_more);
    } catch (error) {
      setProblem(`Earlier messages could not be read: ${describeError(error)}`);
    }
  };

  const sendAsTask = async (message: string) => {
    try {
      const task = await client.chatAsync({ message, user_id: userId, session_id: sessionId });
      onTaskStarted(task.task_id);
      setNotice(`Sent as task ${task.task_id}: follow it under Tasks.`);
      onActivity();
    } catch (error) {
      setNotice(`The task was not accepted: ${describeError(error)}`);
    }
  };

  const send = async (message: string, inBackground: boolean) => {
    setNotice(null);
    if (inBackground) return sendAsTask(message);
    const turn = newTurn(message);
    const update = (change: (turn: LiveTurn) => LiveTurn) =>
      setTurns((shown) => shown.map((t) => (t.key === turn.key ? change(t) : t)));
    setTurns((shown) => [...shown, turn]);
    const controller = new AbortController();
    running.current = controller;
    try {
      const events = client.chatStream(
        { message, user_id: userId, session_id: sessionId },
        { signal: controller.signal },
      );
      for await (const event of events) update((t) => applyEvent(t, event));
    } catch (error) {
      // The stream's `error` event, a refusal before it opened, or a cut connection.
      if (controller.signal.aborted) update((t) => ({ ...t, status: 'stopped' }));
      else update((t) => ({ ...t, status: 'failed', error: describeError(error) }));
    } finally {
      if (running.current === controller) running.current = null;
      onActivity();
    }
  };

  return (
    <div class="conversation">
      <div class="messages" aria-live="polite">
        {hasMore && (
          <button type="button" class="link load-earlier" onClick={loadEarlier}>
            Load earlier messages ({total - history.length} more)
          </button>
        )}
        {loading && <div class="muted">Loading…</div>}
        {!loading && history.length === 0 && turns.length === 0 && !problem && (
          <div class="empty">A new conversation. Say something.</div>
        )}
        {problem && (
          <div class="error" role="alert">
            {problem}
          </div>
        )}
        {history.map((message) => (
          <HistoryMessageView key={message.seq} message={message} />
        ))}
        {turns.map((turn) => (
          <TurnView key={turn.key} turn={turn} connection={connection} />
        ))}
        {notice && <div class="notice">{notice}</div>}
        <div ref={end} />
      </div>
      <Composer running={isRunning} onSend={send} onStop={() => running.current?.abort()} />
    </div>
  );
}
