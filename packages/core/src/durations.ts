import { z } from 'zod';

/** The longest delay a Node timer takes (about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

const tooLong = `must be at most ${MAX_TIMER_MS} ms (about 24.8 days)`;
/** A duration in ms that a timer can wait for: at least 1 ms. */
export const positiveMs = z.number().int().positive().max(MAX_TIMER_MS, tooLong);
/** A duration in ms that a timer can wait for, 0 allowed. */
export const nonNegativeMs = z.number().int().nonnegative().max(MAX_TIMER_MS, tooLong);
