import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { readSessionState, sessionIdFor } from '@claude-code-server/agent';
import type { SessionStore } from '@claude-code-server/store';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { HttpError } from '../errors/http-error.js';
import { storedSessionId } from '../tenancy.js';

/** Marks a request one node sent to another: the node that gets it answers it itself. */
export const FORWARDED_BY_HEADER = 'x-claude-code-server-forwarded-by';

/** Headers that belong to one connection, never passed on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
  'expect',
]);

const EVENT_END = Buffer.from('\n\n');

export interface SessionAffinityOptions {
  store: SessionStore;
  /** This node's agent id and its advertised URL, as its turns record them. */
  ownerId: string;
  selfAddress: string;
  connectTimeoutMs: number;
  logger: Logger;
  /** Told how each forward ended (metrics). */
  observe?: (outcome: ForwardMetricOutcome) => void;
}

/** How a forward ended: the owner answered, could not take it, or went away after taking it. */
export type ForwardMetricOutcome = 'answered' | 'unreachable' | 'node_lost';

/** What became of a forwarded request: `unreachable` means the owner never took it, so answer here. */
export type ForwardOutcome = 'forwarded' | 'unreachable';

function nodeLost(): HttpError {
  return new HttpError(
    502,
    'NODE_LOST',
    "the node running this session's turn stopped before it answered; send the message again to continue on another node",
  );
}

