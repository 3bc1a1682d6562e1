import { toHttpError } from '../errors/map-error.js';
import { chatResponseBody } from './response-body.js';
import { type SseEvent, toSseEvent } from './stream-events.js';
import type { PreparedTurn, TurnService } from './turn-service.js';

/**
 * Runs a turn and sends its events as SSE-shaped events, then `done` with the POST /chat body or
 * `error` {success: false, error, status}: the one path of /chat/stream and the WebSocket. A turn
 * aborted through `signal` ends with no event unless `reportAbort` (a WebSocket interrupt, whose
 * client is still there).
 */
export async function streamTurn(
  turns: TurnService,
  turn: PreparedTurn,
  signal: AbortSignal,
  send: (event: SseEvent) => void,
  reportAbort = false,
): Promise<void> {
  try {
    const response = await turns.run(turn, signal, (event) => {
      const sseEvent = toSseEvent(event, turn.sessionId);
      if (sseEvent) send(sseEvent);
    });
    send({ event: 'done', data: chatResponseBody(response, turn.sessionId) });
  } catch (error) {
    if (signal.aborted && !reportAbort) return;
    const http = toHttpError(error);
    send({ event: 'error', data: { ...http.toBody(), status: http.status } });
  }
}
