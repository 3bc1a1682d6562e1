import { replies } from '@claude-code-server/fake-anthropic';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';

// A 1x1 PNG.
const PIXEL =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

let h: ServerHarness;
let server: ClaudeCodeServer;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({ attachments: { max_count: 3, max_image_bytes: '1kb', max_file_bytes: 64 } });
});
afterAll(async () => {
  await h?.close();
});

/** The content blocks of the user messages of the model request that answered `text`. */
function userBlocks(text: string): Array<Record<string, unknown>> {
  const sent = h.fake.conversationRequests().find((r) => r.lastUserText.includes(text));
  const messages = (sent?.messages ?? []) as Array<{ role: string; content: unknown }>;
  return messages
    .filter((m) => m.role === 'user')
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []));
}

describe('attachments', () => {
  it('sends an image and a text file to the model as content blocks, and stores what they were', async () => {
    h.fake.enqueue(replies.text('A tiny picture and a list.'));
    const res = await request(server.app)
      .post('/chat')
      .send({
        message: 'What do you see?',
        user_id: 'pat',
        attachments: [
          { type: 'image', media_type: 'image/png', data: PIXEL, name: 'pixel.png' },
          { type: 'file', name: 'list.md', media_type: 'text/markdown', data: base64('- milk\n- eggs') },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.content).toBe('A tiny picture and a list.');
    const blocks = userBlocks('What do you see?');
    expect(blocks).toContainEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: PIXEL },
    });
    expect(blocks).toContainEqual({ type: 'text', text: '<file name="list.md">\n- milk\n- eggs\n</file>\n' });

    const stored = await server.agent.getConversationHistory({
      userId: 'anonymous:pat',
      sessionId: 'anonymous:user_pat',
    });
    expect(stored.messages[0]).toMatchObject({
      role: 'user',
      content: 'What do you see?',
      metadata: {
        attachments: [
          {
            type: 'image',
            name: 'pixel.png',
            media_type: 'image/png',
            bytes: Buffer.from(PIXEL, 'base64').length,
          },
          { type: 'file', name: 'list.md', media_type: 'text/markdown', bytes: 13 },
        ],
      },
    });
  });

  it('refuses a bad attachment with a 400 naming the field, before any turn runs', async () => {
    const requestsBefore = h.fake.requests.length;
    const image = { type: 'image', media_type: 'image/png', data: PIXEL };
    const cases: Array<[unknown[], string]> = [
      [
        [{ ...image, media_type: 'image/tiff' }],
        'attachments[0].media_type: must be one of image/png, image/jpeg, image/gif, image/webp',
      ],
      [
        [image, { ...image, data: base64(Buffer.alloc(2048, 0x89)) }],
        'attachments[1].data: is 2048 bytes, more than attachments.max_image_bytes (1024)',
      ],
      [[{ ...image, media_type: 'image/jpeg' }], 'attachments[0].data: is not a image/jpeg image'],
      [
        [{ ...image, data: 'data:image/png;base64,AAAA' }],
        'attachments[0].data: must be base64 (A-Z a-z 0-9 + /, = padding; no data: prefix)',
      ],
      [
        [
          {
            type: 'file',
            name: 'x.txt',
            media_type: 'text/plain',
            data: base64(Buffer.from([0xff, 0xfe, 0x00])),
          },
        ],
        'attachments[0].data: must be UTF-8 text',
      ],
      [
        [{ type: 'file', name: 'x.txt', media_type: 'text/plain', data: base64('x'.repeat(65)) }],
        'attachments[0].data: is 65 bytes, more than attachments.max_file_bytes (64)',
      ],
      [[{ type: 'file', media_type: 'text/plain', data: base64('hi') }], 'attachments[0].name: is required'],
      [[{ type: 'video', data: 'AAAA' }], 'attachments[0].type: must be image or file'],
      [[image, image, image, image], 'attachments: must hold at most 3 attachments'],
    ];
    for (const [attachments, message] of cases) {
      const res = await request(server.app)
        .post('/chat')
        .send({ message: 'look', user_id: 'pat', attachments });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', message });
    }
    expect(h.fake.requests.length).toBe(requestsBefore);
  });

  it('takes attachments on a streamed turn and an async task too', async () => {
    h.fake.enqueue(replies.text('Seen in a stream.'), replies.text('Seen in a task.'));
    const streamed = await request(server.app)
      .post('/chat/stream')
      .send({
        message: 'Streamed picture',
        user_id: 'pat',
        attachments: [{ type: 'image', media_type: 'image/png', data: PIXEL }],
      });
    expect(streamed.text).toContain('Seen in a stream.');
    expect(userBlocks('Streamed picture')).toContainEqual(expect.objectContaining({ type: 'image' }));

    const accepted = await request(server.app)
      .post('/chat/async')
      .send({
        message: 'Task picture',
        user_id: 'pat',
        attachments: [{ type: 'image', media_type: 'image/png', data: PIXEL }],
      });
    expect(accepted.status).toBe(202);
    await h.fake.waitForRequest((r) => r.lastUserText.includes('Task picture'));
    expect(userBlocks('Task picture')).toContainEqual(expect.objectContaining({ type: 'image' }));
  });
});
