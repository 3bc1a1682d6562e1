import { BackedJobQueue } from './backed-job-queue.js';
import type { BackendJob, JobQueueBackend, JobResult } from './job-queue-backend.js';
import type { CancelOutcome, JobInfo, JsonValue } from './types.js';

export interface MemoryJobQueueOptions {
  /** How long finished jobs stay visible to `get`, in ms (default one hour). */
  retentionMs?: number;
}

interface MemoryJob extends JobInfo {
  payload: JsonValue;
  finishedAt: number | null;
}

/**
 * Jobs in this process's memory: for a single node on the memory or SQLite store. Nothing survives the
 * process; the server's own orphan rule covers the tasks of a restart.
 */
class MemoryJobQueueBackend implements JobQueueBackend {
  private readonly jobs = new Map<string, MemoryJob>();
  private readonly waiting: string[] = [];
  private run: ((job: BackendJob) => Promise<JobResult>) | null = null;
  private slots = 0;
  private readonly active = new Set<Promise<void>>();
  private onAbort: (taskId: string) => void = () => {};

  constructor(private readonly retentionMs: number) {}

  async add(taskId: string, payload: JsonValue): Promise<boolean> {
    this.expire();
    if (this.jobs.has(taskId)) return false;
    this.jobs.set(taskId, {
      taskId,
      payload,
      state: 'waiting',
      attempts: 0,
      failedReason: null,
      finishedAt: null,
    });
    this.waiting.push(taskId);
    queueMicrotask(() => this.pump());
    return true;
  }

  async start(concurrency: number, run: (job: BackendJob) => Promise<JobResult>): Promise<void> {
    this.slots = concurrency;
    this.run = run;
    this.pump();
  }

  async cancel(taskId: string): Promise<CancelOutcome> {
    const job = this.jobs.get(taskId);
    if (!job) return 'unknown';
    if (job.state === 'waiting') {
      this.jobs.delete(taskId);
      this.waiting.splice(this.waiting.indexOf(taskId), 1);
      return 'dropped';
    }
    if (job.state !== 'active') return 'finished';
    this.onAbort(taskId);
    return 'aborting';
  }

  async listen(onAbort: (taskId: string) => void): Promise<void> {
    this.onAbort = onAbort;
  }

  async get(taskId: string): Promise<JobInfo | null> {
    this.expire();
    const job = this.jobs.get(taskId);
    if (!job) return null;
    const { taskId: id, state, attempts, failedReason } = job;
    return { taskId: id, state, attempts, failedReason };
  }

  async stop(): Promise<void> {
    this.run = null;
    await Promise.allSettled([...this.active]);
  }

  async close(): Promise<void> {}

  private pump(): void {
    while (this.run && this.active.size < this.slots && this.waiting.length > 0) {
      const job = this.jobs.get(this.waiting.shift() as string) as MemoryJob;
      job.state = 'active';
      job.attempts++;
      const done = this.run({ taskId: job.taskId, payload: job.payload, attempt: job.attempts }).then(
        (result) => {
          job.state = result.outcome;
          job.failedReason = result.outcome === 'failed' ? result.message : null;
          job.finishedAt = Date.now();
        },
      );
      this.active.add(done);
      void done.finally(() => {
        this.active.delete(done);
        this.pump();
      });
    }
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) {
      if (job.finishedAt !== null && now - job.finishedAt > this.retentionMs) this.jobs.delete(id);
    }
  }
}

/** An in-process JobQueue (memory and SQLite deployments: one node). */
export function createMemoryJobQueue<Payload extends JsonValue = JsonValue>(
  options: MemoryJobQueueOptions = {},
): BackedJobQueue<Payload> {
  return new BackedJobQueue<Payload>(
    new MemoryJobQueueBackend(options.retentionMs ?? 3_600_000),
    'memory job queue',
  );
}
