import {
  InvalidJobInputError,
  JobCancelledError,
  JobExistsError,
  JobQueueClosedError,
  JobQueueError,
  JobQueueUnavailableError,
} from './errors.js';
import type { BackendJob, JobQueueBackend, JobResult } from './job-queue-backend.js';
import type { CancelOutcome, JobHandler, JobInfo, JobQueue, JsonValue, WorkOptions } from './types.js';
import { validateConcurrency, validatePayload, validateTaskId } from './validate.js';

/** How long an abort for a job not (yet) running here is remembered: covers a job fetched but not started. */
const EARLY_ABORT_MS = 60_000;

/** The one JobQueue skeleton: every adapter is a `JobQueueBackend` wrapped in it. */
export class BackedJobQueue<Payload extends JsonValue = JsonValue> implements JobQueue<Payload> {
  private readonly running = new Map<string, AbortController>();
  private readonly earlyAborts = new Map<string, number>();
  private readonly runs = new Set<Promise<JobResult>>();
  private working = false;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly backend: JobQueueBackend,
    private readonly label: string,
  ) {}

  async enqueue(taskId: string, payload: Payload): Promise<void> {
    validateTaskId(taskId);
    const value = validatePayload(payload);
    if (!(await this.call('enqueue', () => this.backend.add(taskId, value))))
      throw new JobExistsError(taskId);
  }

  async work(handler: JobHandler<Payload>, options: WorkOptions): Promise<void> {
    const concurrency = validateConcurrency(options?.concurrency);
    if (typeof handler !== 'function') throw new InvalidJobInputError('handler', 'expected a function');
    this.guard();
    if (this.working) throw new InvalidJobInputError('handler', 'this queue already has workers');
    this.working = true;
    await this.call('listen', () => this.backend.listen((taskId) => this.abortLocal(taskId)));
    await this.call('work', () =>
      this.backend.start(concurrency, (job) => this.track(this.run(handler, job))),
    );
  }

  async cancel(taskId: string): Promise<CancelOutcome> {
    validateTaskId(taskId);
    return this.call('cancel', () => this.backend.cancel(taskId));
  }

  async get(taskId: string): Promise<JobInfo | null> {
    validateTaskId(taskId);
    return this.call('get', () => this.backend.get(taskId));
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.backend.stop().catch(() => undefined);
      await Promise.allSettled([...this.runs]);
      await this.backend.close();
    })();
    return this.closed;
  }

  private async run(handler: JobHandler<Payload>, job: BackendJob): Promise<JobResult> {
    const controller = new AbortController();
    this.running.set(job.taskId, controller);
    const abortedEarly = this.earlyAborts.get(job.taskId);
    if (abortedEarly !== undefined && Date.now() - abortedEarly < EARLY_ABORT_MS) {
      controller.abort(new JobCancelledError(job.taskId));
    }
    this.earlyAborts.delete(job.taskId);
    try {
      if (controller.signal.aborted) return { outcome: 'cancelled' };
      await handler(
        { taskId: job.taskId, payload: job.payload as Payload, attempt: job.attempt },
        controller.signal,
      );
      return controller.signal.aborted ? { outcome: 'cancelled' } : { outcome: 'completed' };
    } catch (error) {
      if (controller.signal.reason instanceof JobCancelledError) return { outcome: 'cancelled' };
      return { outcome: 'failed', message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.running.delete(job.taskId);
    }
  }

  private track(run: Promise<JobResult>): Promise<JobResult> {
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run));
    return run;
  }

  private abortLocal(taskId: string): void {
    const controller = this.running.get(taskId);
    if (controller) {
      controller.abort(new JobCancelledError(taskId));
      return;
    }
    const now = Date.now();
    for (const [id, at] of this.earlyAborts) if (now - at >= EARLY_ABORT_MS) this.earlyAborts.delete(id);
    this.earlyAborts.set(taskId, now);
  }

  private guard(): void {
    if (this.closed) throw new JobQueueClosedError();
  }

  /** Runs a backend call: refused once closed; a driver's error becomes JobQueueUnavailableError. */
  private async call<T>(operation: string, body: () => Promise<T>): Promise<T> {
    this.guard();
    try {
      return await body();
    } catch (error) {
      if (error instanceof JobQueueError) throw error;
      throw new JobQueueUnavailableError(
        `${this.label}: ${operation} failed: ${(error as Error)?.message ?? error}`,
        {
          cause: error,
        },
      );
    }
  }
}
