import type { JobQueue } from '@claude-code-server/jobs';
import type { StoreConfig } from '../config/app-config-schema.js';

/** `tasks.queue` as the config says it. */
export type TaskQueueChoice = 'auto' | 'in-process' | 'bullmq' | 'pg-boss';

/** The queue that goes with each shared store: the one `auto` picks, and the only one allowed beside it. */
const QUEUE_STORE = { bullmq: 'redis', 'pg-boss': 'postgres' } as const;

/** What is wrong with `tasks.queue` beside this store (a shared queue lives where the store does). */
export function taskQueueProblems(
  choice: TaskQueueChoice,
  store: StoreConfig,
): Array<{ path: string; problem: string }> {
  if (choice !== 'bullmq' && choice !== 'pg-boss') return [];
  const needed = QUEUE_STORE[choice];
  if (store.type === needed) return [];
  return [
    {
      path: 'tasks.queue',
      problem: `${choice} runs on the ${needed} store, and store.type is ${store.type}: use store.type ${needed}, or tasks.queue in-process or auto`,
    },
  ];
}

/** The queue `createTaskQueueFromConfig` opens for this choice and store, as the startup log names it. */
export function taskQueueName(
  choice: TaskQueueChoice,
  store: StoreConfig,
): 'in-process' | 'bullmq' | 'pg-boss' {
  if (choice === 'in-process') return 'in-process';
  if (store.type === 'redis') return 'bullmq';
  if (store.type === 'postgres') return 'pg-boss';
  return 'in-process';
}

/**
 * The job queue async tasks go through, on the store's Redis or PostgreSQL, or undefined for the
 * in-process one (memory and SQLite, or `in-process`). Only the chosen queue's package is imported,
 * so a Redis user never loads pg.
 */
export async function createTaskQueueFromConfig(
  choice: TaskQueueChoice,
  store: StoreConfig,
): Promise<JobQueue | undefined> {
  const name = taskQueueName(choice, store);
  if (store.type === 'redis' && name === 'bullmq') {
    const { createBullMQJobQueue } = await import('@claude-code-server/jobs-bullmq');
    return createBullMQJobQueue({
      name: 'tasks',
      url: store.url,
      ...(store.key_prefix ? { prefix: `${store.key_prefix}jobs` } : {}),
    });
  }
  if (store.type === 'postgres' && name === 'pg-boss') {
    const { createPgBossJobQueue } = await import('@claude-code-server/jobs-pgboss');
    return createPgBossJobQueue({
      name: 'tasks',
      url: store.url,
      ...(store.schema ? { schema: `${store.schema}_jobs` } : {}),
    });
  }
  return undefined;
}
