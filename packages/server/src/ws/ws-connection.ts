import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type RawData, WebSocket } from 'ws';
import type { WsClientFrame, WsServerFrame } from '../api/ws-frame-schemas.js';
import { principalFor, takeRateLimit } from '../auth/authenticate.js';
import type { KeyTable } from '../auth/key-table.js';
import type { Principal } from '../auth/principal.js';
import type { SseEvent } from '../chat/stream-events.js';
import { streamTurn } from '../chat/turn-stream.js';
import { HttpError } from '../errors/http-error.js';
import { toHttpError } from '../errors/map-error.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { WebSocketConfig } from '../options/config-schema.js';
import type { RouteContext } from '../routes/context.js';
import { frameIds, parseClientFrame } from './ws-frames.js';

/** What every connection of the endpoint shares. */
export interface WsDeps {
  ctx: RouteContext;
  keys: KeyTable;
  rateLimiter: RateLimiter;
  config: WebSocketConfig;
  logger: Logger;
}

type MessageFrame = Extract<WsClientFrame, { type: 'message' }>;

/** The reason a turn of a closed connection is interrupted with. */
class SocketClosed extends Error {
  constructor() {
    super('the WebSocket closed');
    this.name = 'SocketClosed';
  }
}

/**
 * One WebSocket client: authentication, its frames one after another, its turns (each streamed as
 * the SSE events of /chat/stream, tagged with the turn id), keep-alive and backpressure.
 */
