import { InvalidJobInputError } from './errors.js';
import type { JsonValue } from './types.js';

/** Fits every backend's job ids (BullMQ refuses ':'; pg-boss gets a uuid derived from it). */
const TASK_ID = /^[A-Za-z0-9_.-]{1,200}$/;
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export function validateTaskId(taskId: unknown): string {
  if (typeof taskId !== 'string' || !TASK_ID.test(taskId)) {
    throw new InvalidJobInputError('taskId', 'expected 1-200 characters of A-Z a-z 0-9 _ . -');
  }
  return taskId;
}

export function validatePayload(payload: unknown): JsonValue {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new InvalidJobInputError('payload', `not serialisable as JSON (${(error as Error).message})`);
  }
  if (json === undefined) throw new InvalidJobInputError('payload', 'expected a JSON value');
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new InvalidJobInputError('payload', `larger than ${MAX_PAYLOAD_BYTES} bytes as JSON`);
  }
  return JSON.parse(json) as JsonValue;
}

export function validateConcurrency(concurrency: unknown): number {
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidJobInputError('concurrency', 'expected an integer of at least 1');
  }
  return concurrency;
}
