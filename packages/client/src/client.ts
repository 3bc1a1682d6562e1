import type {
  ChatRequest,
  ChatResponse,
  Deleted,
  ErrorResponse,
  Health,
  History,
  HistoryQuery,
  OpenAiChatCompletion,
  OpenAiChatCompletionRequest,
  OpenAiModel,
  OpenAiModelList,
  PendingPermissions,
  PermissionAnswer,
  PermissionAnswered,
  PermissionRequest,
  SessionList,
  SessionsQuery,
  Task,
  TaskAccepted,
} from './api-types.js';
import {
  abortedError,
  ClaudeCodeServerClientError,
  ConnectionError,
  errorFromBody,
  errorFromResponse,
} from './errors.js';
import { DEFAULT_RETRY, type RetryOptions, retryDelay, sleep } from './retry.js';
import { type ClaudeCodeServerSocket, openSocket, type WebSocketConstructor } from './socket.js';
import { type ChatStreamEvent, readChatStream } from './stream.js';

/** Options of a `ClaudeCodeServerClient`. */
export interface ClientOptions {
  /** Where the server answers, e.g. `http://127.0.0.1:8000` (a path prefix is kept). */
  baseUrl: string;
  /** One of the server's API keys, sent as `Authorization: Bearer`; omit for `auth: none`. */
  apiKey?: string;
  /** Retries of 429/503 answers with Retry-After (see RetryOptions); `false` turns them off. */
  retry?: RetryOptions | false;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /** The WebSocket constructor `connect` uses (default the global one; in Node 20 pass `ws`'s). */
  WebSocket?: WebSocketConstructor;
}

/** What every call accepts. */
export interface CallOptions {
  /** Aborts the call (and a stream's turn); the call rejects with AbortedError. */
  signal?: AbortSignal;
  /** This call's retries, instead of the client's. */
  retry?: RetryOptions | false;
}

/** How `waitForTask` polls. */
export interface WaitForTaskOptions extends CallOptions {
  /** Between two reads of the task (default 500 ms). */
  intervalMs?: number;
  /**
   * Called once for each permission request the task waits for (status `waiting_for_approval`);
   * answer it with `answerPermission`. Unanswered, the server denies it at its `expires_at`.
   */
  onPermissionRequest?: (request: PermissionRequest, task: Task) => unknown;
}

interface Request {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  /** A status other than 2xx that answers the call instead of failing it (GET /health's 503). */
  answers?: number;
  /** Sent instead of the API key (GET /metrics has a token of its own); null sends none. */
  bearer?: string | null;
  accept?: string;
}

const FINISHED: ReadonlySet<Task['status']> = new Set(['completed', 'failed', 'cancelled']);

/** A typed client of the claude-code-server HTTP API, on `fetch` (Node 20+ and browsers). */
export class ClaudeCodeServerClient {
  private readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly retry: Required<RetryOptions>;
  private readonly fetch: typeof fetch;
  private readonly headers: Record<string, string>;
  private readonly WebSocket: WebSocketConstructor | undefined;

  constructor(options: ClientOptions) {
    if (typeof options?.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
      throw new TypeError('baseUrl: must be an http:// or https:// URL, e.g. http://127.0.0.1:8000');
    }
    this.baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.apiKey = options.apiKey;
    this.retry = retryOptions(options.retry, DEFAULT_RETRY);
    // Called unbound: a browser's fetch refuses to run with another `this`.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.headers = { ...options.headers };
    this.WebSocket =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
  }

  /** GET /health: answered also when unhealthy (503), with `problems`. */
  async health(options?: CallOptions): Promise<Health> {
    const health = await this.json<Health | ErrorResponse>(
      { method: 'GET', path: 'health', answers: 503 },
      options,
    );
    // A 503 in the error shape (not the health body) is a refusal, not a health report.
    if ('success' in health) throw errorFromBody(503, health);
    return health;
  }

