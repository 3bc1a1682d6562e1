import type { ChatRequest, PermissionAnswer, WsClientFrame, WsServerFrame } from './api-types.js';
import { abortedError, type ClaudeCodeServerClientError, ConnectionError, errorFromBody } from './errors.js';
import { EventQueue } from './event-queue.js';
import type { ChatStreamEvent } from './stream-events.js';

/** What the client needs of a WebSocket: the browser's `WebSocket` and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'message' | 'close' | 'error',
    listener: (event: WebSocketEventLike) => void,
  ): void;
}

/** The fields of the events the client reads: `data` of a message, `code` and `reason` of a close. */
export interface WebSocketEventLike {
  readonly type: string;
  data?: unknown;
  code?: number;
  reason?: string;
}

/** A WebSocket constructor: the browser's global one, or `WebSocket` of the `ws` package in Node 20. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** A turn over the socket: its events, as `chatStream` yields them, and a way to interrupt it. */
export interface SocketTurn extends AsyncIterable<ChatStreamEvent> {
  /** Tags the turn's frames (the request's `turn_id`, or one the socket chose). */
  readonly turnId: string;
  /** Asks the server to interrupt the turn; its events end with the error the server reports. */
  interrupt(): void;
}

type ServerFrame<Type extends WsServerFrame['type']> = Extract<WsServerFrame, { type: Type }>;
type Answered = ServerFrame<'answered'>;

const OPEN = 1;

/** The typed error of an `error` frame (the same code and status the HTTP API answers with). */
function frameError(frame: ServerFrame<'error'>): ClaudeCodeServerClientError {
  return errorFromBody(frame.status, { success: false, error: frame.error });
}

/**
 * One connection to GET /ws: many turns at once, permission answers and pings, each matched to its
 * answer by id. Made by `ClaudeCodeServerClient.connect`.
 */
export class ClaudeCodeServerSocket {
  private readonly turns = new Map<string, EventQueue<ChatStreamEvent>>();
  private readonly answers = new Map<
    string,
    { resolve: (frame: Answered) => void; reject: (error: unknown) => void }
  >();
  private readonly pongs = new Map<string, () => void>();
  private counter = 0;
  private closedError: ClaudeCodeServerClientError | undefined;

  /** @internal Use `ClaudeCodeServerClient.connect`. */
  constructor(private readonly ws: WebSocketLike) {
    ws.addEventListener('message', (event) => this.onFrame(event.data));
    ws.addEventListener('close', (event) => {
      this.onClosed(
        new ConnectionError(
          'NETWORK_ERROR',
          `the WebSocket closed (${event.code ?? 'no code'} ${event.reason ?? ''})`.trim(),
        ),
      );
    });
  }

  /** True until the connection closed. */
  get open(): boolean {
    return this.closedError === undefined && this.ws.readyState === OPEN;
  }

  /**
   * Starts a turn (the fields of a /chat body). Its events end with `done`; an `error` event or
   * frame is thrown as its typed error. Aborting `signal` or leaving the loop early interrupts it.
   */
  send(body: ChatRequest & { turn_id?: string }, options: { signal?: AbortSignal } = {}): SocketTurn {
    const turnId = body.turn_id ?? `turn_${++this.counter}`;
    const events = new EventQueue<ChatStreamEvent>();
    const interrupt = () => {
      if (!events.finished && this.open) this.write({ type: 'interrupt', turn_id: turnId });
    };
    if (this.closedError) events.fail(this.closedError);
    else if (options.signal?.aborted) events.fail(abortedError(options.signal));
    else {
      this.turns.set(turnId, events);
      this.write({ ...body, type: 'message', turn_id: turnId });
      options.signal?.addEventListener(
        'abort',
        () => {
          interrupt();
          events.fail(abortedError(options.signal as AbortSignal));
          this.turns.delete(turnId);
        },
        { once: true },
      );
    }
    const turns = this.turns;
    return {
      turnId,
      interrupt,
      async *[Symbol.asyncIterator]() {
        try {
          yield* events;
        } finally {
          // Left before the end (break, a throw): the turn is not wanted any more.
          interrupt();
          turns.delete(turnId);
        }
      },
    };
  }

