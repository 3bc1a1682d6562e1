import { EventSourceParserStream } from 'eventsource-parser/stream';
import { abortedError, ClaudeCodeServerClientError, ConnectionError, errorFromBody } from './errors.js';
import type { ChatStreamEvent } from './stream-events.js';

export type { ChatStreamEvent } from './stream-events.js';

/**
 * The events of an open /chat/stream response, parsed with eventsource-parser, up to and including
 * `done`. An `error` event is thrown as its typed error; a stream cut before its end as ConnectionError.
 */
export async function* readChatStream(
  response: Response,
  signal: AbortSignal,
): AsyncGenerator<ChatStreamEvent> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (!response.body) throw new ConnectionError('NETWORK_ERROR', 'the stream answered without a body');
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        if (signal.aborted) throw abortedError(signal);
        throw new ConnectionError('NETWORK_ERROR', 'the stream was cut before its done event', {
          cause: error,
          requestId,
        });
      }
      if (next.done) {
        if (signal.aborted) throw abortedError(signal);
        throw new ConnectionError('NETWORK_ERROR', 'the stream ended before its done or error event', {
          requestId,
        });
      }
      const event = { event: next.value.event ?? 'message', data: parseData(next.value.data, requestId) };
      if (event.event === 'error') {
        const status = (event.data as { status?: unknown })?.status;
        throw errorFromBody(typeof status === 'number' ? status : 500, event.data, { requestId });
      }
      yield event as ChatStreamEvent;
      if (event.event === 'done') return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function parseData(data: string, requestId: string | undefined): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new ClaudeCodeServerClientError('UNEXPECTED_RESPONSE', 'a stream event was not JSON', {
      cause: error,
      requestId,
    });
  }
}
