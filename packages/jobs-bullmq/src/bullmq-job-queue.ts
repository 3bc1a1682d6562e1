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
/** How long a call waits for Redis to be reachable before it fails. */
const CONNECT_TIMEOUT_MS = 5000;
/** BullMQ's failedReason for a job that stalled more than maxStalledCount times. */
const STALLED = /stalled more than allowable limit/;

interface JobData {
  payload: JsonValue;
}

class BullMQJobQueueBackend implements JobQueueBackend {
  /** Queue calls: a bounded retry, so an unreachable Redis fails a call instead of holding it. */
  private readonly connection: Redis;
  /** Worker and events: blocking reads, which BullMQ wants without a retry limit; opened by `work`. */
  private blockingConnection: Redis | null = null;
  private readonly ownsConnection: boolean;
  private readonly url: string;
  private readonly queue: Queue<JobData>;
  private readonly producer: QueueEventsProducer;
  private events: QueueEvents | null = null;
  private worker: Worker<JobData> | null = null;
  private readonly prefix: string;
  private readonly staleAfterMs: number;
  private readonly retentionSeconds: number;

  constructor(private readonly options: BullMQJobQueueOptions) {
    this.ownsConnection = !options.client;
    this.url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.connection = options.client ?? new Redis(this.url, { maxRetriesPerRequest: 1 });
    // Without a listener ioredis prints every failed reconnect; the calls report the failure.
    if (this.ownsConnection) this.connection.on('error', () => {});
    this.prefix = options.prefix ?? 'ccs-jobs';
    this.staleAfterMs = options.staleAfterMs ?? 5000;
    this.retentionSeconds = Math.ceil((options.retentionMs ?? 3_600_000) / 1000);
    const shared = { connection: this.connection, prefix: this.prefix };
    this.queue = new Queue<JobData>(options.name, shared);
    this.queue.on('error', () => {});
    this.producer = new QueueEventsProducer(options.name, shared);
    this.producer.on('error', () => {});
  }

  /**
   * Waits for the connection to be ready, at most CONNECT_TIMEOUT_MS: BullMQ itself would hold a call
   * for as long as Redis is down.
   */
  private async reachable(): Promise<void> {
    if (this.connection.status === 'ready') return;
    let lastError: Error | undefined;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        lastError = error;
      };
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.connection.off('ready', onReady);
        this.connection.off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => done();
      const timer = setTimeout(() => {
        const why = lastError ? ` (${lastError.message})` : '';
        done(new Error(`Redis not reachable within ${CONNECT_TIMEOUT_MS} ms${why}`));
      }, CONNECT_TIMEOUT_MS);
      this.connection.on('ready', onReady);
      this.connection.on('error', onError);
    });
  }

  private blocking(): Redis {
    if (!this.blockingConnection) {
      this.blockingConnection = this.ownsConnection
        ? new Redis(this.url, { maxRetriesPerRequest: null })
        : (this.options.client as Redis);
      if (this.ownsConnection) this.blockingConnection.on('error', () => {});
    }
    return this.blockingConnection;
  }

  async add(taskId: string, payload: JsonValue): Promise<boolean> {
    await this.reachable();
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
    await this.reachable();
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
        connection: this.blocking(),
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
    await this.reachable();
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
    await this.reachable();
    this.events = new QueueEvents(this.options.name, { connection: this.blocking(), prefix: this.prefix });
    this.events.on(CANCEL_EVENT as 'error', ((event: { taskId: string }) => onAbort(event.taskId)) as never);
    this.events.on('error', () => {});
    await this.events.waitUntilReady();
  }

  async get(taskId: string): Promise<JobInfo | null> {
    await this.reachable();
    // The state first: a finished job does not change after it, so the job read next matches it.
    const state = await this.queue.getJobState(taskId);
    const job = await this.queue.getJob(taskId);
    if (!job) return null;
    const info = { taskId, attempts: job.attemptsStarted };
    if (state === 'completed') return { ...info, state: 'completed', failedReason: null };
    if (state === 'failed') {
      if (job.failedReason === CANCELLED) return { ...info, state: 'cancelled', failedReason: null };
      // BullMQ counts the stalled-beyond-limit move as a start too: each stall was one start that died.
      if (STALLED.test(job.failedReason)) {
        return { taskId, attempts: job.stalledCounter, state: 'failed', failedReason: WORKER_LOST_REASON };
      }
      return { ...info, state: 'failed', failedReason: job.failedReason };
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
    if (!this.ownsConnection) return;
    for (const connection of [this.connection, this.blockingConnection]) {
      await connection?.quit().catch(() => connection.disconnect());
    }
  }
}

/** A JobQueue on Redis with BullMQ: any node runs a job, jobs survive restarts, dead workers are detected. */
export function createBullMQJobQueue<Payload extends JsonValue = JsonValue>(
  options: BullMQJobQueueOptions,
): BackedJobQueue<Payload> {
  return new BackedJobQueue<Payload>(new BullMQJobQueueBackend(options), `BullMQ job queue ${options.name}`);
}
