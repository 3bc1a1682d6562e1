import { extractCard, NetworkError, ValidationError } from '@chat-adapter/shared';
import {
  type Adapter,
  type AdapterPostableMessage,
  type Author,
  type ChatInstance,
  ConsoleLogger,
  type EmojiValue,
  type FetchResult,
  type FormattedContent,
  type Logger,
  Message,
  NotImplementedError,
  parseMarkdown,
  type RawMessage,
  stringifyMarkdown,
  type ThreadInfo,
  type UserInfo,
  type WebhookOptions,
} from 'chat';
import { type LarkCard, markdownCard, readButtonValue, toLarkCard } from './cards.js';
import { constantTimeEqual, decryptLarkPayload, isLarkSignatureValid } from './event-envelope.js';
import { messageText, postableMarkdown } from './message-content.js';
import { LarkOpenApi } from './open-api.js';

/** Options of {@link createLarkAdapter}. */
export interface LarkAdapterOptions {
  /** App ID of the custom app (`cli_...`). */
  appId: string;
  /** App Secret of the app; the tenant access token is fetched with it, cached and refreshed. */
  appSecret: string;
  /** Encrypt Key of the event subscription: events are decrypted with it and their signature checked. */
  encryptKey?: string;
  /** Verification Token of the event subscription: checked on every event when set. */
  verificationToken?: string;
  /** `feishu` (open.feishu.cn, the default) or `lark` (open.larksuite.com). */
  domain?: 'feishu' | 'lark';
  /** Base URL of the Open API, e.g. a private deployment or a local stand-in; overrides `domain`. */
  apiBaseUrl?: string;
  /** Adapter name, the first part of its thread ids and its webhook key in Chat SDK. Default `lark`. */
  name?: string;
  /** The bot's display name. Default: Chat SDK's `userName`. */
  userName?: string;
  /** The bot's open_id, for mention detection; fetched from `/open-apis/bot/v3/info` when left out. */
  botOpenId?: string;
  /** In group chats, answer in a thread (topic) under the message that asked. Default true. */
  replyInThread?: boolean;
  logger?: Logger;
}

/** What `decodeThreadId` gives: the chat, whether it is a direct chat, and the root message in groups. */
export interface LarkThreadId {
  chatType: 'p2p' | 'group';
  chatId: string;
  rootMessageId?: string;
}

/** The `event` of an `im.message.receive_v1` delivery, as Lark sends it. */
export interface LarkMessageEvent {
  sender: { sender_id: { open_id?: string; user_id?: string; union_id?: string }; sender_type?: string };
  message: {
    message_id: string;
    root_id?: string;
    parent_id?: string;
    thread_id?: string;
    create_time?: string;
    chat_id: string;
    chat_type: 'p2p' | 'group';
    message_type: string;
    content: string;
    mentions?: { key: string; id: { open_id?: string }; name?: string }[];
  };
}

interface LarkEventEnvelope {
  schema?: string;
  type?: string;
  token?: string;
  challenge?: string;
  encrypt?: string;
  header?: { event_id?: string; event_type?: string; token?: string };
  event?: unknown;
}

const EVENT_CLAIM_TTL_MS = 12 * 60 * 60 * 1000; // Lark retries a failed delivery for hours (15 s, 5 min, 1 h, 6 h)

/** A Chat SDK adapter for a Feishu or Lark bot (custom app with the bot ability). */
export class LarkAdapter implements Adapter<LarkThreadId, LarkMessageEvent> {
  readonly name: string;
  readonly persistThreadHistory = true;
  private readonly options: LarkAdapterOptions;
  private readonly api: LarkOpenApi;
  private chat: ChatInstance | null = null;
  private logger: Logger;
  private botOpenId: string | undefined;
  private botUserName: string;

