import type { Logger } from 'pino';
import { chatResponseBody } from '../chat/response-body.js';
import type { PreparedTurn, TurnEvent, TurnService } from '../chat/turn-service.js';
import { HttpError, notFound } from '../errors/http-error.js';
import { toHttpError } from '../errors/map-error.js';
import { isFinished, isOrphaned, type TaskRecord } from './task-record.js';
import type { StoredTask, TaskRegistry } from './task-registry.js';

/** The reason a DELETE /task aborts a turn with. */
class TaskCancelled extends Error {
  constructor() {
    super('the task was cancelled');
    this.name = 'TaskCancelled';
  }
}

interface LocalTask {
  record: TaskRecord;
  controller: AbortController;
  /** Settles when the task has reached a final status and it is stored. */
  settled: Promise<void>;
  /** Record writes of one task go one after another, so a late heartbeat never undoes a status. */
  writes: Promise<void>;
}

export interface TaskRunnerOptions {
  registry: TaskRegistry;
  turns: TurnService;
  logger: Logger;
  instanceId: string;
  heartbeatMs: number;
}

/** Runs async tasks on this instance: status changes, heartbeats, cancel, and the final result. */
export class TaskRunner {
  private readonly local = new Map<string, LocalTask>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: TaskRunnerOptions) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Stores a pending task for the turn and starts it in the background. */
  async submit(turn: PreparedTurn): Promise<TaskRecord> {
    const record = await this.options.registry.create(turn.tenant, turn.userId, turn.sessionId);
    // As stored: the turn may start (and the record change) before this returns.
    const submitted = { ...record };
    const controller = new AbortController();
    const task: LocalTask = { record, controller, settled: Promise.resolve(), writes: Promise.resolve() };
    this.local.set(record.taskId, task);
    task.settled = this.execute(task, turn).finally(() => this.local.delete(record.taskId));
    return submitted;
  }

  /** The task as stored, or 404. */
  async get(tenant: string, taskId: string): Promise<StoredTask> {
    const local = this.local.get(taskId);
    if (local && local.record.tenant === tenant) await local.writes;
    const stored = await this.options.registry.get(tenant, taskId);
    if (!stored) throw notFound('task', taskId);
    return stored;
  }

  /** Cancels a pending or running task of this instance; 409 when it already finished or runs elsewhere. */
  async cancel(tenant: string, taskId: string): Promise<StoredTask> {
    const local = this.local.get(taskId);
    if (local && local.record.tenant === tenant) {
      local.controller.abort(new TaskCancelled());
      await local.settled;
      return this.get(tenant, taskId);
    }
    const stored = await this.get(tenant, taskId);
    if (isFinished(stored.record)) {
      throw new HttpError(409, 'TASK_FINISHED', `task ${taskId} already ${stored.record.status}`, {
        details: { task_id: taskId, status: stored.record.status },
      });
    }
    if (!isOrphaned(stored.record, this.options.instanceId, Date.now())) {
      throw new HttpError(409, 'TASK_ELSEWHERE', `task ${taskId} runs on another server instance`, {
        details: { task_id: taskId },
      });
    }
    return stored;
  }

  /** Resolves once every task of this instance has stored its final status. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.local.values()].map((task) => task.settled));
  }

  /** Stops the heartbeat (tasks still running are no longer shown alive). */
  stop(): void {
    clearInterval(this.heartbeat);
  }

  private async execute(task: LocalTask, turn: PreparedTurn): Promise<void> {
    const { record } = task;
    try {
      const response = await this.options.turns.run(
        turn,
        task.controller.signal,
        (event) => this.trackApprovals(task, event),
        () => {
          record.status = 'running';
          record.startedAt = Date.now();
          this.persist(task);
        },
      );
      await this.options.registry.saveResult(record, chatResponseBody(response, turn.sessionId));
      record.status = 'completed';
      if (!response.success) {
        record.errorCode = response.error?.code ?? null;
        record.errorMessage = response.error?.message ?? null;
      }
    } catch (error) {
      if (task.controller.signal.reason instanceof TaskCancelled) {
        record.status = 'cancelled';
        record.errorCode = 'CANCELLED';
        record.errorMessage = 'the task was cancelled';
      } else {
        const http = toHttpError(error);
        record.status = 'failed';
        record.errorCode = http.code;
        record.errorMessage = http.message;
      }
    }
    record.finishedAt = Date.now();
    record.pendingPermissions = [];
    this.persist(task);
    await task.writes;
  }

  /** A running task waits for approval while any of its permission requests is open (stored, so any node shows it). */
  private trackApprovals(task: LocalTask, event: TurnEvent): void {
    if (event.type !== 'permission_request' && event.type !== 'permission_resolved') return;
    const { record } = task;
    const pending = record.pendingPermissions ?? [];
    record.pendingPermissions =
      event.type === 'permission_request'
        ? [...pending, event.request]
        : pending.filter((request) => request.request_id !== event.resolution.request_id);
    if (!isFinished(record)) {
      record.status = record.pendingPermissions.length > 0 ? 'waiting_for_approval' : 'running';
    }
    this.persist(task);
  }

  /** Queues a write of the task's current record; failures are logged (the next write retries). */
  private persist(task: LocalTask): void {
    task.writes = task.writes.then(async () => {
      try {
        await this.options.registry.save({ ...task.record });
      } catch (error) {
        this.options.logger.warn(
          { task_id: task.record.taskId, code: (error as { code?: unknown }).code ?? 'UNKNOWN' },
          'could not store the task status',
        );
      }
    });
  }

  private beat(): void {
    const now = Date.now();
    for (const task of this.local.values()) {
      if (isFinished(task.record)) continue;
      task.record.heartbeatAt = now;
      this.persist(task);
    }
  }
}