  /** POST /chat: sends a message and waits for the answer. */
  chat(body: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    return this.json({ method: 'POST', path: 'chat', body }, options);
  }

  /**
   * POST /chat/stream: the turn's events as they happen, ending with `done`. An `error` event is
   * thrown as the typed error of its code; leaving the loop early (or the signal) interrupts the turn.
   */
  async *chatStream(body: ChatRequest, options: CallOptions = {}): AsyncGenerator<ChatStreamEvent, void> {
    const controller = new AbortController();
    const abort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      const response = await this.send(
        { method: 'POST', path: 'chat/stream', body, accept: 'text/event-stream' },
        { ...options, signal: controller.signal },
      );
      yield* readChatStream(response, controller.signal);
    } finally {
      options.signal?.removeEventListener('abort', abort);
      // Closes the connection if the caller left before the end: the server interrupts the turn.
      controller.abort();
    }
  }

  /** POST /chat/async: queues the message as a task (poll it with getTask or waitForTask). */
  chatAsync(body: ChatRequest, options?: CallOptions): Promise<TaskAccepted> {
    return this.json({ method: 'POST', path: 'chat/async', body }, options);
  }

  /** GET /task/{task_id}. */
  getTask(taskId: string, options?: CallOptions): Promise<Task> {
    return this.json({ method: 'GET', path: `task/${encodeURIComponent(taskId)}` }, options);
  }

  /** DELETE /task/{task_id}: cancels a pending or running task. */
  cancelTask(taskId: string, options?: CallOptions): Promise<Task> {
    return this.json({ method: 'DELETE', path: `task/${encodeURIComponent(taskId)}` }, options);
  }

  /** Reads the task until it is completed, failed or cancelled, and returns it. */
  async waitForTask(taskId: string, options: WaitForTaskOptions = {}): Promise<Task> {
    const seen = new Set<string>();
    for (;;) {
      const task = await this.getTask(taskId, options);
      if (FINISHED.has(task.status)) return task;
      for (const request of task.pending_permissions) {
        if (seen.has(request.request_id)) continue;
        seen.add(request.request_id);
        await options.onPermissionRequest?.(request, task);
      }
      await sleep(options.intervalMs ?? 500, options.signal);
    }
  }

  /** GET /session/{session_id}/history: a page of messages, in ascending `seq`. */
  getHistory(sessionId: string, query: HistoryQuery = {}, options?: CallOptions): Promise<History> {
    return this.json(
      { method: 'GET', path: `session/${encodeURIComponent(sessionId)}/history`, query },
      options,
    );
  }

  /** DELETE /session/{session_id}: its messages, transcript and warm process. */
  deleteSession(sessionId: string, options?: CallOptions): Promise<Deleted> {
    return this.json({ method: 'DELETE', path: `session/${encodeURIComponent(sessionId)}` }, options);
  }

  /** GET /sessions: a user's sessions, most recently active first (`next_cursor` pages on). */
  listSessions(query: SessionsQuery, options?: CallOptions): Promise<SessionList> {
    return this.json({ method: 'GET', path: 'sessions', query }, options);
  }

  /** GET /session/{session_id}/permissions: the permission requests waiting in the session. */
  listPendingPermissions(sessionId: string, options?: CallOptions): Promise<PendingPermissions> {
    return this.json(
      { method: 'GET', path: `session/${encodeURIComponent(sessionId)}/permissions` },
      options,
    );
  }

  /**
   * POST /session/{session_id}/permissions/{request_id}: allows the tool call (optionally with
   * another input) or denies it (the message is what the model is told).
   */
  answerPermission(
    sessionId: string,
    requestId: string,
    answer: PermissionAnswer,
    options?: CallOptions,
  ): Promise<PermissionAnswered> {
    const path = `session/${encodeURIComponent(sessionId)}/permissions/${encodeURIComponent(requestId)}`;
    return this.json({ method: 'POST', path, body: answer }, options);
  }

  /**
   * Opens a WebSocket on GET /ws, authenticated with the API key (in an auth frame, as browsers
   * must), and resolves once the server is ready. A wrong key rejects with AuthenticationError.
   */
  connect(options: { signal?: AbortSignal } = {}): Promise<ClaudeCodeServerSocket> {
    if (!this.WebSocket) {
      throw new TypeError(
        'WebSocket: there is no global WebSocket here (Node 20): pass { WebSocket } from the ws package',
      );
    }
    const url = new URL('ws', this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return openSocket(this.WebSocket, url.toString(), this.apiKey, options.signal);
  }

  /** GET /openapi.json: the OpenAPI 3.1 document the server describes itself with. */
  openApiDocument(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.json({ method: 'GET', path: 'openapi.json' }, options);
  }

  /** POST /v1/chat/completions, not streamed (for streamed chunks use the official `openai` client). */
  createChatCompletion(
    body: OpenAiChatCompletionRequest & { stream?: false | null },
    options?: CallOptions,
  ): Promise<OpenAiChatCompletion> {
    return this.json({ method: 'POST', path: 'v1/chat/completions', body }, options);
  }

  /** GET /v1/models. */
  listModels(options?: CallOptions): Promise<OpenAiModelList> {
    return this.json({ method: 'GET', path: 'v1/models' }, options);
  }

  /** GET /v1/models/{model}. */
  getModel(model: string, options?: CallOptions): Promise<OpenAiModel> {
    return this.json({ method: 'GET', path: `v1/models/${encodeURIComponent(model)}` }, options);
  }

  /** GET /metrics: the Prometheus text, with the metrics token (not an API key) unless they are public. */
  async metrics(token?: string, options?: CallOptions): Promise<string> {
    const response = await this.send(
      { method: 'GET', path: 'metrics', bearer: token ?? null, accept: 'text/plain' },
      options,
    );
    return response.text();
  }

  private async json<T>(request: Request, options: CallOptions = {}): Promise<T> {
    const response = await this.send(request, options);
    try {
      return (await response.json()) as T;
    } catch (error) {
      if (options.signal?.aborted) throw abortedError(options.signal);
      throw new ClaudeCodeServerClientError(
        'UNEXPECTED_RESPONSE',
        `${request.method} /${request.path}: the answer was not JSON`,
        {
          status: response.status,
          cause: error,
        },
      );
    }
  }

  /** Sends a request, retrying as the options say; resolves with a 2xx response, else throws its typed error. */
  private async send(request: Request, options: CallOptions = {}): Promise<Response> {
    const retry = retryOptions(options.retry, this.retry);
    const url = this.url(request);
    const headers: Record<string, string> = { ...this.headers, accept: request.accept ?? 'application/json' };
    const bearer = request.bearer === undefined ? this.apiKey : request.bearer;
    if (typeof bearer === 'string') headers.authorization = `Bearer ${bearer}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    for (let retries = 0; ; retries++) {
      let response: Response;
      try {
        response = await this.fetch(url, init);
      } catch (error) {
        if (options.signal?.aborted) throw abortedError(options.signal);
        throw new ConnectionError('NETWORK_ERROR', `${request.method} ${url}: ${describe(error)}`, {
          cause: error,
        });
      }
      if (response.ok || response.status === request.answers) return response;
      const error: ClaudeCodeServerClientError = await errorFromResponse(response);
      const delay = retryDelay(error, retries, request.method !== 'POST', retry);
      if (delay === undefined) throw error;
      await sleep(delay, options.signal);
    }
  }

  private url(request: Request): string {
    const url = new URL(request.path, this.baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }
}

function retryOptions(
  options: RetryOptions | false | undefined,
  defaults: Required<RetryOptions>,
): Required<RetryOptions> {
  if (options === false) return { ...defaults, maxRetries: 0 };
  return { ...defaults, ...options };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const text = error instanceof Error ? error.message : String(error);
  return typeof cause?.message === 'string' ? `${text} (${cause.message})` : text;
}