  constructor(options: LarkAdapterOptions) {
    requireText(options?.appId, 'appId');
    requireText(options.appSecret, 'appSecret');
    if (!(options.encryptKey || options.verificationToken)) {
      throw new ValidationError(
        'lark',
        'encryptKey or verificationToken is required: set the Encrypt Key (recommended) or the Verification Token of the app’s event subscription, so forged events are refused',
      );
    }
    if (options.domain !== undefined && options.domain !== 'feishu' && options.domain !== 'lark') {
      throw new ValidationError(
        'lark',
        `domain must be "feishu" or "lark", not ${JSON.stringify(options.domain)}`,
      );
    }
    this.options = options;
    this.name = options.name ?? 'lark';
    this.logger = options.logger ?? new ConsoleLogger('info', this.name);
    this.botOpenId = options.botOpenId;
    this.botUserName = options.userName ?? 'bot';
    this.api = new LarkOpenApi(
      this.name,
      {
        appId: options.appId,
        appSecret: options.appSecret,
        baseUrl: options.apiBaseUrl,
        domain: options.domain,
      },
      () => this.logger,
    );
  }

  get userName(): string {
    return this.botUserName;
  }

  get botUserId(): string | undefined {
    return this.botOpenId;
  }

  async initialize(chat: ChatInstance): Promise<void> {
    this.chat = chat;
    if (!this.options.logger) this.logger = chat.getLogger(this.name);
    if (!this.options.userName) this.botUserName = chat.getUserName();
    if (!this.botOpenId) {
      try {
        this.botOpenId = (await this.checkCredentials()).openId;
      } catch (error) {
        this.logger.warn('Could not read the bot’s open_id: group mentions are detected by name only', {
          error: String(error),
        });
      }
    }
  }

  /**
   * Checks the app's credentials and its bot ability with one call (`/open-apis/bot/v3/info`), as a
   * start-up check or a doctor would; throws Lark's own words (e.g. code 10014, app secret invalid).
   */
  async checkCredentials(): Promise<{ openId: string | undefined; appName: string | undefined }> {
    const info = await this.api.call<{ bot?: { open_id?: string; app_name?: string } }>(
      'GET',
      '/open-apis/bot/v3/info',
    );
    return { openId: info.bot?.open_id, appName: info.bot?.app_name };
  }

  async handleWebhook(request: Request, options?: WebhookOptions): Promise<Response> {
    const rawBody = await request.text();
    let envelope: LarkEventEnvelope;
    try {
      envelope = JSON.parse(rawBody) as LarkEventEnvelope;
    } catch {
      return new Response('Invalid JSON', { status: 400 });
    }
    const { encryptKey, verificationToken } = this.options;
    const signed = request.headers.has('x-lark-signature');
    if (typeof envelope.encrypt === 'string') {
      if (!encryptKey)
        return new Response('Encrypted event but no encryptKey is configured', { status: 400 });
      if (
        signed &&
        !isLarkSignatureValid(
          rawBody,
          {
            timestamp: request.headers.get('x-lark-request-timestamp'),
            nonce: request.headers.get('x-lark-request-nonce'),
            signature: request.headers.get('x-lark-signature'),
          },
          encryptKey,
        )
      ) {
        this.logger.warn('Lark event refused: bad X-Lark-Signature');
        return new Response('Invalid signature', { status: 401 });
      }
      try {
        envelope = decryptLarkPayload(envelope.encrypt, encryptKey) as LarkEventEnvelope;
      } catch {
        this.logger.warn('Lark event refused: it does not decrypt with the encryptKey');
        return new Response('Undecryptable event', { status: 401 });
      }
    } else if (encryptKey) {
      return new Response('Plain event but an encryptKey is configured', { status: 401 });
    }
    const token = envelope.header?.token ?? envelope.token;
    if (verificationToken && !(typeof token === 'string' && constantTimeEqual(token, verificationToken))) {
      this.logger.warn('Lark event refused: wrong verification token');
      return new Response('Invalid verification token', { status: 401 });
    }
    if (envelope.type === 'url_verification') {
      return Response.json({ challenge: envelope.challenge });
    }
    // With an Encrypt Key every event but the URL check carries a signature: an unsigned one is forged.
    if (encryptKey && !signed) return new Response('Missing X-Lark-Signature', { status: 401 });
    if (!this.chat) {
      this.logger.warn('Chat instance not initialized, ignoring Lark event');
      return Response.json({});
    }
    const eventId = envelope.header?.event_id;
    if (
      eventId &&
      !(await this.chat.getState().setIfNotExists(`${this.name}:event:${eventId}`, true, EVENT_CLAIM_TTL_MS))
    ) {
      return Response.json({});
    }
    const eventType = envelope.header?.event_type;
    if (eventType === 'im.message.receive_v1')
      this.receiveMessage(envelope.event as LarkMessageEvent, options);
    else if (eventType === 'card.action.trigger') this.receiveCardAction(envelope.event, options);
    return Response.json({});
  }