export class WsConnection {
  private readonly turns = new Map<string, AbortController>();
  private readonly log: Logger;
  /** Frames are handled in arrival order: an interrupt finds the turn its message started. */
  private frames: Promise<void> = Promise.resolve();
  private alive = true;
  private readonly pinger: NodeJS.Timeout;
  private authTimer: NodeJS.Timeout | undefined;
  private dropped = false;
  /** The client's frames are not read while it is behind on ours. */
  private readingPaused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: WsDeps,
    private principal: Principal | null,
    private readonly connectionId: string,
  ) {
    this.log = deps.logger.child({ ws_connection: connectionId });
    ws.on('message', (data, isBinary) => {
      this.frames = this.frames.then(() => this.onFrame(data, isBinary));
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.onClose());
    // 'close' follows every error.
    ws.on('error', (error) => this.log.debug({ err: error.message }, 'websocket error'));
    this.pinger = setInterval(() => {
      // A client we stopped reading cannot be heard answering.
      if (!this.alive && !this.readingPaused) {
        this.log.info('websocket closed: no pong since the last ping');
        ws.terminate();
        return;
      }
      this.alive = false;
      ws.ping();
    }, deps.config.ping_interval_ms);
    this.pinger.unref();
    if (principal) this.ready(principal);
    else {
      this.authTimer = setTimeout(() => ws.close(1008, 'no auth frame in time'), deps.config.auth_timeout_ms);
      this.authTimer.unref();
    }
  }

  private ready(principal: Principal): void {
    this.principal = principal;
    clearTimeout(this.authTimer);
    this.send({ type: 'ready', tenant: principal.tenant, key_name: principal.keyName });
  }

  private async onFrame(data: RawData, isBinary: boolean): Promise<void> {
    try {
      const frame = parseClientFrame(data, isBinary);
      await this.handle(frame);
    } catch (error) {
      const { turnId, requestId } = frameIds(data);
      this.sendError(error, turnId, requestId);
    }
  }

  private async handle(frame: WsClientFrame): Promise<void> {
    if (frame.type === 'ping') {
      this.send({ type: 'pong', ...(frame.id !== undefined ? { id: frame.id } : {}) });
      return;
    }
    if (frame.type === 'auth') {
      if (this.principal)
        throw new HttpError(400, 'INVALID_REQUEST', 'type: this connection is already authenticated');
      try {
        this.ready(principalFor(this.deps.keys, frame.token));
      } catch (error) {
        this.sendError(error, null, null);
        this.ws.close(1008, 'the API key is not valid');
      }
      return;
    }
    const principal = this.principal;
    if (!principal) {
      throw new HttpError(401, 'UNAUTHORIZED', 'type: send an auth frame {type: "auth", token} first');
    }
    switch (frame.type) {
      case 'message':
        return this.startTurn(principal, frame);
      case 'interrupt': {
        const turn = this.turns.get(frame.turn_id);
        if (!turn) {
          throw new HttpError(
            404,
            'NOT_FOUND',
            `turn_id: no running turn ${frame.turn_id} on this connection`,
            {
              details: { field: 'turn_id' },
            },
          );
        }
        turn.abort(new Error('interrupted by the client'));
        return;
      }
      case 'permission': {
        const { type: _type, request_id, ...answer } = frame;
        const answered = await this.deps.ctx.approvals.answer(principal, undefined, request_id, answer);
        this.send({
          type: 'answered',
          request_id,
          session_id: answered.session_id,
          behavior: answered.behavior,
        });
        return;
      }
    }
  }

  private async startTurn(principal: Principal, frame: MessageFrame): Promise<void> {
    const { ctx, config } = this.deps;
    const { type: _type, turn_id, ...body } = frame;
    const turnId = turn_id ?? `turn_${randomUUID()}`;
    if (this.turns.has(turnId)) {
      throw new HttpError(
        400,
        'INVALID_REQUEST',
        `turn_id: a turn ${turnId} is already running on this connection`,
        {
          details: { field: 'turn_id' },
        },
      );
    }
    if (ctx.isDraining()) {
      throw new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down', { retryAfterMs: 5_000 });
    }
    if (this.turns.size >= config.max_turns) {
      throw new HttpError(
        429,
        'RATE_LIMITED',
        `this connection already runs ${config.max_turns} turns (websocket.max_turns); wait for one to end`,
      );
    }
    await takeRateLimit(this.deps.rateLimiter, principal);
    const turn = await ctx.turns.prepare(principal, body, this.connectionId, true);
    await ctx.turns.admit(turn);
    const controller = new AbortController();
    this.turns.set(turnId, controller);
    this.send({ type: 'accepted', turn_id: turnId, session_id: turn.sessionId });
    void streamTurn(
      ctx.turns,
      turn,
      controller.signal,
      (event) => this.sendEvent(turnId, event),
      true,
    ).finally(() => this.turns.delete(turnId));
  }

  private sendEvent(turnId: string, event: SseEvent): void {
    this.send({ type: 'event', turn_id: turnId, event: event.event, data: event.data });
  }

  private sendError(error: unknown, turnId: string | null, requestId: string | null): void {
    const http = toHttpError(error);
    this.send({
      type: 'error',
      turn_id: turnId,
      request_id: requestId,
      error: http.toBody().error,
      status: http.status,
    });
  }

  /**
   * Sends a frame. Past websocket.buffer_limit unsent the connection is dropped (its turns are
   * interrupted); above a quarter of it the client's own frames are not read until it catches up.
   */
  private send(frame: WsServerFrame): void {
    const { ws } = this;
    if (ws.readyState !== WebSocket.OPEN) return;
    const limit = this.deps.config.buffer_limit;
    ws.send(JSON.stringify(frame), () => {
      if (this.readingPaused && ws.bufferedAmount <= limit / 4) {
        this.readingPaused = false;
        ws.resume();
      }
    });
    if (ws.bufferedAmount > limit) this.drop(ws.bufferedAmount);
    else if (ws.bufferedAmount > limit / 4 && !this.readingPaused) {
      this.readingPaused = true;
      ws.pause();
    }
  }

  private drop(bufferedBytes: number): void {
    if (this.dropped) return;
    this.dropped = true;
    this.log.warn(
      { buffered_bytes: bufferedBytes, limit: this.deps.config.buffer_limit },
      'websocket dropped: the client stopped reading',
    );
    this.ws.terminate();
  }

  private onClose(): void {
    clearInterval(this.pinger);
    clearTimeout(this.authTimer);
    for (const turn of this.turns.values()) turn.abort(new SocketClosed());
  }

  /** Closes the connection (server shutdown): 1001, going away. */
  close(): void {
    this.ws.close(1001, 'the server is shutting down');
  }
}
