/** Who the console acts as: the API key (empty when the server runs without keys) and the user id. */
export interface Credentials {
  apiKey: string;
  userId: string;
}

/** An answer of the server that is not a success, with the server's own code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The error a failed response stands for: the server's `{ error: { code, message } }` when it sent one. */
export async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) {
      return new ApiError(response.status, body.error.code ?? 'ERROR', body.error.message);
    }
  } catch {
    // Not the server's JSON error shape (a proxy's page, say): report the status.
  }
  return new ApiError(
    response.status,
    'HTTP_ERROR',
    `the server answered ${response.status} ${response.statusText}`,
  );
}

/** The server's HTTP API, on the origin the console was loaded from. */
export class ApiClient {
  constructor(readonly credentials: Credentials) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const key = this.credentials.apiKey.trim();
    return key ? { 'X-API-Key': key, ...extra } : extra;
  }

  /** Sends a request and resolves its JSON; a response that is not 2xx throws ApiError. */
  async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.send(method, path, body, signal);
    return (await response.json()) as T;
  }

  /** Sends a request; a response that is not 2xx throws ApiError, one that cannot be sent too. */
  async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'UNREACHABLE', 'cannot reach the server: is it running?');
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

/** `?a=1&b=2` of the defined values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