  private receiveMessage(event: LarkMessageEvent, options?: WebhookOptions): void {
    if (!(this.chat && event?.message)) return;
    const message = this.parseMessage(event);
    // The name is looked up after the webhook has answered, so it never delays the acknowledgement.
    this.chat.processMessage(this, message.threadId, () => this.withAuthorName(message), options);
  }

  private async withAuthorName(message: Message<LarkMessageEvent>): Promise<Message<LarkMessageEvent>> {
    const name = await this.api.displayName(message.author.userId);
    if (name) Object.assign(message.author, { userName: name, fullName: name });
    return message;
  }

  private receiveCardAction(event: unknown, options?: WebhookOptions): void {
    const action = event as {
      operator?: { open_id?: string; name?: string };
      action?: { value?: unknown };
      context?: { open_message_id?: string; open_chat_id?: string };
    };
    const value = readButtonValue(action?.action?.value);
    const openId = action?.operator?.open_id;
    const chat = this.chat;
    if (!(chat && value && openId)) return;
    const task = (async () => {
      const name = action.operator?.name ?? (await this.api.displayName(openId)) ?? undefined;
      await chat.processAction(
        {
          adapter: this,
          actionId: value.chat_action,
          value: value.chat_value,
          messageId: action.context?.open_message_id ?? '',
          threadId: value.chat_thread,
          user: this.author(openId, name),
          raw: event,
        },
        options,
      );
    })();
    options?.waitUntil?.(task);
  }

  async getUser(userId: string): Promise<UserInfo | null> {
    const name = await this.api.displayName(userId);
    return name ? { userId, userName: name, fullName: name, isBot: false } : null;
  }

  parseMessage(raw: LarkMessageEvent): Message<LarkMessageEvent> {
    const { message, sender } = raw;
    const threadId = this.encodeThreadId({
      chatType: message.chat_type,
      chatId: message.chat_id,
      ...(message.chat_type === 'group' ? { rootMessageId: message.root_id || message.message_id } : {}),
    });
    const mentions = message.mentions ?? [];
    let text = messageText(message.message_type, message.content);
    for (const mention of mentions) text = text.replaceAll(mention.key, `@${mention.name ?? ''}`);
    const isMention =
      message.chat_type === 'p2p' ||
      mentions.some((mention) =>
        this.botOpenId ? mention.id.open_id === this.botOpenId : mention.name === this.botUserName,
      );
    const openId = sender.sender_id.open_id ?? sender.sender_id.user_id ?? 'unknown';
    return new Message<LarkMessageEvent>({
      id: message.message_id,
      threadId,
      text,
      formatted: parseMarkdown(text),
      raw,
      author: { ...this.author(openId), isBot: sender.sender_type === 'app' ? true : 'unknown' },
      metadata: { dateSent: new Date(Number(message.create_time ?? Date.now())), edited: false },
      attachments: [],
      isMention,
    });
  }

  private author(openId: string, name?: string): Author {
    return {
      userId: openId,
      userName: name ?? openId,
      fullName: name ?? openId,
      isBot: 'unknown',
      isMe: openId === this.botOpenId,
    };
  }

  async postMessage(
    threadId: string,
    message: AdapterPostableMessage,
  ): Promise<RawMessage<LarkMessageEvent>> {
    const thread = this.decodeThreadId(threadId);
    const content = JSON.stringify(this.toCard(threadId, message));
    const sent = thread.rootMessageId
      ? await this.api.call<{ data?: { message_id?: string } }>(
          'POST',
          `/open-apis/im/v1/messages/${thread.rootMessageId}/reply`,
          { msg_type: 'interactive', content, reply_in_thread: this.options.replyInThread ?? true },
        )
      : await this.api.call<{ data?: { message_id?: string } }>(
          'POST',
          '/open-apis/im/v1/messages',
          { receive_id: thread.chatId, msg_type: 'interactive', content },
          { receive_id_type: 'chat_id' },
        );
    const id = sent.data?.message_id;
    if (!id) throw new NetworkError(this.name, 'Lark answered a sent message without its message_id');
    return { id, threadId, raw: this.ownMessage(id, thread, content) };
  }