  /** Answers a permission request (of any turn of this tenant, on any connection or server). */
  answerPermission(requestId: string, answer: PermissionAnswer): Promise<Answered> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.answers.set(requestId, { resolve, reject });
      this.write({ type: 'permission', request_id: requestId, ...answer } as WsClientFrame);
    });
  }

  /** Sends a ping frame and resolves when its pong arrives. */
  ping(): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = `ping_${++this.counter}`;
    return new Promise((resolve) => {
      this.pongs.set(id, resolve);
      this.write({ type: 'ping', id });
    });
  }

  /** Closes the connection; the server interrupts its running turns. */
  close(): void {
    this.ws.close(1000, 'closed by the client');
    this.onClosed(new ConnectionError('NETWORK_ERROR', 'the WebSocket was closed by the client'));
  }

  private write(frame: WsClientFrame): void {
    this.ws.send(JSON.stringify(frame));
  }

  private onFrame(data: unknown): void {
    let frame: WsServerFrame;
    try {
      frame = JSON.parse(String(data)) as WsServerFrame;
    } catch {
      return;
    }
    switch (frame.type) {
      case 'event': {
        const turn = this.turns.get(frame.turn_id);
        if (!turn) return;
        const { type: _type, turn_id: _turnId, ...event } = frame;
        if (event.event === 'error') {
          // Frames are parsed, not validated: a status the server left out is a 500.
          const { status } = event.data;
          turn.fail(errorFromBody(typeof status === 'number' ? status : 500, event.data));
        } else {
          turn.push(event);
          if (event.event === 'done') turn.end();
        }
        if (turn.finished) this.turns.delete(frame.turn_id);
        return;
      }
      case 'error': {
        const error = frameError(frame);
        if (frame.turn_id !== null) {
          this.turns.get(frame.turn_id)?.fail(error);
          this.turns.delete(frame.turn_id);
        }
        if (frame.request_id !== null) {
          this.answers.get(frame.request_id)?.reject(error);
          this.answers.delete(frame.request_id);
        }
        return;
      }
      case 'answered':
        this.answers.get(frame.request_id)?.resolve(frame);
        this.answers.delete(frame.request_id);
        return;
      case 'pong':
        if (frame.id !== undefined) this.pongs.get(frame.id)?.();
        if (frame.id !== undefined) this.pongs.delete(frame.id);
        return;
      default:
        // ready and accepted: connect waits for ready; a turn's events follow its accepted frame.
        return;
    }
  }

  private onClosed(error: ClaudeCodeServerClientError): void {
    if (this.closedError) return;
    this.closedError = error;
    for (const turn of this.turns.values()) turn.fail(error);
    for (const answer of this.answers.values()) answer.reject(error);
    this.turns.clear();
    this.answers.clear();
    this.pongs.clear();
  }
}

/**
 * Opens a socket on `url`, authenticates with an auth frame (browsers cannot send headers on an
 * upgrade) and resolves on the server's ready frame; a refused key rejects with AuthenticationError.
 */
export function openSocket(
  WebSocketImpl: WebSocketConstructor,
  url: string,
  apiKey: string | undefined,
  signal: AbortSignal | undefined,
): Promise<ClaudeCodeServerSocket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const ws = new WebSocketImpl(url);
    let settled = false;
    let refusal: ClaudeCodeServerClientError | undefined;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => {
      ws.close(1000, 'aborted');
      settle(() => reject(abortedError(signal as AbortSignal)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const socket = new ClaudeCodeServerSocket(ws);
    ws.addEventListener('open', () => {
      if (apiKey !== undefined)
        ws.send(JSON.stringify({ type: 'auth', token: apiKey } satisfies WsClientFrame));
    });
    ws.addEventListener('message', (event) => {
      let frame: WsServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as WsServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'ready') settle(() => resolve(socket));
      else if (frame.type === 'error' && !settled) refusal = frameError(frame);
    });
    ws.addEventListener('close', (event) => {
      settle(() =>
        reject(
          refusal ??
            new ConnectionError(
              'NETWORK_ERROR',
              `the WebSocket at ${url} closed before it was ready (${event.code ?? 'no code'} ${event.reason ?? ''})`.trim(),
            ),
        ),
      );
    });
    ws.addEventListener('error', () => {
      // A close event follows with the code; an upgrade refused over HTTP (401, 503) comes only as this.
      if (ws.readyState !== OPEN) {
        settle(() =>
          reject(refusal ?? new ConnectionError('NETWORK_ERROR', `the WebSocket at ${url} failed to open`)),
        );
      }
    });
  });
}
