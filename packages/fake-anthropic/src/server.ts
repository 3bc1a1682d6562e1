import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { recordRequest } from './record.js';
import { respondWithReply } from './respond.js';
import { classifySideCall, type SideCallClassifier, sideCallReply } from './side-calls.js';
import type { FakeReply, FakeRule, RecordedRequest } from './types.js';

export interface FakeAnthropicOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Replaces the built-in recognition of the CLI's side calls (return a label for a side call). */
  classifySideCall?: SideCallClassifier;
  /** Called for every request once its answer is chosen (before it is sent). */
  onRequest?: (req: RecordedRequest) => void;
}

export type FakeDefault = FakeReply | ((req: RecordedRequest) => FakeReply);

/** A running fake Messages API. */
export interface FakeAnthropic {
  /** Base URL for ANTHROPIC_BASE_URL, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Queues replies for the next main conversation calls (FIFO). */
  enqueue(...replies: FakeReply[]): void;
  /** Number of queued replies not yet used. */
  pending(): number;
  /** Adds a rule consulted (in order) when the queue is empty. */
  addRule(rule: FakeRule): void;
  /** Sets the answer used when the queue is empty and no rule matched. */
  setDefault(reply: FakeDefault): void;
  /** The /v1/messages calls that belong to the main conversation (side calls left out). */
  conversationRequests(): RecordedRequest[];
  /** Resolves with the first recorded request (past or future) matching the predicate. */
  waitForRequest(predicate?: (req: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Clears queue, rules, default and record. */
  reset(): void;
  /** Stops listening and destroys every open connection (hung responses included). */
  close(): Promise<void>;
}

const BUILT_IN_DEFAULT: FakeReply = { type: 'text', text: 'Hello from fake-anthropic.' };
const DECOMPRESS: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: Buffer = Buffer.concat(chunks);
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  const decompress = DECOMPRESS[encoding];
  if (decompress && body.length > 0) body = await decompress(body);
  return body.toString('utf8');
}

function isMessagesPath(path: string): boolean {
  return path === '/v1/messages' || path === '/messages';
}

/** Starts a fake Anthropic Messages API on loopback. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const host = options.host ?? '127.0.0.1';
  const isSideCall = options.classifySideCall ?? classifySideCall;
  const requests: RecordedRequest[] = [];
  let queue: FakeReply[] = [];
  let rules: FakeRule[] = [];
  let fallback: FakeDefault = BUILT_IN_DEFAULT;
  let waiters: { predicate: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];

  const chooseReply = (rec: RecordedRequest): FakeReply => {
    const queued = queue.shift();
    if (queued) return queued;
    for (const rule of rules) {
      const reply = rule(rec);
      if (reply) return reply;
    }
    return typeof fallback === 'function' ? fallback(rec) : fallback;
  };

  const notify = (rec: RecordedRequest) => {
    options.onRequest?.(rec);
    const matched = waiters.filter((w) => w.predicate(rec));
    waiters = waiters.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(rec);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const bodyText = await readBody(req);
    const rec = recordRequest({
      index: requests.length,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      bodyText,
    });
    requests.push(rec);
    const inputTokens = Math.max(1, Math.ceil(bodyText.length / 4));

    if (req.method === 'POST' && isMessagesPath(rec.path)) {
      rec.sideCall = isSideCall(rec);
      const reply = rec.sideCall ? sideCallReply(rec) : chooseReply(rec);
      rec.replyType = reply.type;
      notify(rec);
      await respondWithReply(res, reply, {
        model: rec.model ?? 'claude-fake',
        stream: rec.stream,
        inputTokens,
      });
      return;
    }
    if (req.method === 'POST' && rec.path === '/v1/messages/count_tokens') {
      rec.replyType = 'count_tokens';
      notify(rec);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ input_tokens: inputTokens }));
      return;
    }
    if (rec.path === '/' && (req.method === 'HEAD' || req.method === 'GET')) {
      rec.replyType = 'probe';
      notify(rec);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ ok: true, service: 'fake-anthropic' }));
      return;
    }
    rec.replyType = 'not_found';
    notify(rec);
    res.writeHead(404, { 'content-type': 'application/json', 'x-should-retry': 'false' });
    res.end(
      JSON.stringify({
        type: 'error',
        error: { type: 'not_found_error', message: `fake-anthropic: no route for ${req.method} ${rec.path}` },
      }),
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(err) } }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    pending: () => queue.length,
    addRule: (rule) => {
      rules.push(rule);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    conversationRequests: () =>
      requests.filter((r) => r.method === 'POST' && isMessagesPath(r.path) && r.sideCall === undefined),
    waitForRequest: (predicate = () => true, timeoutMs = 30_000) => {
      const seen = requests.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`fake-anthropic: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (r: RecordedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        waiters.push(waiter);
      });
    },
    reset: () => {
      queue = [];
      rules = [];
      fallback = BUILT_IN_DEFAULT;
      requests.length = 0;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
