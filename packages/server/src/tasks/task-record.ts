import { hostname } from 'node:os';
import type { Metadata } from '@claude-code-server/store';
import type { PermissionRequestBody } from '../api/permission-schemas.js';
import type { ChatResponseBody, TaskBody, TaskStatus } from '../api/response-schemas.js';

/** What the server keeps about an async task (the `data` of its StoredTask, owned by the tenant). */
export interface TaskRecord {
  taskId: string;
  tenant: string;
  userId: string;
  sessionId: string;
  status: TaskStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** The server instance running it, its host and pid: how a restart tells orphans apart. */
  instance: string;
  host: string;
  pid: number;
  heartbeatAt: number;
  heartbeatMs: number;
  /** Tool calls waiting for an answer; stored so GET /task on any node shows them. */
  pendingPermissions?: PermissionRequestBody[];
}

export const FINISHED: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

export function isFinished(record: TaskRecord): boolean {
  return FINISHED.has(record.status);
}

export function toTaskData(record: TaskRecord): Metadata {
  return { ...record };
}

/** The record in a stored task's data, or null when the task is not one the server wrote. */
export function fromTaskData(data: Metadata): TaskRecord | null {
  const record = data as Partial<TaskRecord>;
  return typeof record.taskId === 'string' && typeof record.status === 'string'
    ? (record as TaskRecord)
    : null;
}

/** True if a process with this pid exists on this machine. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An unfinished task whose server is gone: its process no longer exists on this host, or it missed
 * three heartbeats (another host, or a hung process). The server running it is the one that took it,
 * or, on a shared queue, the one whose worker started it.
 */
export function isOrphaned(
  record: TaskRecord,
  currentInstance: string,
  now: number,
  queueIsShared = false,
): boolean {
  if (isFinished(record) || record.instance === currentInstance) return false;
  // A pending task of a shared queue is a job that outlives its node: any node will run it.
  if (queueIsShared && record.status === 'pending') return false;
  if (record.host === hostname() && record.pid !== process.pid && !pidAlive(record.pid)) return true;
  return now - record.heartbeatAt > 3 * record.heartbeatMs;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The task as GET /task/{task_id} shows it. */
export function taskBody(record: TaskRecord, result: ChatResponseBody | null): TaskBody {
  return {
    task_id: record.taskId,
    status: record.status,
    user_id: record.userId,
    session_id: record.sessionId,
    result,
    error: record.errorMessage,
    error_code: record.errorCode,
    created_at: new Date(record.createdAt).toISOString(),
    started_at: iso(record.startedAt),
    finished_at: iso(record.finishedAt),
    completed_at: iso(record.finishedAt),
    pending_permissions: record.pendingPermissions ?? [],
  };
}
