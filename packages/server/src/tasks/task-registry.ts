import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SessionStore } from '@claude-code-server/store';
import type { ChatResponseBody } from '../api/response-schemas.js';
import { fromTaskData, isFinished, isOrphaned, type TaskRecord, toTaskData } from './task-record.js';

export interface TaskRegistryOptions {
  /** Identifies this server instance in the records it writes. */
  instanceId: string;
  heartbeatMs: number;
  retentionMs: number;
  /** Tasks wait in a queue other nodes work (BullMQ, pg-boss): a pending one is never an orphan. */
  queueIsShared: boolean;
}

/** A stored task and, once completed, its result. */
export interface StoredTask {
  record: TaskRecord;
  result: ChatResponseBody | null;
}

export const RESTARTED = {
  code: 'SERVER_RESTARTED',
  message: 'the server restarted before the task finished',
} as const;

const PAGE = 200;

/**
 * Async tasks kept in the store's task contract: each one owned by its tenant, the record as its
 * `data`, the answer's JSON as its `result`. Tasks of a server that is gone are reported failed;
 * finished ones are deleted after the retention time.
 */
export class TaskRegistry {
  constructor(
    private readonly store: SessionStore,
    private readonly options: TaskRegistryOptions,
  ) {}

  /** Stores a new pending task. */
  async create(tenant: string, userId: string, sessionId: string): Promise<TaskRecord> {
    const now = Date.now();
    const record: TaskRecord = {
      taskId: `task_${randomUUID()}`,
      tenant,
      userId,
      sessionId,
      status: 'pending',
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      errorCode: null,
      errorMessage: null,
      instance: this.options.instanceId,
      host: hostname(),
      pid: process.pid,
      heartbeatAt: now,
      heartbeatMs: this.options.heartbeatMs,
    };
    await this.store.createTask({ id: record.taskId, owner: tenant, data: toTaskData(record) });
    return record;
  }

  /** Writes the record as it is now. */
  async save(record: TaskRecord): Promise<void> {
    await this.store.updateTask(record.tenant, record.taskId, { data: toTaskData(record) });
  }

  /** Stores the result of a completed task (before its status says completed). */
  async saveResult(record: TaskRecord, result: ChatResponseBody): Promise<void> {
    await this.store.updateTask(record.tenant, record.taskId, { result: JSON.stringify(result) });
  }

  /**
   * The task, or null when there is none (or it outlived its retention, and is deleted now). An
   * orphaned unfinished task is marked failed first.
   */
  async get(tenant: string, taskId: string): Promise<StoredTask | null> {
    const task = await this.store.getTask(tenant, taskId);
    const record = task && fromTaskData(task.data);
    if (!record) return null;
    const now = Date.now();
    if (this.expired(record, now)) {
      await this.store.deleteTask(tenant, taskId);
      return null;
    }
    if (isOrphaned(record, this.options.instanceId, now, this.options.queueIsShared))
      await this.markRestarted(record, now);
    if (record.status !== 'completed' || task.result === null) return { record, result: null };
    return { record, result: JSON.parse(task.result) as ChatResponseBody };
  }

  /**
   * Goes over every task of the tenants: deletes those past retention and marks orphans failed.
   * Returns how many of each.
   */
  async sweep(tenants: readonly string[]): Promise<{ deleted: number; orphaned: number }> {
    let deleted = 0;
    let orphaned = 0;
    const now = Date.now();
    for (const tenant of new Set(tenants)) {
      let cursor: string | undefined;
      do {
        const page = await this.store.listTasks(tenant, { limit: PAGE, cursor });
        for (const task of page.tasks) {
          const record = fromTaskData(task.data);
          if (!record) continue;
          if (this.expired(record, now)) {
            if (await this.store.deleteTask(tenant, task.id)) deleted++;
          } else if (isOrphaned(record, this.options.instanceId, now, this.options.queueIsShared)) {
            await this.markRestarted(record, now);
            orphaned++;
          }
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return { deleted, orphaned };
  }

  private expired(record: TaskRecord, now: number): boolean {
    return (
      isFinished(record) && record.finishedAt !== null && now - record.finishedAt > this.options.retentionMs
    );
  }

  private async markRestarted(record: TaskRecord, now: number): Promise<void> {
    record.status = 'failed';
    record.finishedAt = now;
    record.errorCode = RESTARTED.code;
    record.errorMessage = RESTARTED.message;
    await this.save(record);
  }
}
