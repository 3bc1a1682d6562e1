import { AdapterError, NetworkError } from '@chat-adapter/shared';
import {
  Client,
  CTenantAccessToken,
  DefaultCache,
  Domain,
  type Logger as LarkSdkLogger,
  LoggerLevel,
} from '@larksuiteoapi/node-sdk';
import type { Logger } from 'chat';

/** An Open API answer: `code` 0 on success, else Lark's error code and `msg`. */
type Answer<T> = T & { code?: number; msg?: string };

const NAME_TTL_MS = 60 * 60 * 1000;
/** Codes Lark answers for a tenant access token that is invalid or expired before its time. */
const STALE_TOKEN_CODES = new Set([99991661, 99991663, 99991668]);
const NAME_CACHE_SIZE = 10_000;

/**
 * The Open API calls of the adapter, on the official SDK's client: it fetches the tenant access token,
 * caches it, and fetches it anew three minutes before it expires.
 */
export class LarkOpenApi {
  private readonly client: Client;
  private readonly tokenCache = new DefaultCache();
  /** Display names by open_id, so a message and an approval name the person, not an id. */
  private readonly names = new Map<string, { name: string | null; until: number }>();

  constructor(
    private readonly adapterName: string,
    private readonly credentials: {
      appId: string;
      appSecret: string;
      baseUrl: string | undefined;
      domain: 'feishu' | 'lark' | undefined;
    },
    private readonly logger: () => Logger,
  ) {
    this.client = new Client({
      appId: credentials.appId,
      appSecret: credentials.appSecret,
      domain:
        credentials.baseUrl?.replace(/\/+$/, '') ??
        (credentials.domain === 'lark' ? Domain.Lark : Domain.Feishu),
      cache: this.tokenCache,
      logger: quietSdkLogger(logger),
      loggerLevel: LoggerLevel.warn,
    });
  }

  /**
   * One call with the tenant access token; a non-zero `code` becomes an AdapterError. A token Lark calls
   * invalid is dropped and the call made once more with a new one (the SDK alone would keep it until
   * its expiry).
   */
  async call<T>(
    method: string,
    url: string,
    data?: Record<string, unknown>,
    params?: Record<string, string>,
  ): Promise<Answer<T>> {
    try {
      return await this.callOnce<T>(method, url, data, params);
    } catch (error) {
      if (!(error instanceof AdapterError && STALE_TOKEN_CODES.has(Number(error.code)))) throw error;
      await this.tokenCache.set(CTenantAccessToken, '', 1, { namespace: this.credentials.appId });
      return this.callOnce<T>(method, url, data, params);
    }
  }

  private async callOnce<T>(
    method: string,
    url: string,
    data?: Record<string, unknown>,
    params?: Record<string, string>,
  ): Promise<Answer<T>> {
    let body: Answer<T> | undefined;
    try {
      body = await this.client.request({ method, url, data, params });
    } catch (error) {
      // Lark answers errors with HTTP 4xx and its JSON; anything else did not reach it.
      const answer = (error as { response?: { data?: Answer<unknown> } }).response;
      if (!answer?.data?.code) {
        throw new NetworkError(
          this.adapterName,
          `Lark ${method} ${url} failed: ${String((error as Error).message)}`,
        );
      }
      body = answer.data as Answer<T>;
    }
    if (body?.code !== 0) {
      throw new AdapterError(
        `Lark ${method} ${url} failed: code ${body?.code} (${body?.msg})`,
        this.adapterName,
        String(body?.code),
      );
    }
    return body;
  }

  /** The user's name from the contact API (needs a contact scope), cached for an hour; null without it. */
  async displayName(openId: string): Promise<string | null> {
    const cached = this.names.get(openId);
    if (cached && cached.until > Date.now()) return cached.name;
    let name: string | null = null;
    try {
      const answer = await this.call<{ data?: { user?: { name?: string } } }>(
        'GET',
        `/open-apis/contact/v3/users/${encodeURIComponent(openId)}`,
        undefined,
        { user_id_type: 'open_id' },
      );
      name = answer.data?.user?.name || null;
    } catch (error) {
      this.logger().debug('Lark user name not read (the app may lack a contact scope)', {
        error: String(error),
      });
    }
    if (this.names.size >= NAME_CACHE_SIZE) this.names.clear();
    this.names.set(openId, { name, until: Date.now() + NAME_TTL_MS });
    return name;
  }
}

/** The SDK logs failed requests with their config (the token in it): only its text lines go on, at debug. */
function quietSdkLogger(logger: () => Logger): LarkSdkLogger {
  const forward = (...parts: unknown[]) => {
    const text = parts.filter((part) => typeof part === 'string').join(' ');
    if (text) logger().debug(`lark sdk: ${text}`);
  };
  return { error: forward, warn: forward, info: forward, debug: forward, trace: forward };
}
