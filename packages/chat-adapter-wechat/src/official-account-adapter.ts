import { randomUUID } from 'node:crypto';
import { ValidationError } from '@chat-adapter/shared';
import type { ButtonElement, WebhookOptions } from 'chat';
import { WeChatApiClient } from './api-client.js';
import {
  isEncodingAESKey,
  isMessageSignatureValid,
  isPlainSignatureValid,
  openCiphertext,
  sealReply,
} from './crypto.js';
import { splitIntoParts } from './text-parts.js';
import { WeChatFamilyAdapter, type WeChatFamilyOptions, type WeChatPacket } from './wechat-family-adapter.js';
import { buildWeChatXml, parseWeChatXml } from './xml.js';

/** A button of a card, as the user answers it: by its number. */
export interface ReplyChoice {
  number: number;
  label: string;
}

/** Options of {@link createWeChatOfficialAccountAdapter}. */
export interface WeChatOfficialAccountAdapterOptions extends WeChatFamilyOptions {
  /** The account's AppID (设置与开发 → 基本配置). */
  appId: string;
  /** The account's AppSecret: the access_token is fetched with it, cached and refreshed. */
  appSecret: string;
  /** The Token of the server configuration (服务器配置). */
  token: string;
  /** The EncodingAESKey of the server configuration: set it for safe mode (安全模式), leave it out for plain mode. */
  encodingAESKey?: string;
  /** Base URL of the WeChat API, e.g. a local stand-in. Default https://api.weixin.qq.com. */
  apiBaseUrl?: string;
  /**
   * How long a callback waits for the handler's first answer to send it as the passive reply; past it the
   * callback answers "success" and answers go out as customer-service messages. Below WeChat's 5 s.
   * 0 sends every answer as a customer-service message. Default 4000.
   */
  passiveReplyWindowMs?: number;
  /** The line under a card that tells how to answer its buttons. Default: "Reply 1 to Approve, 2 to Deny." */
  replyPrompt?: (choices: ReplyChoice[]) => string;
}

interface PendingPrompt {
  messageId: string;
  choices: { actionId: string; value?: string; label: string }[];
}

interface PassiveSlot {
  reply: (content: string) => void;
  taken: boolean;
}

const WECHAT_DEADLINE_MS = 5000;
const PROMPT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A Chat SDK adapter for a WeChat Official Account (公众号) in plain or safe mode: a passive reply when
 * the answer is ready within the window, customer-service messages after it, buttons as a reply prompt.
 */
export class WeChatOfficialAccountAdapter extends WeChatFamilyAdapter {
  private readonly options: WeChatOfficialAccountAdapterOptions;
  private readonly api: WeChatApiClient;
  private readonly passiveWindowMs: number;
  private readonly passiveSlots = new Map<string, PassiveSlot>();

