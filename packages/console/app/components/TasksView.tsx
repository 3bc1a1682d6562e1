import { NotFoundError } from '@claude-code-server/client';
import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../api/connection.js';
import type { Task, TaskStatus } from '../api/types.js';
import { describeError, formatCost, formatTime } from '../format.js';
import { ApprovalCard } from './ApprovalCard.js';
import { Markdown } from './Markdown.js';

const FINAL: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];
const POLL_MS = 2000;

/** One task, read again every couple of seconds until it has ended. */
function TaskRow({
  connection,
  taskId,
  onForget,
}: {
  connection: Connection;
  taskId: string;
  onForget(): void;
}) {
  const { client } = connection;
  const [task, setTask] = useState<Task | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reads, setReads] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    client
      .getTask(taskId, { signal: controller.signal })
      .then((body) => {
        setTask(body);
        setProblem(null);
        if (!FINAL.includes(body.status)) timer = setTimeout(() => setReads((n) => n + 1), POLL_MS);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setProblem(
          error instanceof NotFoundError
            ? 'not found: finished tasks are deleted after tasks.retention_ms'
            : describeError(error),
        );
      });
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, taskId, reads]);

  const cancel = async () => {
    try {
      setTask(await client.cancelTask(taskId));
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const status = task?.status ?? (problem ? 'unknown' : 'loading');
  return (
    <li class="task" data-testid="task" data-status={status}>
      <header>
        <code class="task-id">{taskId}</code>
        <span class={`badge badge-${status}`}>{status.replaceAll('_', ' ')}</span>
      </header>
      {task && (
        <div class="muted">
          {task.session_id} · sent {formatTime(task.created_at)}
          {task.finished_at && ` · ended ${formatTime(task.finished_at)}`}
          {task.result && ` · ${formatCost(task.result.metadata.cost_usd)}`}
        </div>
      )}
      {task?.pending_permissions.map((request) => (
        <ApprovalCard
          key={request.request_id}
          connection={connection}
          request={request}
          onAnswered={() => setReads((n) => n + 1)}
        />
      ))}
      {task?.result?.content && <Markdown text={task.result.content} />}
      {task?.error && (
        <div class="error">
          {task.error}
          {task.error_code && ` (${task.error_code})`}
        </div>
      )}
      {problem && (
        <div class="error" role="alert">
          {problem}
        </div>
      )}
      <div class="task-actions">
        {task && !FINAL.includes(task.status) && (
          <button type="button" class="danger" onClick={cancel}>
            Cancel
          </button>
        )}
        <button type="button" class="link" onClick={onForget}>
          Remove from list
        </button>
      </div>
    </li>
  );
}

interface TasksViewProps {
  connection: Connection;
  taskIds: readonly string[];
  onAdd(taskId: string): void;
  onForget(taskId: string): void;
}

/** The tasks sent from this browser (the API lists none), newest first, and any other by its id. */
export function TasksView({ connection, taskIds, onAdd, onForget }: TasksViewProps) {
  const [lookup, setLookup] = useState('');
  return (
    <section class="tasks">
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (lookup.trim()) onAdd(lookup.trim());
          setLookup('');
        }}
      >
        <input
          type="text"
          placeholder="task_… id to follow"
          aria-label="Task id"
          value={lookup}
          onInput={(event) => setLookup(event.currentTarget.value)}
        />
        <button type="submit">Follow</button>
      </form>
      {taskIds.length === 0 && (
        <p class="empty">
          No tasks yet. Tick “as a task” under the message box to send one, or follow a task id.
        </p>
      )}
      <ul>
        {taskIds.map((id) => (
          <TaskRow key={id} connection={connection} taskId={id} onForget={() => onForget(id)} />
        ))}
      </ul>
    </section>
  );
}
