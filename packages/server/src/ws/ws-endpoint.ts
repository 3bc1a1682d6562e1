import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { presentedKey, principalFor } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { HttpError } from '../errors/http-error.js';
import { toHttpError } from '../errors/map-error.js';
import { WsConnection, type WsDeps } from './ws-connection.js';

/** The path of the WebSocket endpoint. */
export const WS_PATH = '/ws';

/** Answers an upgrade request with a plain HTTP error in the API's JSON shape, and closes it. */
function refuse(socket: Duplex, error: unknown): void {
  const http = toHttpError(error);
  const body = JSON.stringify(http.toBody());
  socket.end(
    `HTTP/1.1 ${http.status} ${STATUS_CODES[http.status] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (http.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '') +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** The endpoint on one or more HTTP servers; `close` ends every connection. */
export class WsEndpoint {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WsConnection>();

  constructor(
    private readonly deps: WsDeps,
    maxPayload: number,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload });
  }

  /** Serves GET /ws on this HTTP server (other upgrade paths are left to other listeners). */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== WS_PATH) {
        // Nobody else listens: answer rather than leave the socket hanging.
        if (server.listenerCount('upgrade') === 1) {
          refuse(
            socket,
            new HttpError(404, 'NOT_FOUND', `no WebSocket endpoint at ${path} (use ${WS_PATH})`),
          );
        }
        return;
      }
      this.upgrade(req, socket, head);
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { ctx, keys } = this.deps;
    if (ctx.isDraining()) {
      refuse(
        socket,
        new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down', { retryAfterMs: 5_000 }),
      );
      return;
    }
    // A key in the headers is checked now (401 before the upgrade); without one, browsers send an auth frame.
    const key = presentedKey(req.headers);
    let principal: Principal | null = null;
    if (key !== undefined || keys.anonymous) {
      try {
        principal = principalFor(keys, key);
      } catch (error) {
        refuse(socket, error);
        return;
      }
    }
    const id =
      (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id']) || randomUUID();
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new WsConnection(ws, this.deps, principal, id);
      this.connections.add(connection);
      ws.on('close', () => this.connections.delete(connection));
    });
  }

  /** Closes every connection (going away); their turns are interrupted. */
  close(): void {
    for (const connection of this.connections) connection.close();
    this.wss.close();
  }
}
