import { z } from 'zod';
import { byteCount, nonEmptyString, positiveInt, timerMs, typeError } from './zod-helpers.js';

/** Human approval of tool calls. */
export const permissionsSchema = z.strictObject({
  /** A permission request nobody answers within this long is denied. */
  approval_timeout_ms: timerMs(100).default(300_000),
});

const mediaTypeList = z
  .array(nonEmptyString.regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'must be a media type such as image/png'), {
    error: typeError('must be a list of media types'),
  })
  .min(1, 'must name at least one media type');

/** Images and text files a message may carry. */
export const attachmentsConfigSchema = z.strictObject({
  /** Most attachments one message may carry (0: none allowed). */
  max_count: z.number().int('must be an integer').nonnegative('must be 0 or more').default(10),
  /** Most decoded bytes of one image. */
  max_image_bytes: byteCount.prefault('5mb'),
  /** Most decoded bytes of one text file. */
  max_file_bytes: byteCount.prefault('512kb'),
  image_types: mediaTypeList.default(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  file_types: mediaTypeList.default([
    'text/plain',
    'text/markdown',
    'text/csv',
    'text/html',
    'text/x-python',
    'application/json',
    'application/x-yaml',
  ]),
});

/** GET /ws. */
export const websocketSchema = z.strictObject({
  enabled: z.boolean({ error: typeError('must be true or false') }).default(true),
  /** A protocol ping is sent this often; a connection that has not answered the previous one is closed. */
  ping_interval_ms: timerMs(100).default(30_000),
  /** A connection that has not authenticated within this long is closed. */
  auth_timeout_ms: timerMs(100).default(10_000),
  /** Turns one connection may run at once; a message beyond it gets an error frame (429). */
  max_turns: positiveInt.default(8),
  /**
   * Bytes a connection may leave unread. Above a quarter of it the server stops reading the client's
   * frames until it catches up; above it the connection is dropped and its turns interrupted.
   */
  buffer_limit: byteCount.prefault('4mb'),
});

export type PermissionsConfig = z.output<typeof permissionsSchema>;
export type AttachmentsConfig = z.output<typeof attachmentsConfigSchema>;
export type WebSocketConfig = z.output<typeof websocketSchema>;
