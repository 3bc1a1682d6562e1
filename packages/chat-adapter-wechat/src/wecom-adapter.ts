import { randomUUID } from 'node:crypto';
import { AdapterError, ValidationError } from '@chat-adapter/shared';
import type { AdapterPostableMessage, ButtonElement, CardElement, RawMessage, WebhookOptions } from 'chat';
import { WeChatApiClient } from './api-client.js';
import { isEncodingAESKey, isMessageSignatureValid, openCiphertext, type SignedQuery } from './crypto.js';
import { splitIntoParts } from './text-parts.js';
import { WeChatFamilyAdapter, type WeChatFamilyOptions, type WeChatPacket } from './wechat-family-adapter.js';
import { parseWeChatXml } from './xml.js';

/** Options of {@link createWeComAdapter}. */
export interface WeComAdapterOptions extends WeChatFamilyOptions {
  /** The company's CorpID (我的企业 → 企业信息). */
  corpId: string;
  /** The app's AgentId. */
  agentId: number | string;
  /** The app's Secret: the access_token is fetched with it, cached and refreshed. */
  secret: string;
  /** Token of the app's callback configuration (接收消息 → API 接收). */
  token: string;
  /** EncodingAESKey of the callback configuration (43 characters). */
  encodingAESKey: string;
  /** Base URL of the WeCom API, e.g. a private deployment or a local stand-in. Default https://qyapi.weixin.qq.com. */
  apiBaseUrl?: string;
}

// Documented advice for the template card: a main title of up to 26 characters, a sub title of up to 112.
const CARD_TITLE_CHARS = 26;
const CARD_TEXT_CHARS = 112;
// A clicked card's button holds a few words: the new text is cut to this many characters.
const BUTTON_TEXT_CHARS = 20;
const RESPONSE_CODE_TTL_MS = 72 * 60 * 60 * 1000; // a card's response_code can update it for 72 hours

/**
 * A Chat SDK adapter for a WeCom (企业微信) self-built app: its encrypted callbacks, answers through
 * `message/send`, buttons as a `button_interaction` template card.
 */
export class WeComAdapter extends WeChatFamilyAdapter {
  private readonly options: WeComAdapterOptions;
  private readonly api: WeChatApiClient;

  constructor(options: WeComAdapterOptions) {
    super(options ?? {}, 'wecom');
    for (const field of ['corpId', 'secret', 'token', 'encodingAESKey'] as const) {
      if (typeof options?.[field] !== 'string' || options[field].trim() === '') {
        throw new ValidationError(
          this.name,
          `${field} is required: see the app's page in the WeCom admin console`,
        );
      }
    }
    if (!isEncodingAESKey(options.encodingAESKey)) {
      throw new ValidationError(
        this.name,
        'encodingAESKey must be the 43 characters the callback configuration shows',
      );
    }
    if (!/^\d+$/.test(String(options.agentId ?? ''))) {
      throw new ValidationError(
        this.name,
        `agentId must be the app's numeric AgentId, not ${JSON.stringify(options.agentId)}`,
      );
    }
    this.options = options;
    const query = new URLSearchParams({ corpid: options.corpId, corpsecret: options.secret });
    this.api = new WeChatApiClient(
      this.name,
      (options.apiBaseUrl ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, ''),
      `/cgi-bin/gettoken?${query}`,
    );
  }

  /**
   * Checks the credentials by fetching an access_token, as a start-up check or a doctor would; throws
   * an AuthenticationError with the platform's errcode (a wrong secret, a server IP not allowed).
   */
  async checkCredentials(): Promise<void> {
    await this.api.checkToken();
  }

  async handleWebhook(request: Request, options?: WebhookOptions): Promise<Response> {
    const url = new URL(request.url);
    const query: SignedQuery = {
      signature: url.searchParams.get('msg_signature'),
      timestamp: url.searchParams.get('timestamp'),
      nonce: url.searchParams.get('nonce'),
    };
    if (request.method === 'GET') {
      // URL verification: echostr is a ciphertext; the answer is its plaintext, as it is.
      const echo = url.searchParams.get('echostr') ?? '';
      const plain = isMessageSignatureValid(this.options.token, query, echo) ? this.open(echo) : null;
      return plain === null ? this.refused('URL verification') : new Response(plain);
    }
    const outer = parseWeChatXml(await request.text());
    const encrypted = outer?.Encrypt;
    if (!encrypted) return new Response('Expected an XML packet with Encrypt', { status: 400 });
    const plain = isMessageSignatureValid(this.options.token, query, encrypted) ? this.open(encrypted) : null;
    const packet = plain === null ? null : parseWeChatXml(plain);
    if (!packet) return this.refused('callback');
    if (packet.AgentID && packet.AgentID !== String(this.options.agentId)) return new Response('');
    if (!(await this.claimDelivery(packet))) return new Response('');
    if (packet.MsgType === 'event') {
      if (packet.Event === 'template_card_event') await this.receiveButton(packet, options);
    } else {
      void this.receiveMessage(packet, options);
    }
    // An empty answer within 5 s: no passive reply, the answer goes out later through message/send.
    return new Response('');
  }

