import type { FakeAnthropic } from '../server.js';

export interface SseFrame {
  event: string;
  data: Record<string, unknown>;
}

/** Parses a complete SSE body into frames; throws on a frame whose data is not JSON. */
export function parseSse(text: string): SseFrame[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** A request body shaped like the CLI's, with the given user text as the last message. */
export function messagesBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-test-model',
    max_tokens: 1000,
    stream: true,
    system: [{ type: 'text', text: 'You are a test.' }],
    tools: [{ name: 'Read', input_schema: { type: 'object' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    ...extra,
  };
}

/** POSTs to /v1/messages?beta=true like the CLI does. */
export function postMessages(fake: FakeAnthropic, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'test-key',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
    ...init,
  });
}

/** The text of every text_delta, in order. */
export function textDeltas(frames: SseFrame[]): string[] {
  return frames
    .filter((f) => f.event === 'content_block_delta')
    .map((f) => f.data.delta as { type: string; text?: string })
    .filter((d) => d.type === 'text_delta')
    .map((d) => d.text ?? '');
}