  constructor(options: WeChatOfficialAccountAdapterOptions) {
    super(options ?? {}, 'wechat');
    for (const field of ['appId', 'appSecret', 'token'] as const) {
      if (typeof options?.[field] !== 'string' || options[field].trim() === '') {
        throw new ValidationError(
          this.name,
          `${field} is required: see 设置与开发 → 基本配置 of the account`,
        );
      }
    }
    if (options.encodingAESKey !== undefined && !isEncodingAESKey(options.encodingAESKey)) {
      throw new ValidationError(
        this.name,
        'encodingAESKey must be the 43 characters the server configuration shows',
      );
    }
    const window = options.passiveReplyWindowMs ?? 4000;
    if (!Number.isInteger(window) || window < 0 || window >= WECHAT_DEADLINE_MS) {
      throw new ValidationError(
        this.name,
        `passiveReplyWindowMs must be an integer from 0 to 4999 (WeChat waits 5 s), not ${window}`,
      );
    }
    this.passiveWindowMs = window;
    this.options = options;
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: options.appId,
      secret: options.appSecret,
    });
    this.api = new WeChatApiClient(
      this.name,
      (options.apiBaseUrl ?? 'https://api.weixin.qq.com').replace(/\/+$/, ''),
      `/cgi-bin/token?${query}`,
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
    const timestamp = url.searchParams.get('timestamp');
    const nonce = url.searchParams.get('nonce');
    if (
      !isPlainSignatureValid(this.options.token, {
        signature: url.searchParams.get('signature'),
        timestamp,
        nonce,
      })
    ) {
      return this.refused('bad signature');
    }
    if (request.method === 'GET') return new Response(url.searchParams.get('echostr') ?? '');
    const outer = parseWeChatXml(await request.text());
    if (!outer) return new Response('Expected an XML packet', { status: 400 });
    const encrypted = url.searchParams.get('encrypt_type') === 'aes';
    const { encodingAESKey } = this.options;
    let packet: WeChatPacket | null = outer;
    if (encodingAESKey) {
      // Safe mode: a plain packet is refused, so nobody can step down to the unsigned body.
      if (!(encrypted && outer.Encrypt)) return this.refused('a plain packet while safe mode is configured');
      const query = { signature: url.searchParams.get('msg_signature'), timestamp, nonce };
      const plain = isMessageSignatureValid(this.options.token, query, outer.Encrypt)
        ? openCiphertext(encodingAESKey, outer.Encrypt, this.options.appId)
        : null;
      packet = plain === null ? null : parseWeChatXml(plain);
      if (!packet) return this.refused('bad msg_signature or a ciphertext not for this AppID');
    } else if (encrypted) {
      return new Response('Encrypted packet but no encodingAESKey is configured', { status: 400 });
    }
    const userId = packet.FromUserName;
    if (!(userId && this.chat) || packet.MsgType === 'event') return success();
    if (!(await this.claimDelivery(packet))) return success();
    if (await this.answerPrompt(userId, packet, options)) return success();
    if (this.passiveWindowMs === 0 || this.passiveSlots.has(userId)) {
      void this.receiveMessage(packet, options);
      return success();
    }
    const content = await this.waitForPassiveReply(userId, packet, options);
    if (content === null) return success();
    return this.passiveReply(
      { ToUserName: userId, FromUserName: packet.ToUserName ?? '', content },
      timestamp,
      nonce,
    );
  }

  private refused(why: string): Response {
    this.logger.warn(`WeChat callback refused: ${why}`);
    return new Response('Invalid signature', { status: 401 });
  }

  /** Runs the handler and waits up to the window for its first answer to this user. */
  private async waitForPassiveReply(
    userId: string,
    packet: WeChatPacket,
    options?: WebhookOptions,
  ): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<string | null>((resolve) => {
      this.passiveSlots.set(userId, { reply: resolve, taken: false });
      timer = setTimeout(() => resolve(null), this.passiveWindowMs);
      const handled = this.receiveMessage(packet, options);
      // A handler that ends without answering frees the callback at once.
      void handled.catch(() => {}).finally(() => resolve(null));
    });
    const content = await answer;
    clearTimeout(timer);
    const slot = this.passiveSlots.get(userId);
    if (slot) slot.taken = true;
    this.passiveSlots.delete(userId);
    return content;
  }

  private passiveReply(
    reply: { ToUserName: string; FromUserName: string; content: string },
    timestamp: string | null,
    nonce: string | null,
  ): Response {
    const plain = buildWeChatXml({
      ToUserName: reply.ToUserName,
      FromUserName: reply.FromUserName,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: reply.content,
    });
    const headers = { 'content-type': 'application/xml' };
    if (!this.options.encodingAESKey) return new Response(plain, { headers });
    const replyTimestamp = timestamp ?? String(Math.floor(Date.now() / 1000));
    const replyNonce = nonce ?? randomUUID().slice(0, 10);
    const sealed = sealReply(
      {
        token: this.options.token,
        encodingAESKey: this.options.encodingAESKey,
        receiverId: this.options.appId,
      },
      plain,
      replyTimestamp,
      replyNonce,
    );
    return new Response(
      buildWeChatXml({
        Encrypt: sealed.encrypted,
        MsgSignature: sealed.signature,
        TimeStamp: replyTimestamp,
        Nonce: replyNonce,
      }),
      { headers },
    );
  }

  /** A reply to a pending prompt ("1", or a button's label) becomes the click of that button. */
  private async answerPrompt(
    userId: string,
    packet: WeChatPacket,
    options?: WebhookOptions,
  ): Promise<boolean> {
    if (!this.chat || packet.MsgType !== 'text') return false;
    const key = `${this.name}:prompt:${userId}`;
    const prompt = await this.chat.getState().get<PendingPrompt>(key);
    if (!prompt) return false;
    const answer = (packet.Content ?? '').trim().toLowerCase();
    const chosen = prompt.choices.find(
      (choice, index) => answer === String(index + 1) || answer === choice.label.trim().toLowerCase(),
    );
    if (!chosen) return false;
    await this.chat.getState().delete(key);
    void this.chat.processAction(
      {
        adapter: this,
        actionId: chosen.actionId,
        value: chosen.value,
        messageId: prompt.messageId,
        threadId: this.encodeThreadId(userId),
        user: this.author(userId),
        raw: packet,
      },
      options,
    );
    return true;
  }

  /** The card as text with a prompt to reply with a number; the reply is taken as the button's click. */
  protected async sendChoices(
    userId: string,
    text: string,
    _card: unknown,
    buttons: ButtonElement[],
  ): Promise<string> {
    const choices = buttons.map((button, index) => ({ number: index + 1, label: button.label }));
    const prompt = (this.options.replyPrompt ?? defaultReplyPrompt)(choices);
    const messageId = await this.sendTextParts(
      userId,
      splitIntoParts(`${text}\n\n${prompt}`.trim(), this.maxMessageBytes),
    );
    const pending: PendingPrompt = {
      messageId,
      choices: buttons.map((button) => ({
        actionId: button.id,
        label: button.label,
        ...(button.value === undefined ? {} : { value: button.value }),
      })),
    };
    await this.chat?.getState().set(`${this.name}:prompt:${userId}`, pending, PROMPT_TTL_MS);
    return messageId;
  }

  /** A one-part answer while the callback still waits goes out as its passive reply; others by the API. */
  protected async sendTextParts(userId: string, parts: string[]): Promise<string> {
    const slot = this.passiveSlots.get(userId);
    if (slot && !slot.taken && parts.length === 1) {
      slot.taken = true;
      slot.reply(parts[0] ?? '');
      return `${this.name}-passive:${randomUUID()}`;
    }
    for (const content of parts) {
      await this.api.post('/cgi-bin/message/custom/send', {
        touser: userId,
        msgtype: 'text',
        text: { content },
      });
    }
    // Customer-service messages get no id back.
    return `${this.name}-sent:${randomUUID()}`;
  }

  /** `message/custom/typing`; needs the customer-service permission, so a refusal is only logged. */
  override async startTyping(threadId: string): Promise<void> {
    const userId = this.decodeThreadId(threadId);
    if (this.passiveSlots.has(userId)) return;
    try {
      await this.api.post('/cgi-bin/message/custom/typing', { touser: userId, command: 'Typing' });
    } catch (error) {
      this.logger.debug('WeChat typing notice not sent', { error: String(error) });
    }
  }
}

/** Creates a Chat SDK adapter for a WeChat Official Account. */
export function createWeChatOfficialAccountAdapter(
  options: WeChatOfficialAccountAdapterOptions,
): WeChatOfficialAccountAdapter {
  return new WeChatOfficialAccountAdapter(options);
}

function defaultReplyPrompt(choices: ReplyChoice[]): string {
  return `Reply ${choices.map((choice) => `${choice.number} to ${choice.label}`).join(', ')}.`;
}

function success(): Response {
  return new Response('success');
}