function passedOn(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

/**
 * Session affinity between the nodes of one store: every turn records its node's URL, and a message
 * for a session whose last turn ran on another node is sent there, to the CLI process that is still
 * warm, instead of resuming the conversation here. The other node checks the request as if the client
 * had sent it (the client's own key goes with it) and answers it through this one.
 */
export class SessionAffinity {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };

  constructor(private readonly options: SessionAffinityOptions) {}

  /** The URL of the node that ran the session's last turn, when that is another node; else undefined. */
  async ownerOf(principal: Principal, body: unknown): Promise<string | undefined> {
    if (typeof body !== 'object' || body === null) return undefined;
    const { user_id: userId, session_id: sessionId } = body as Record<string, unknown>;
    if (typeof userId !== 'string' || (sessionId !== undefined && typeof sessionId !== 'string')) {
      return undefined;
    }
    try {
      const id = storedSessionId(principal.tenant, sessionId ?? sessionIdFor(userId));
      const record = await this.options.store.getSession(id);
      if (!record) return undefined;
      const state = readSessionState(record);
      if (state.lastOwner === null || state.lastOwner === this.options.ownerId) return undefined;
      const address = state.lastOwnerAddress;
      return address && address !== this.options.selfAddress ? address : undefined;
    } catch {
      // A bad id or a store that is down: answering here says what is wrong.
      return undefined;
    }
  }

  /**
   * Sends the request (its JSON body and the client's headers) to `address` and relays the answer.
   * Resolves `unreachable`, having sent nothing, when the owner did not take the request (no
   * connection within the timeout, or it is shutting down); rejects with 502 NODE_LOST when it took
   * it and went away before answering. A stream cut off that way ends with a NODE_LOST `error` event.
   */
  forward(req: Request, res: Response, address: string, freshConnection = false): Promise<ForwardOutcome> {
    const target = new URL(`${address.replace(/\/+$/, '')}${req.url}`);
    const payload = Buffer.from(JSON.stringify(req.body ?? {}));
    const headers = {
      ...passedOn(req.headers),
      'content-type': 'application/json',
      'content-length': String(payload.length),
      'x-request-id': String(res.locals.requestId ?? ''),
      [FORWARDED_BY_HEADER]: this.options.ownerId,
    };
    const secure = target.protocol === 'https:';
    const transport = secure ? https : http;
    const observe = (outcome: ForwardMetricOutcome) => {
      try {
        this.options.observe?.(outcome);
      } catch {
        // Metrics never disturb a request.
      }
    };
    return new Promise<ForwardOutcome>((resolveWith, rejectWith) => {
      // The socket's error and the answer's end can both report one loss: the first one counts.
      let settled = false;
      const resolve = (outcome: ForwardOutcome, lost = false) => {
        if (settled) return;
        settled = true;
        observe(lost ? 'node_lost' : outcome === 'forwarded' ? 'answered' : 'unreachable');
        resolveWith(outcome);
      };
      const reject = (error: unknown) => {
        if (settled) return;
        settled = true;
        observe('node_lost');
        rejectWith(error);
      };
      // The owner says it has the request (102) before it runs anything: a failure before that is safe to answer here.
      let taken = false;
      const upstream = transport.request(target, {
        method: 'POST',
        headers,
        agent: freshConnection ? false : secure ? this.agents.https : this.agents.http,
      });
      const connectTimer = setTimeout(
        () => upstream.destroy(new Error(`no connection within ${this.options.connectTimeoutMs} ms`)),
        this.options.connectTimeoutMs,
      );
      upstream.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once('connect', () => clearTimeout(connectTimer));
      });
      upstream.on('information', (info) => {
        if (info.statusCode === 102) taken = true;
      });
      const unreachable = (reason: string) => {
        clearTimeout(connectTimer);
        this.options.logger.warn(
          { request_id: res.locals.requestId, node: address, reason },
          "the session's node did not take the message: answering here",
        );
        resolve('unreachable');
      };
      upstream.on('error', (error) => {
        if (res.headersSent) return;
        if (!taken && upstream.reusedSocket && !freshConnection && !settled) {
          // A kept-alive connection the owner closed (it restarted, say): once more on a new one.
          settled = true;
          clearTimeout(connectTimer);
          this.forward(req, res, address, true).then(resolveWith, rejectWith);
        } else if (!taken) {
          unreachable(error.message);
        } else {
          reject(nodeLost());
        }
      });
      upstream.on('response', (answer) => {
        clearTimeout(connectTimer);
        // A node shutting down refuses before it takes anything.
        if (!taken && answer.statusCode === 503) {
          answer.resume();
          unreachable('it is shutting down');
          return;
        }
        taken = true;
        this.relay(answer, res).then(
          (cutOff) => resolve('forwarded', cutOff),
          (error: unknown) => reject(error),
        );
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(payload);
    });
  }

  /** Closes the kept-alive connections to the other nodes. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Passes the owner's answer on; an event stream only whole events, so a cut one can end with an error event. */
  /** Resolves true when the owner's answer was cut off. */
  private relay(answer: IncomingMessage, res: Response): Promise<boolean> {
    res.status(answer.statusCode ?? 502);
    for (const [name, value] of Object.entries(passedOn(answer.headers))) {
      if (name !== 'x-request-id') res.setHeader(name, value);
    }
    const stream = String(answer.headers['content-type'] ?? '').startsWith('text/event-stream');
    if (stream) res.flushHeaders();
    let pending = Buffer.alloc(0);
    return new Promise((resolve, reject) => {
      answer.on('data', (chunk: Buffer) => {
        let out: Buffer = chunk;
        if (stream) {
          const text = Buffer.concat([pending, chunk]);
          const end = text.lastIndexOf(EVENT_END);
          out = end < 0 ? Buffer.alloc(0) : text.subarray(0, end + EVENT_END.length);
          pending = end < 0 ? text : text.subarray(end + EVENT_END.length);
        }
        if (out.length > 0 && !res.write(out)) {
          answer.pause();
          res.once('drain', () => answer.resume());
        }
      });
      answer.on('close', () => {
        if (answer.complete) {
          res.end(pending);
          resolve(false);
        } else if (stream && !res.writableEnded) {
          const lost = nodeLost();
          res.end(`event: error\ndata: ${JSON.stringify({ ...lost.toBody(), status: lost.status })}\n\n`);
          resolve(true);
        } else if (!res.headersSent) {
          reject(nodeLost());
        } else {
          res.destroy();
          resolve(true);
        }
      });
    });
  }
}
