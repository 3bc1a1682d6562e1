import { MAX_TIMER_MS } from '@claude-code-server/core/internal';
import { z } from 'zod';
import { InvalidAgentInputError } from '../errors.js';

/** A delay in ms from `min` up to what a Node timer can wait for (a longer one would fire at once). */
export function timerMs(min: number) {
  return z.number().int().min(min).max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} ms (about 24.8 days)`);
}

/** Throws InvalidAgentInputError naming `field` unless `value` is such a delay. */
export function checkTimerMs(field: string, value: unknown, min: number): void {
  if (!timerMs(min).safeParse(value).success) {
    throw new InvalidAgentInputError(field, `must be an integer from ${min} to ${MAX_TIMER_MS} (ms)`);
  }
}
