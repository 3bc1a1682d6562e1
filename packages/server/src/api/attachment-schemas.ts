import { z } from 'zod';
import { typeError } from '../options/zod-helpers.js';

// The shapes of attachments a message may carry. What the server's config allows (media types,
// sizes, count) is checked by chat/attachment-limits.ts, which names the same fields.

const base64 = z
  .string({ error: typeError('must be a base64 string') })
  .min(1, 'must not be empty')
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 (A-Z a-z 0-9 + /, = padding; no data: prefix)');

const mediaType = z
  .string({ error: typeError('must be a media type such as image/png') })
  .min(1, 'must not be empty');

const fileName = z
  .string({ error: typeError('must be a string') })
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters');

/** An image, sent to the model as an image content block. */
export const imageAttachmentSchema = z
  .strictObject({
    type: z.literal('image'),
    media_type: mediaType.meta({ description: 'One of attachments.image_types.', example: 'image/png' }),
    data: base64.meta({ description: 'The image bytes, base64.' }),
    name: fileName.optional().meta({ description: 'A file name, for the logs and the stored message.' }),
  })
  .meta({ description: 'An image (base64) the model sees beside the message.' });

/** A text file, sent to the model as a text content block wrapped in `<file name="...">`. */
export const fileAttachmentSchema = z
  .strictObject({
    type: z.literal('file'),
    name: fileName.meta({ description: 'The file name the model is told.', example: 'notes.md' }),
    media_type: mediaType.meta({ description: 'One of attachments.file_types.', example: 'text/markdown' }),
    data: base64.meta({ description: 'The file bytes, base64; must be UTF-8 text.' }),
  })
  .meta({ description: 'A UTF-8 text file the model reads beside the message.' });

export const attachmentSchema = z.discriminatedUnion('type', [imageAttachmentSchema, fileAttachmentSchema], {
  error: () => 'must be image or file',
});

export const attachmentsSchema = z
  .array(attachmentSchema, { error: typeError('must be a list of attachments') })
  .meta({ description: 'Images and text files for the model (limits: the attachments config section).' });

export type AttachmentBody = z.output<typeof attachmentSchema>;