  private open(encrypted: string): string | null {
    return openCiphertext(this.options.encodingAESKey, encrypted, this.options.corpId);
  }

  private refused(what: string): Response {
    this.logger.warn(`WeCom ${what} refused: bad msg_signature or a ciphertext not for this CorpID`);
    return new Response('Invalid signature', { status: 401 });
  }

  private async receiveButton(packet: WeChatPacket, options?: WebhookOptions): Promise<void> {
    const choice = readButtonKey(packet.EventKey);
    const userId = packet.FromUserName;
    if (!(this.chat && choice && userId && packet.TaskId)) return;
    if (packet.ResponseCode) {
      await this.chat
        .getState()
        .set(
          `${this.name}:response-code:${packet.TaskId}`,
          { code: packet.ResponseCode, userId },
          RESPONSE_CODE_TTL_MS,
        );
    }
    void this.chat.processAction(
      {
        adapter: this,
        actionId: choice.actionId,
        value: choice.value,
        messageId: packet.TaskId,
        threadId: this.encodeThreadId(userId),
        user: this.author(userId),
        raw: packet,
      },
      options,
    );
  }

  protected async sendTextParts(userId: string, parts: string[]): Promise<string> {
    let id = '';
    for (const content of parts) {
      id = await this.send(userId, { msgtype: 'text', text: { content } });
    }
    return id;
  }

  /** A `button_interaction` template card; its id is the card's task_id, which the click carries back. */
  protected async sendChoices(
    userId: string,
    text: string,
    card: CardElement,
    buttons: ButtonElement[],
  ): Promise<string> {
    const title = card.title ?? '';
    const body = card.title ? text.slice(card.title.length).trim() : text;
    const fits = title.length <= CARD_TITLE_CHARS && body.length <= CARD_TEXT_CHARS;
    if (!fits) await this.sendTextParts(userId, splitIntoParts(text, this.maxMessageBytes));
    const taskId = `chat_${randomUUID().replaceAll('-', '')}`;
    await this.send(userId, {
      msgtype: 'template_card',
      template_card: {
        card_type: 'button_interaction',
        // The card needs a main title or a sub title: the card's title, its text when short, else "Choose".
        ...(title || !(fits && body)
          ? { main_title: { title: title.slice(0, CARD_TITLE_CHARS) || 'Choose' } }
          : {}),
        ...(fits && body ? { sub_title_text: body } : {}),
        task_id: taskId,
        button_list: buttons.slice(0, 6).map((button) => ({
          text: button.label,
          key: JSON.stringify({ a: button.id, ...(button.value === undefined ? {} : { v: button.value }) }),
        })),
      },
    });
    return taskId;
  }

  /**
   * A template card that was clicked shows the last line of the new text on its button, which ends the
   * card (update_template_card, once, within 72 hours); any other edit goes out as a new message.
   */
  override async editMessage(
    threadId: string,
    messageId: string,
    message: AdapterPostableMessage,
  ): Promise<RawMessage<WeChatPacket>> {
    const key = `${this.name}:response-code:${messageId}`;
    const stored = await this.chat?.getState().get<{ code: string; userId: string }>(key);
    const text = this.textOf(message);
    const lastLine = text.trim().split('\n').at(-1)?.trim() ?? '';
    if (!(stored && lastLine)) return super.editMessage(threadId, messageId, message);
    await this.chat?.getState().delete(key);
    await this.api.post('/cgi-bin/message/update_template_card', {
      userids: [stored.userId],
      agentid: Number(this.options.agentId),
      response_code: stored.code,
      button: { replace_name: [...lastLine].slice(0, BUTTON_TEXT_CHARS).join('') },
    });
    return {
      id: messageId,
      threadId,
      raw: { ToUserName: stored.userId, MsgType: 'update_button', Content: text },
    };
  }

  private async send(userId: string, message: Record<string, unknown>): Promise<string> {
    const answer = await this.api.post('/cgi-bin/message/send', {
      touser: userId,
      agentid: Number(this.options.agentId),
      ...message,
    });
    if (answer.invaliduser) {
      throw new AdapterError(
        `WeCom did not deliver to ${answer.invaliduser}: the user is not in the app's visible range`,
        this.name,
        'invaliduser',
      );
    }
    return String(answer.msgid ?? '');
  }
}

/** Creates a Chat SDK adapter for a WeCom self-built app. */
export function createWeComAdapter(options: WeComAdapterOptions): WeComAdapter {
  return new WeComAdapter(options);
}

function readButtonKey(key: string | undefined): { actionId: string; value?: string } | null {
  try {
    const parsed = JSON.parse(key ?? '') as { a?: unknown; v?: unknown };
    if (typeof parsed.a !== 'string') return null;
    return { actionId: parsed.a, ...(typeof parsed.v === 'string' ? { value: parsed.v } : {}) };
  } catch {
    return null;
  }
}
