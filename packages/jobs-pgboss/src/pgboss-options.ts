export interface PgBossJobQueueOptions {
  /** The queue's name: every node opening the same name (and schema) shares its jobs. */
  name: string;
  /** PostgreSQL URL; default `DATABASE_URL`, else postgres://postgres@127.0.0.1:5432/postgres. */
  url?: string;
  /** The schema pg-boss creates its tables in (default `ccs_jobs`), apart from the stores' tables. */
  schema?: string;
  /**
   * A running job's heartbeat keeps it alive this long (renewed every third of it); a job whose worker
   * stopped beating (killed, frozen, cut off) expires after it and is handed on at the next maintenance,
   * which runs as often: within about twice this (default 10 000 ms, whole seconds, at least 1 s).
   */
  staleAfterMs?: number;
  /**
   * How many times a job whose worker died is handed to a worker again (default 1); past that it is
   * failed with `WORKER_LOST`.
   */
  deadWorkerRetries?: number;
  /** How often an idle worker looks for jobs besides being woken by a notification (default 2000 ms). */
  pollIntervalMs?: number;
  /** How long finished jobs stay visible to `get`, in ms (default one hour, at least 1 s). */
  retentionMs?: number;
}
