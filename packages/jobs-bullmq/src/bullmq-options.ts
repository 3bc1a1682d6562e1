import type { Redis } from 'ioredis';

export interface BullMQJobQueueOptions {
  /** The queue's name: every node opening the same name (and prefix) shares its jobs. */
  name: string;
  /** Redis URL; default `REDIS_URL`, else redis://127.0.0.1:6379. Ignored when `client` is given. */
  url?: string;
  /** An ioredis client of yours: used (BullMQ duplicates it for blocking reads), never closed by the queue. */
  client?: Redis;
  /** Key prefix of BullMQ's keys (default `ccs-jobs`): keys are `<prefix>:<name>:...`. */
  prefix?: string;
  /**
   * A running job's lock lasts this long and is renewed at half of it; a worker that stops renewing it
   * (killed, frozen) has its job taken back within about twice this (default 5000 ms).
   */
  staleAfterMs?: number;
  /**
   * How many times a job whose worker died is handed to a worker again (default 1); past that it is
   * failed with `WORKER_LOST`.
   */
  deadWorkerRetries?: number;
  /** How long finished jobs stay visible to `get`, in ms (default one hour). */
  retentionMs?: number;
}