  /** Edits by updating the card in place (PATCH), which is how answers stream. */
  async editMessage(
    threadId: string,
    messageId: string,
    message: AdapterPostableMessage,
  ): Promise<RawMessage<LarkMessageEvent>> {
    const content = JSON.stringify(this.toCard(threadId, message));
    await this.api.call('PATCH', `/open-apis/im/v1/messages/${messageId}`, { content });
    return {
      id: messageId,
      threadId,
      raw: this.ownMessage(messageId, this.decodeThreadId(threadId), content),
    };
  }

  async deleteMessage(_threadId: string, messageId: string): Promise<void> {
    await this.api.call('DELETE', `/open-apis/im/v1/messages/${messageId}`);
  }

  async addReaction(_threadId: string, messageId: string, emoji: EmojiValue | string): Promise<void> {
    const emojiType = typeof emoji === 'string' ? emoji : emoji.name;
    await this.api.call('POST', `/open-apis/im/v1/messages/${messageId}/reactions`, {
      reaction_type: { emoji_type: emojiType.toUpperCase() },
    });
  }

  async removeReaction(): Promise<void> {
    throw new NotImplementedError(
      'Removing a reaction is not supported by the Lark adapter',
      'removeReaction',
    );
  }

  /** Lark has no typing indicator for bots. */
  async startTyping(): Promise<void> {}

  async fetchMessages(): Promise<FetchResult<LarkMessageEvent>> {
    return { messages: [] };
  }

  async fetchThread(threadId: string): Promise<ThreadInfo> {
    const thread = this.decodeThreadId(threadId);
    return {
      id: threadId,
      channelId: this.channelIdFromThreadId(threadId),
      isDM: thread.chatType === 'p2p',
      metadata: { chatId: thread.chatId },
    };
  }

  encodeThreadId({ chatType, chatId, rootMessageId }: LarkThreadId): string {
    return [this.name, chatType, chatId, ...(rootMessageId ? [rootMessageId] : [])].join(':');
  }

  decodeThreadId(threadId: string): LarkThreadId {
    const [name, chatType, chatId, rootMessageId] = threadId.split(':');
    if (name !== this.name || (chatType !== 'p2p' && chatType !== 'group') || !chatId) {
      throw new ValidationError(this.name, `Not a ${this.name} thread id: ${threadId}`);
    }
    return { chatType, chatId, ...(rootMessageId ? { rootMessageId } : {}) };
  }

  channelIdFromThreadId(threadId: string): string {
    const { chatType, chatId } = this.decodeThreadId(threadId);
    return this.encodeThreadId({ chatType, chatId });
  }

  isDM(threadId: string): boolean {
    return this.decodeThreadId(threadId).chatType === 'p2p';
  }

  renderFormatted(content: FormattedContent): string {
    return stringifyMarkdown(content);
  }

  private toCard(threadId: string, message: AdapterPostableMessage): LarkCard {
    const card = extractCard(message);
    if (card) return toLarkCard(card, threadId);
    const markdown = postableMarkdown(message);
    if (!markdown.trim()) throw new ValidationError(this.name, 'Message text cannot be empty');
    return markdownCard(markdown);
  }

  private ownMessage(id: string, thread: LarkThreadId, content: string): LarkMessageEvent {
    return {
      sender: { sender_id: { open_id: this.botOpenId }, sender_type: 'app' },
      message: {
        message_id: id,
        chat_id: thread.chatId,
        chat_type: thread.chatType,
        message_type: 'interactive',
        content,
        ...(thread.rootMessageId ? { root_id: thread.rootMessageId } : {}),
      },
    };
  }
}

/** Creates a Chat SDK adapter for a Feishu or Lark bot. */
export function createLarkAdapter(options: LarkAdapterOptions): LarkAdapter {
  return new LarkAdapter(options);
}

function requireText(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(
      'lark',
      `${field} is required: the ${field} of the app in the developer console`,
    );
  }
}
