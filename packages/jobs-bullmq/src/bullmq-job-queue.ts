import type {
  BackendJob,
  CancelOutcome,
  JobInfo,
  JobQueueBackend,
  JobResult,
  JsonValue,
} from '@claude-code-server/jobs';
import { BackedJobQueue, WORKER_LOST_REASON } from '@claude-code-server/jobs';
import { Queue, QueueEvents, QueueEventsProducer, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BullMQJobQueueOptions } from './bullmq-options.js';

/** What a cancelled job's failedReason says in BullMQ (which has no cancelled state). */
const CANCELLED = 'ccs:cancelled';
/** The custom event (on the queue's own BullMQ event stream) that asks every node to abort a job. */
const CANCEL_EVENT = 'ccs:cancel';
/** BullMQ's failedReason for a job that stalled more than maxStalledCount times. */
const STALLED = /stalled more than allowable limit/;

interface JobData {
  payload: JsonValue;
}

class BullMQJobQueueBackend implements JobQueueBackend {
  private readonly connection: Redis;
  private readonly ownsConnection: boolean;
  private readonly queue: Queue<JobData>;
  private readonly producer: QueueEventsProducer;
  private events: QueueEvents | null = null;
  private worker: Worker<JobData> | null = null;
  private readonly prefix: string;
  private readonly staleAfterMs: number;
  private readonly retentionSeconds: number;

  constructor(private readonly options: BullMQJobQueueOptions) {
    this.ownsConnection = !options.client;
    this.connection =
      options.client ??
      new Redis(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
        maxRetriesPerRequest: null,
      });
    this.prefix = options.prefix ?? 'ccs-jobs';
    this.staleAfterMs = options.staleAfterMs ?? 5000;
    this.retentionSeconds = Math.ceil((options.retentionMs ?? 3_600_000) / 1000);
    const shared = { connection: this.connection, prefix: this.prefix };
    this.queue = new Queue<JobData>(options.name, shared);
    this.producer = new QueueEventsProducer(options.name, shared);
  }

  async add(taskId: string, payload: JsonValue): Promise<boolean> {
    // BullMQ returns the existing job for a known id instead of failing, so look first.
    if (await this.queue.getJob(taskId)) return false;
    await this.queue.add(
      'job',
      { payload },
      {
        jobId: taskId,
        attempts: 1,
        removeOnComplete: { age: this.retentionSeconds },
        removeOnFail: { age: this.retentionSeconds },
      },
    );
    return true;
  }

  async start(concurrency: number, run: (job: BackendJob) => Promise<JobResult>): Promise<void> {
    this.worker = new Worker<JobData>(
      this.options.name,
      async (job) => {
        const result = await run({
          taskId: job.id as string,
          payload: job.data.payload,
          attempt: job.attemptsStarted,
        });
        if (result.outcome === 'cancelled') throw new Error(CANCELLED);
        if (result.outcome === 'failed') throw new Error(result.message);
      },
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency,
        lockDuration: this.staleAfterMs,
        stalledInterval: this.staleAfterMs,
        maxStalledCount: this.options.deadWorkerRetries ?? 1,
      },
    );
    // Errors (a lost connection) are retried by BullMQ; without a listener they would be thrown.
    this.worker.on('error', () => {});
    await this.worker.waitUntilReady();
  }

  async cancel(taskId: string): Promise<CancelOutcome> {
    const job = await this.queue.getJob(taskId);
    if (!job) return 'unknown';
    const before = await job.getState();
    if (before === 'completed' || before === 'failed') return 'finished';
    // remove() refuses a locked (active) job, so a waiting job is either dropped here or running.
    if (before !== 'active' && (await this.queue.remove(taskId)) === 1) return 'dropped';
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return 'finished';
    if (state === 'unknown') return 'unknown';
    await this.producer.publishEvent({ eventName: CANCEL_EVENT, taskId });
    return 'aborting';
  }

  async listen(onAbort: (taskId: string) => void): Promise<void> {
    this.events = new QueueEvents(this.options.name, { connection: this.connection, prefix: this.prefix });
    this.events.on(CANCEL_EVENT as 'error', ((event: { taskId: string }) => onAbort(event.taskId)) as never);
    this.events.on('error', () => {});
    await this.events.waitUntilReady();
  }

  async get(taskId: string): Promise<JobInfo | null> {
    const job = await this.queue.getJob(taskId);
    if (!job) return null;
    const state = await job.getState();
    const info = { taskId, attempts: job.attemptsStarted };
    if (state === 'completed') return { ...info, state: 'completed', failedReason: null };
    if (state === 'failed') {
      if (job.failedReason === CANCELLED) return { ...info, state: 'cancelled', failedReason: null };
      const reason = STALLED.test(job.failedReason) ? WORKER_LOST_REASON : job.failedReason;
      return { ...info, state: 'failed', failedReason: reason };
    }
    if (state === 'active') return { ...info, state: 'active', failedReason: null };
    if (state === 'unknown') return null;
    return { ...info, state: 'waiting', failedReason: null };
  }

  async stop(): Promise<void> {
    await this.worker?.close();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events?.close(), this.producer.close(), this.queue.close()]);
    if (this.ownsConnection) await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

/** A JobQueue on Redis with BullMQ: any node runs a job, jobs survive restarts, dead workers are detected. */
export function createBullMQJobQueue<Payload extends JsonValue = JsonValue>(
  options: BullMQJobQueueOptions,
): BackedJobQueue<Payload> {
  return new BackedJobQueue<Payload>(new BullMQJobQueueBackend(options), `BullMQ job queue ${options.name}`);
}
