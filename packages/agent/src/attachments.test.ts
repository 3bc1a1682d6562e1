import { describe, expect, it } from 'vitest';
import { InvalidAgentInputError } from './errors.js';
import { transcriptOf, useAgentHarness } from './test-support/harness.js';

// A 1x1 PNG.
const PIXEL =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('attachments: content blocks after the message text (real CLI)', () => {
  const t = useAgentHarness();

  it('sends the image and text blocks to the model with the message, and stores only the text', async () => {
    const agent = await t.h.agent(t.store);
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } };
    const file = { type: 'text', text: '<file name="notes.md">\nbuy milk\n</file>' };
    t.h.fake.enqueue({ type: 'text', text: 'a single pixel' });
    const response = await agent.chat('what is in the picture?', {
      userId: 'iris',
      attachments: [image, file],
    });
    expect(response.content).toBe('a single pixel');

    const messages = (t.h.fake.conversationRequests().at(-1)?.messages ?? []) as Array<{
      role: string;
      content: string | Array<Record<string, unknown>>;
    }>;
    const sent = {
      content: messages
        .filter((m) => m.role === 'user')
        .flatMap((m) => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content)),
    };
    expect(sent.content).toContainEqual(expect.objectContaining(image));
    // The CLI ends a text block with a newline.
    expect(sent.content).toContainEqual({ type: 'text', text: `${file.text}\n` });
    expect(sent.content).toContainEqual(
      expect.objectContaining({ type: 'text', text: 'what is in the picture?' }),
    );

    const history = await agent.getConversationHistory('iris');
    expect(transcriptOf(history.messages)).toEqual([
      'user: what is in the picture?',
      'assistant: a single pixel',
    ]);
  });

  it('refuses attachments that are not content blocks, naming the one', async () => {
    const agent = await t.h.agent(t.store);
    const refusal = await agent
      .chat('hi', { userId: 'iris', attachments: [{ type: 'text', text: 'a' }, { text: 'b' }] })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(InvalidAgentInputError);
    expect(refusal).toMatchObject({ field: 'options.attachments[1].type' });
  });
});
