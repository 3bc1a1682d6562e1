import type { AttachmentBody } from '../api/attachment-schemas.js';
import { badRequest } from '../errors/http-error.js';
import type { AttachmentsConfig } from '../options/config-schema.js';

/** A message's attachments as the model gets them, and as the stored message describes them. */
export interface CheckedAttachments {
  /** Content blocks for the CLI's stream-json input. */
  blocks: Array<Record<string, unknown>>;
  /** Stored with the user message (never the data). */
  described: Array<{ type: string; name: string | null; media_type: string; bytes: number }>;
}

/** The first bytes of each image type the model takes, so a mislabelled image is refused here. */
const IMAGE_SIGNATURES: Record<string, (bytes: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function sizeProblem(bytes: number, limit: number, key: string): string {
  return `is ${bytes} bytes, more than attachments.${key} (${limit})`;
}

/**
 * Checks attachments against the config (count, media type, decoded size, image signature, UTF-8
 * text): a 400 names the field (`attachments[1].media_type`). Images become image blocks; a text file
 * becomes a text block wrapping it in `<file name="...">`.
 */
export function checkAttachments(
  attachments: readonly AttachmentBody[] | undefined,
  config: AttachmentsConfig,
): CheckedAttachments | undefined {
  if (!attachments || attachments.length === 0) return undefined;
  if (attachments.length > config.max_count) {
    throw badRequest(
      'attachments',
      config.max_count === 0
        ? 'are not accepted by this server (attachments.max_count is 0)'
        : `must hold at most ${config.max_count} attachments`,
    );
  }
  const checked: CheckedAttachments = { blocks: [], described: [] };
  attachments.forEach((attachment, i) => {
    const field = `attachments[${i}]`;
    const types = attachment.type === 'image' ? config.image_types : config.file_types;
    if (!types.includes(attachment.media_type)) {
      throw badRequest(`${field}.media_type`, `must be one of ${types.join(', ')}`);
    }
    const data = Buffer.from(attachment.data, 'base64');
    if (attachment.type === 'image') {
      if (data.length > config.max_image_bytes) {
        throw badRequest(
          `${field}.data`,
          sizeProblem(data.length, config.max_image_bytes, 'max_image_bytes'),
        );
      }
      const matches = IMAGE_SIGNATURES[attachment.media_type];
      if (matches && !matches(data)) {
        throw badRequest(`${field}.data`, `is not a ${attachment.media_type} image`);
      }
      checked.blocks.push({
        type: 'image',
        source: { type: 'base64', media_type: attachment.media_type, data: attachment.data },
      });
    } else {
      if (data.length > config.max_file_bytes) {
        throw badRequest(`${field}.data`, sizeProblem(data.length, config.max_file_bytes, 'max_file_bytes'));
      }
      let text: string;
      try {
        text = utf8.decode(data);
      } catch {
        throw badRequest(`${field}.data`, 'must be UTF-8 text');
      }
      checked.blocks.push({
        type: 'text',
        text: `<file name=${JSON.stringify(attachment.name)}>\n${text}\n</file>`,
      });
    }
    checked.described.push({
      type: attachment.type,
      name: attachment.name ?? null,
      media_type: attachment.media_type,
      bytes: data.length,
    });
  });
  return checked;
}
