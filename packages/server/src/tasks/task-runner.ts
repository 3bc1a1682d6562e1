import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, JobCancelledError, type JobQueue, type JsonValue } from '@claude-code-server/jobs';
import type { Logger } from 'pino';
import { chatResponseBody } from '../chat/response-body.js';
import type { PreparedTurn, TurnEvent, TurnService } from '../chat/turn-service.js';
import { HttpError, notFound } from '../errors/http-error.js';
import { toHttpError } from '../errors/map-error.js';
import { isFinished, type TaskRecord } from './task-record.js';
import { RESTARTED, type StoredTask, type TaskRegistry } from './task-registry.js';

/** What a queued job carries: the prepared turn but its working directory (the running node's own). */
export type TaskPayload = Omit<PreparedTurn, 'workDir'>;

interface LocalTask {
  record: TaskRecord;
  /** Settles when the task has reached a final status and it is stored. */
  settled: Promise<void>;
  /** Record writes of one task go one after another, so a late heartbeat never undoes a status. */
  writes: Promise<void>;
}

export interface TaskRunnerOptions {
  registry: TaskRegistry;
  turns: TurnService;
  queue: JobQueue;
  /** How many tasks this node runs at once; 0: it only submits, other nodes run them. */
  concurrency: number;
  logger: Logger;
  instanceId: string;
  heartbeatMs: number;
}

/** How long a cancel waits for the node running the task to store `cancelled`. */
const CANCEL_WAIT_MS = 15_000;

/**
 * Runs async tasks through the job queue: a submitted task is a job that whichever node works the
 * queue runs (status changes, heartbeats, the final result in the task's record); cancel goes through
 * the queue, so it reaches the turn on any node.
 */
export class TaskRunner {
  private readonly local = new Map<string, LocalTask>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: TaskRunnerOptions) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Starts this node's workers (none with concurrency 0). */
  async start(): Promise<void> {
    if (this.options.concurrency === 0) return;
    await this.options.queue.work((job, signal) => this.runJob(job, signal), {
      concurrency: this.options.concurrency,
    });
  }

  /** Stores a pending task for the turn and queues it. */
  async submit(turn: PreparedTurn): Promise<TaskRecord> {
    const record = await this.options.registry.create(turn.tenant, turn.userId, turn.sessionId);
    // As stored: the turn may start (and the record change) before this returns.
    const submitted = { ...record };
    const { workDir: _local, slot: _held, ...payload } = turn;
    try {
      await this.options.queue.enqueue(record.taskId, payload as unknown as JsonValue);
    } catch (error) {
      // Never left pending without a job: the record says why it did not run.
      const http = toHttpError(error);
      this.finish(record, 'failed', http.code, http.message);
      await this.options.registry.save(record).catch(() => undefined);
      throw http;
    }
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

  /**
   * Cancels a pending or running task, on whichever node runs it: a waiting job is dropped and the
   * task stored `cancelled` here, a running one is aborted there and this waits for its record to
   * say so. 409 when it already finished.
   */
  async cancel(tenant: string, taskId: string): Promise<StoredTask> {
    const stored = await this.get(tenant, taskId);
    if (isFinished(stored.record)) throw finishedError(stored.record);
    const outcome = await this.options.queue.cancel(taskId);
    if (outcome === 'dropped' || outcome === 'unknown') {
      // Never ran (or the queue no longer has it, as after a restart of the in-process queue).
      const { record } = stored;
      this.finish(record, 'cancelled', 'CANCELLED', 'the task was cancelled');
      await this.options.registry.save(record);
      return this.get(tenant, taskId);
    }
    const local = this.local.get(taskId);
    if (local) await local.settled;
    const settled = await this.waitFinished(tenant, taskId);
    if (outcome === 'finished' && settled.record.status !== 'cancelled') throw finishedError(settled.record);
    return settled;
  }

  /** Stops taking jobs and resolves once every task of this node has stored its final status. */
  async drain(): Promise<void> {
    this.closing ??= this.options.queue.close();
    await this.closing;
    await Promise.allSettled([...this.local.values()].map((task) => task.settled));
  }

  /** Stops the heartbeat (tasks still running are no longer shown alive). */
  stop(): void {
    clearInterval(this.heartbeat);
  }

  private async waitFinished(tenant: string, taskId: string): Promise<StoredTask> {
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const stored = await this.get(tenant, taskId);
      if (isFinished(stored.record) || Date.now() > deadline) return stored;
      await sleep(100);
    }
  }

  private async runJob(job: Job, signal: AbortSignal): Promise<void> {
    const payload = job.payload as unknown as TaskPayload;
    const stored = await this.options.registry.get(payload.tenant, job.taskId);
    // Deleted, or finished already (cancelled before it started, or failed by the heartbeat rule).
    if (!stored || isFinished(stored.record)) return;
    const { record } = stored;
    const task: LocalTask = { record, settled: Promise.resolve(), writes: Promise.resolve() };
    // The record names the node running it, so the heartbeat rule watches this node from now on.
    record.instance = this.options.instanceId;
    record.host = hostname();
    record.pid = process.pid;
    record.heartbeatAt = Date.now();
    record.heartbeatMs = this.options.heartbeatMs;
    if (job.attempt > 1) {
      // The node that ran it died mid-turn: the turn may have reached the CLI, so it is never run again.
      this.finish(record, 'failed', RESTARTED.code, RESTARTED.message);
      await this.options.registry.save(record);
      return;
    }
    this.local.set(job.taskId, task);
    task.settled = this.execute(task, payload, signal).finally(() => this.local.delete(job.taskId));
    await task.settled;
  }

  private async execute(task: LocalTask, payload: TaskPayload, signal: AbortSignal): Promise<void> {
    const { record } = task;
    try {
      const turn: PreparedTurn = { ...payload, workDir: this.options.turns.workDirOf(payload.project) };
      // A task waits (still pending) for one of its key's turn slots, as long as its turn may run.
      await this.options.turns.admit(turn, turn.timeoutMs, signal);
      const response = await this.options.turns.run(
        turn,
        signal,
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
      record.finishedAt = Date.now();
    } catch (error) {
      if (signal.reason instanceof JobCancelledError) {
        this.finish(record, 'cancelled', 'CANCELLED', 'the task was cancelled');
      } else {
        const http = toHttpError(error);
        this.finish(record, 'failed', http.code, http.message);
      }
    }
    record.pendingPermissions = [];
    this.persist(task);
    await task.writes;
  }

  private finish(record: TaskRecord, status: 'failed' | 'cancelled', code: string, message: string): void {
    record.status = status;
    record.errorCode = code;
    record.errorMessage = message;
    record.finishedAt = Date.now();
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

function finishedError(record: TaskRecord): HttpError {
  return new HttpError(409, 'TASK_FINISHED', `task ${record.taskId} already ${record.status}`, {
    details: { task_id: record.taskId, status: record.status },
  });
}
