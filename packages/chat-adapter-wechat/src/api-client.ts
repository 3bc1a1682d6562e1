import { AdapterError, AuthenticationError, NetworkError } from '@chat-adapter/shared';

/** Codes WeChat and WeCom answer for an access_token that is wrong, revoked or expired. */
const STALE_TOKEN_CODES = new Set([40001, 40014, 42001]);
// Refresh a little before the documented expiry, so a call never goes out with a token about to lapse.
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

interface ApiAnswer {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

/**
 * Calls a WeChat-family API (`/cgi-bin/...`) with an access_token fetched once, cached until shortly
 * before it expires, and fetched anew once when the API says it is stale. Concurrent calls share one fetch.
 */
export class WeChatApiClient {
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly adapterName: string,
    private readonly baseUrl: string,
    /** The path and query that fetch a token, e.g. `/cgi-bin/gettoken?corpid=...&corpsecret=...`. */
    private readonly tokenPath: string,
  ) {}

  /** POSTs JSON to `path` with the access_token; a non-zero errcode becomes an AdapterError. */
  async post(path: string, body: unknown): Promise<ApiAnswer> {
    const first = await this.postWith(await this.accessToken(), path, body);
    if (!STALE_TOKEN_CODES.has(first.errcode ?? 0)) return this.checked(path, first);
    this.token = null;
    return this.checked(path, await this.postWith(await this.accessToken(), path, body));
  }

  private async postWith(token: string, path: string, body: unknown): Promise<ApiAnswer> {
    const separator = path.includes('?') ? '&' : '?';
    return this.request(`${path}${separator}access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private checked(path: string, answer: ApiAnswer): ApiAnswer {
    if (answer.errcode && answer.errcode !== 0) {
      throw new AdapterError(
        `${this.adapterName} API ${path} failed: errcode ${answer.errcode} (${answer.errmsg ?? 'no errmsg'})`,
        this.adapterName,
        String(answer.errcode),
      );
    }
    return answer;
  }

  /** Fetches (or reuses) the access_token: a check of the app's ID, secret and IP allowlist. */
  async checkToken(): Promise<void> {
    await this.accessToken();
  }

  private accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return Promise.resolve(this.token.value);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const answer = await this.request(this.tokenPath, { method: 'GET' });
    if (typeof answer.access_token !== 'string' || (answer.errcode ?? 0) !== 0) {
      throw new AuthenticationError(
        this.adapterName,
        `could not get an access_token: errcode ${answer.errcode} (${answer.errmsg ?? 'no errmsg'}); check the app's ID and secret, and the server's IP allowlist on the platform`,
      );
    }
    const lifetimeMs = Number(answer.expires_in ?? 7200) * 1000;
    this.token = {
      value: answer.access_token,
      expiresAt: Date.now() + Math.max(0, lifetimeMs - EXPIRY_MARGIN_MS),
    };
    return answer.access_token;
  }

  private async request(pathAndQuery: string, init: RequestInit): Promise<ApiAnswer> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${pathAndQuery}`, init);
    } catch (error) {
      // The URL holds the secret or token: name only the path.
      throw new NetworkError(this.adapterName, `${pathAndQuery.split('?')[0]} unreachable`, error as Error);
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as ApiAnswer;
    } catch {
      throw new NetworkError(
        this.adapterName,
        `${pathAndQuery.split('?')[0]} answered HTTP ${response.status} with no JSON`,
      );
    }
  }
}
