import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiClient, ApiError, query } from '../api/api-client.js';
import { streamChat } from '../api/chat-stream.js';
import type { HistoryMessage, HistoryPage } from '../api/types.js';
import { applyEvent, type LiveTurn, newTurn } from '../chat/turn-model.js';
import { Composer } from './Composer.js';
import { HistoryMessageView } from './HistoryMessageView.js';
import { TurnView } from './TurnView.js';

/** Messages per history page. */
export const HISTORY_PAGE_SIZE = 20;

interface ConversationProps {
  client: ApiClient;
  sessionId: string;
  /** A turn ended or a task was sent: the sessions list may have changed. */
  onActivity(): void;
  onTaskStarted(taskId: string): void;
}

/** One session: its stored history (paged, newest first loaded), the turns sent here, the composer. */
export function Conversation({ client, sessionId, onActivity, onTaskStarted }: ConversationProps) {
  const userId = client.credentials.userId;
  const [history, setHistory] = useState<HistoryMessage[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [turns, setTurns] = useState<LiveTurn[]>([]);
  const running = useRef<AbortController | null>(null);
  const end = useRef<HTMLDivElement>(null);
  const isRunning = turns.some((turn) => turn.status === 'running');

  const historyPath = (before?: number) =>
    `/session/${encodeURIComponent(sessionId)}/history${query({ limit: HISTORY_PAGE_SIZE, before, user_id: userId })}`;

  useEffect(() => {
    const controller = new AbortController();
    setHistory([]);
    setTurns([]);
    setHasMore(false);
    setTotal(0);
    setProblem(null);
    setNotice(null);
    setLoading(true);
    client
      .json<HistoryPage>('GET', historyPath(), undefined, controller.signal)
      .then((page) => {
        setHistory(page.messages);
        setHasMore(page.has_more);
        setTotal(page.total_messages);
        end.current?.scrollIntoView({ block: 'end' });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // A session that has no message yet does not exist on the server: that is a new chat.
        if (error instanceof ApiError && error.status === 404) return;
        setProblem(`The history could not be read: ${(error as Error).message}`);
      })
      .finally(() => setLoading(false));
    return () => {
      controller.abort();
      // Leaving the session closes its stream, which interrupts a running answer.
      running.current?.abort();
    };
  }, [client, sessionId]);

  useEffect(() => {
    if (isRunning) end.current?.scrollIntoView({ block: 'end' });
  }, [turns]);

  const loadEarlier = async () => {
    const first = history[0];
    if (!first) return;
    try {
      const page = await client.json<HistoryPage>('GET', historyPath(first.seq));
      setHistory((shown) => [...page.messages, ...shown]);
      setHasMore(page.has_more);
    } catch (error) {
      setProblem(`Earlier messages could not be read: ${(error as Error).message}`);
    }
  };

  const sendAsTask = async (message: string) => {
    try {
      const task = await client.json<{ task_id: string }>('POST', '/chat/async', {
        message,
        user_id: userId,
        session_id: sessionId,
      });
      onTaskStarted(task.task_id);
      setNotice(`Sent as task ${task.task_id}: follow it under Tasks.`);
      onActivity();
    } catch (error) {
      setNotice(`The task was not accepted: ${(error as Error).message}`);
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
      for await (const event of streamChat(
        client,
        { message, user_id: userId, session_id: sessionId },
        controller.signal,
      )) {
        update((t) => applyEvent(t, event));
      }
      update((t) =>
        t.status === 'running' ? { ...t, status: 'failed', error: 'the stream ended without an answer' } : t,
      );
    } catch (error) {
      if (controller.signal.aborted) update((t) => ({ ...t, status: 'stopped' }));
      else update((t) => ({ ...t, status: 'failed', error: (error as Error).message }));
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
          <TurnView key={turn.key} turn={turn} client={client} />
        ))}
        {notice && <div class="notice">{notice}</div>}
        <div ref={end} />
      </div>
      <Composer running={isRunning} onSend={send} onStop={() => running.current?.abort()} />
    </div>
  );
}
