import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RunningTurns } from './running-turns.js';

/** After the deadline, how long interrupted turns get to end before shutdown goes on anyway. */
const INTERRUPT_GRACE_MS = 15_000;

/** Resolves when no turn runs, or after `ms`, whichever comes first. */
async function idleWithin(running: RunningTurns, ms: number): Promise<void> {
  const timer = new AbortController();
  await Promise.race([running.idle(), sleep(ms, undefined, { signal: timer.signal }).catch(() => {})]);
  timer.abort();
}

/** Lets running turns finish until the deadline, then interrupts the rest with `reason`. */
export async function drainTurns(
  running: RunningTurns,
  deadlineMs: number,
  reason: Error,
  logger: Logger,
): Promise<void> {
  if (running.size === 0) return;
  logger.info({ running: running.size, deadline_ms: deadlineMs }, 'shutdown: waiting for running turns');
  await idleWithin(running, deadlineMs);
  if (running.size === 0) return;
  logger.warn({ running: running.size }, 'shutdown: interrupting the turns still running');
  running.abortAll(reason);
  await idleWithin(running, INTERRUPT_GRACE_MS);
}
