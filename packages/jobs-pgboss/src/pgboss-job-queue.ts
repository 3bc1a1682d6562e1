import { createHash } from 'node:crypto';
import type {
  BackendJob,
  CancelOutcome,
  JobInfo,
  JobQueueBackend,
  JobResult,
  JsonValue,
} from '@claude-code-server/jobs';
import { BackedJobQueue, InvalidJobInputError, WORKER_LOST_REASON } from '@claude-code-server/jobs';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { PgBossJobQueueOptions } from './pgboss-options.js';
import { dropWaitingSql, heartbeatSql, SCHEMA_NAME } from './pgboss-sql.js';

interface JobData {
  taskId: string;
  payload: JsonValue;
}

/** What a notification on the schema's channel says: a job was added, or its abort was asked for. */
interface Notice {
  queue: string;
  kind: 'added' | 'abort';
  taskId?: string;
}

/** pg-boss's output for a job it failed because it expired. */
const EXPIRED = 'job failed by timeout in active state';

/** pg-boss ids are uuids: one derived from the task id (name-based, like a v5 uuid). */
export function jobIdOf(taskId: string): string {
  const hex = createHash('sha1').update(`ccs-job:${taskId}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

class PgBossJobQueueBackend implements JobQueueBackend {
  private readonly boss: PgBoss;
  private readonly url: string;
  private readonly schema: string;
  private readonly channel: string;
  private readonly staleAfterSeconds: number;
  private started: Promise<void> | null = null;
  private listener: pg.Client | null = null;
  private onAbort: (taskId: string) => void = () => {};
  private run: ((job: BackendJob) => Promise<JobResult>) | null = null;
  private concurrency = 0;
  private readonly active = new Map<string, Promise<void>>();
  private pollTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private fetching = false;

  constructor(private readonly options: PgBossJobQueueOptions) {
    this.schema = options.schema ?? 'ccs_jobs';
    if (!SCHEMA_NAME.test(this.schema))
      throw new InvalidJobInputError('schema', 'expected /^[a-z_][a-z0-9_]{0,50}$/');
    this.channel = `${this.schema}_events`;
    this.url = options.url ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    this.staleAfterSeconds = Math.max(1, Math.round((options.staleAfterMs ?? 10_000) / 1000));
    const retentionSeconds = Math.max(1, Math.round((options.retentionMs ?? 3_600_000) / 1000));
    this.boss = new PgBoss({
      connectionString: this.url,
      schema: this.schema,
      schedule: false,
      maintenanceIntervalSeconds: this.staleAfterSeconds,
      archiveCompletedAfterSeconds: retentionSeconds,
      archiveFailedAfterSeconds: retentionSeconds,
      deleteAfterSeconds: 60,
    });
    // Maintenance errors (a lost connection) are retried at the next interval; without a listener
    // pg-boss's EventEmitter would throw them.
    this.boss.on('error', () => {});
  }

  /**
   * One in-flight start: creates the schema and the queue once. Nodes starting together take turns
   * under an advisory lock: pg-boss's schema and queue creation deadlock when they run at once.
   */
  private ready(): Promise<void> {
    this.started ??= (async () => {
      const lock = new pg.Client({ connectionString: this.url });
      lock.on('error', () => {});
      await lock.connect();
      try {
        await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [
          `ccs-jobs-pgboss:${this.schema}`,
        ]);
        await this.boss.start();
        const retries = this.options.deadWorkerRetries ?? 1;
        await this.boss.createQueue(this.options.name, {
          name: this.options.name,
          retryLimit: retries,
          retryDelay: 0,
          expireInSeconds: this.staleAfterSeconds,
        });
      } finally {
        // Ending the session gives the lock back.
        await lock.end().catch(() => undefined);
      }
    })();
    // A failed start (PostgreSQL unreachable) is tried again by the next call.
    this.started.catch(() => {
      this.started = null;
    });
    return this.started;
  }

  async add(taskId: string, payload: JsonValue): Promise<boolean> {
    await this.ready();
    const id = await this.boss.send(this.options.name, { taskId, payload } satisfies JobData, {
      id: jobIdOf(taskId),
    });
    if (id === null) return false;
    await this.notify({ queue: this.options.name, kind: 'added' });
    return true;
  }

  async start(concurrency: number, run: (job: BackendJob) => Promise<JobResult>): Promise<void> {
    await this.ready();
    this.run = run;
    this.concurrency = concurrency;
    this.pollTimer = setInterval(() => void this.fill(), this.options.pollIntervalMs ?? 2000);
    this.heartbeatTimer = setInterval(() => void this.beat(), (this.staleAfterSeconds * 1000) / 3);
    void this.fill();
  }

  async cancel(taskId: string): Promise<CancelOutcome> {
    await this.ready();
    const id = jobIdOf(taskId);
    const db = this.boss.getDb();
    if ((await db.executeSql(dropWaitingSql(this.schema), [this.options.name, id])).rows.length > 0)
      return 'dropped';
    const job = await this.boss.getJobById<JobData>(this.options.name, id);
    if (!job) return 'unknown';
    if (job.state !== 'active') return 'finished';
    await this.boss.cancel(this.options.name, id);
    await this.notify({ queue: this.options.name, kind: 'abort', taskId });
    return 'aborting';
  }

  async listen(onAbort: (taskId: string) => void): Promise<void> {
    this.onAbort = onAbort;
    this.listener = new pg.Client({ connectionString: this.url });
    this.listener.on('error', () => {});
    this.listener.on('notification', (message) => {
      const notice = JSON.parse(message.payload ?? '{}') as Notice;
      if (notice.queue !== this.options.name) return;
      if (notice.kind === 'abort' && notice.taskId) this.onAbort(notice.taskId);
      if (notice.kind === 'added') void this.fill();
    });
    await this.listener.connect();
    await this.listener.query(`LISTEN ${this.channel}`);
  }

  async get(taskId: string): Promise<JobInfo | null> {
    await this.ready();
    const job = await this.boss.getJobById<JobData>(this.options.name, jobIdOf(taskId));
    if (!job) return null;
    const output = (job.output ?? {}) as { failed?: string; message?: string; value?: { message?: string } };
    const started = job.startedOn !== null && job.startedOn !== undefined;
    const info = { taskId, attempts: started ? job.retryCount + 1 : 0 };
    switch (job.state) {
      case 'created':
      case 'retry':
        return { ...info, state: 'waiting', failedReason: null };
      case 'active':
        return { ...info, state: 'active', failedReason: null };
      case 'cancelled':
        return { ...info, state: 'cancelled', failedReason: null };
      case 'failed': {
        const message = output.value?.message ?? output.message ?? 'failed';
        return { ...info, state: 'failed', failedReason: message === EXPIRED ? WORKER_LOST_REASON : message };
      }
      default:
        // A handler's failure is stored as a completion (pg-boss would retry a failure).
        return output.failed === undefined
          ? { ...info, state: 'completed', failedReason: null }
          : { ...info, state: 'failed', failedReason: output.failed };
    }
  }

  async stop(): Promise<void> {
    this.run = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await Promise.allSettled([...this.active.values()]);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
  }

  async close(): Promise<void> {
    await this.listener?.end().catch(() => undefined);
    if (this.started) await this.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  }

  private async notify(notice: Notice): Promise<void> {
    await this.boss.getDb().executeSql('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(notice)]);
  }

  /** Fetches jobs while this node has free slots. */
  private async fill(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    const run = this.run;
    try {
      while (run && this.run && this.active.size < this.concurrency) {
        const free = this.concurrency - this.active.size;
        const jobs = await this.boss.fetch<JobData>(this.options.name, {
          batchSize: free,
          includeMetadata: true,
        });
        // A fetched job is active in pg-boss: it runs even if stop() came meanwhile (stop waits for it).
        for (const job of jobs) this.execute(job, run);
        if (jobs.length < free) break;
      }
    } catch {
      // The next poll or notification tries again.
    } finally {
      this.fetching = false;
    }
  }

  private execute(job: PgBoss.JobWithMetadata<JobData>, run: (job: BackendJob) => Promise<JobResult>): void {
    const done = (async () => {
      const result = await run({
        taskId: job.data.taskId,
        payload: job.data.payload,
        attempt: job.retryCount + 1,
      });
      // complete() only touches a job that is still active: a cancelled one stays cancelled.
      if (result.outcome === 'completed') await this.boss.complete(this.options.name, job.id);
      else if (result.outcome === 'failed')
        await this.boss.complete(this.options.name, job.id, { failed: result.message });
    })()
      .catch(() => undefined)
      .finally(() => {
        this.active.delete(job.id);
        void this.fill();
      });
    this.active.set(job.id, done);
  }

  private async beat(): Promise<void> {
    if (this.active.size === 0) return;
    await this.boss
      .getDb()
      .executeSql(heartbeatSql(this.schema), [this.options.name, [...this.active.keys()]])
      .catch(() => undefined);
  }
}

/** A JobQueue on PostgreSQL with pg-boss: any node runs a job, jobs survive restarts, dead workers are detected. */
export function createPgBossJobQueue<Payload extends JsonValue = JsonValue>(
  options: PgBossJobQueueOptions,
): BackedJobQueue<Payload> {
  return new BackedJobQueue<Payload>(new PgBossJobQueueBackend(options), `pg-boss job queue ${options.name}`);
}
