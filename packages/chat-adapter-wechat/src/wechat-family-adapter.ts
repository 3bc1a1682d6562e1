import { extractCard, ValidationError } from '@chat-adapter/shared';
import {
  type Adapter,
  type AdapterPostableMessage,
  type Author,
  type ButtonElement,
  type CardElement,
  type ChatInstance,
  ConsoleLogger,
  type FetchResult,
  type FormattedContent,
  type Logger,
  Message,
  NotImplementedError,
  parseMarkdown,
  type RawMessage,
  type StreamChunk,
  stringifyMarkdown,
  type ThreadInfo,
  type WebhookOptions,
} from 'chat';
import { cardButtons, cardText, packetText, postableText } from './message-content.js';
import { splitIntoParts } from './text-parts.js';

/** A received or sent WeChat packet: the fields of its XML (`MsgType`, `Content`, `FromUserName`, ...). */
export type WeChatPacket = Record<string, string>;

/** Options both WeChat adapters take. */
export interface WeChatFamilyOptions {
  /** Adapter name, the first part of its thread ids and its webhook key in Chat SDK. */
  name?: string;
  /** The bot's display name. Default: Chat SDK's `userName`. */
  userName?: string;
  /** Longest text message in UTF-8 bytes; longer answers go out in several messages. Default 2048. */
  maxMessageBytes?: number;
  logger?: Logger;
}

const DELIVERY_CLAIM_TTL_MS = 60 * 60 * 1000; // WeChat retries within 15 s; an hour leaves room for slow retries

/**
 * What WeCom app callbacks and Official Accounts share: one conversation per user, answers sent as new
 * text messages in parts (neither platform edits a message), the XML packet as the raw message.
 * A subclass verifies its platform's webhook and sends through its platform's API.
 */
export abstract class WeChatFamilyAdapter implements Adapter<string, WeChatPacket> {
  readonly name: string;
  readonly persistThreadHistory = true;
  protected chat: ChatInstance | null = null;
  protected logger: Logger;
  protected readonly maxMessageBytes: number;
  private botUserName: string;

  protected constructor(
    private readonly familyOptions: WeChatFamilyOptions,
    defaultName: string,
  ) {
    this.name = familyOptions.name ?? defaultName;
    this.logger = familyOptions.logger ?? new ConsoleLogger('info', this.name);
    this.botUserName = familyOptions.userName ?? 'bot';
    const maxBytes = familyOptions.maxMessageBytes ?? 2048;
    if (!Number.isInteger(maxBytes) || maxBytes < 16) {
      throw new ValidationError(
        this.name,
        `maxMessageBytes must be an integer of at least 16, not ${maxBytes}`,
      );
    }
    this.maxMessageBytes = maxBytes;
  }

  get userName(): string {
    return this.botUserName;
  }

  abstract handleWebhook(request: Request, options?: WebhookOptions): Promise<Response>;

  /** Sends the parts of one text message to a user, in order; resolves to the id of the last one. */
  protected abstract sendTextParts(userId: string, parts: string[]): Promise<string>;

  /** Sends a card whose buttons the user answers: the platform's own card, or a prompt to reply to. */
  protected abstract sendChoices(
    userId: string,
    text: string,
    card: CardElement,
    buttons: ButtonElement[],
  ): Promise<string>;

  async initialize(chat: ChatInstance): Promise<void> {
    this.chat = chat;
    if (!this.familyOptions.logger) this.logger = chat.getLogger(this.name);
    if (!this.familyOptions.userName) this.botUserName = chat.getUserName();
  }

  /**
   * Takes a delivery once: WeChat sends the same packet again when it had no answer within 5 s (three
   * times in all), keyed by MsgId, or by sender and time for events as the platform advises.
   */
  protected async claimDelivery(packet: WeChatPacket): Promise<boolean> {
    if (!this.chat) return false;
    const key = packet.MsgId ?? `${packet.FromUserName}:${packet.CreateTime}:${packet.Event ?? ''}`;
    return this.chat.getState().setIfNotExists(`${this.name}:delivery:${key}`, true, DELIVERY_CLAIM_TTL_MS);
  }

  /** Hands a user's message to Chat SDK. */
  protected receiveMessage(packet: WeChatPacket, options?: WebhookOptions): Promise<void> {
    const message = this.parseMessage(packet);
    return this.chat?.processMessage(this, message.threadId, message, options) ?? Promise.resolve();
  }

  parseMessage(raw: WeChatPacket): Message<WeChatPacket> {
    const userId = raw.FromUserName ?? '';
    const text = packetText(raw);
    return new Message<WeChatPacket>({
      id: raw.MsgId ?? `${userId}:${raw.CreateTime}`,
      threadId: this.encodeThreadId(userId),
      text,
      formatted: parseMarkdown(text),
      raw,
      author: this.author(userId),
      metadata: { dateSent: new Date(Number(raw.CreateTime ?? 0) * 1000 || Date.now()), edited: false },
      attachments: [],
      isMention: true,
    });
  }

  /** Both platforms name a user by an id only (UserID, OpenID); no display name comes with a message. */
  protected author(userId: string): Author {
    return { userId, userName: userId, fullName: userId, isBot: false, isMe: false };
  }

  async postMessage(threadId: string, message: AdapterPostableMessage): Promise<RawMessage<WeChatPacket>> {
    const userId = this.decodeThreadId(threadId);
    const card = extractCard(message);
    const text = this.textOf(message);
    const buttons = card ? cardButtons(card.children) : [];
    let id: string;
    if (card && buttons.length > 0) {
      id = await this.sendChoices(userId, text, card, buttons);
    } else {
      if (!text.trim()) throw new ValidationError(this.name, 'Message text cannot be empty');
      id = await this.sendTextParts(userId, splitIntoParts(text, this.maxMessageBytes));
    }
    return { id, threadId, raw: { ToUserName: userId, MsgType: 'text', Content: text, MsgId: id } };
  }

  /** A message as the plain text these platforms show: a card's title, then its body. */
  protected textOf(message: AdapterPostableMessage): string {
    const card = extractCard(message);
    return card ? cardText(card) : postableText(message);
  }

  /** Neither platform edits a sent message: the new content goes out as a new message. */
  async editMessage(
    threadId: string,
    _messageId: string,
    message: AdapterPostableMessage,
  ): Promise<RawMessage<WeChatPacket>> {
    return this.postMessage(threadId, message);
  }

  /** Streams by collecting the whole answer (messages cannot be edited), then sending it in parts. */
  async stream(
    threadId: string,
    textStream: AsyncIterable<string | StreamChunk>,
  ): Promise<RawMessage<WeChatPacket>> {
    await this.startTyping(threadId).catch(() => {});
    let text = '';
    for await (const chunk of textStream) {
      if (typeof chunk === 'string') text += chunk;
      else if (chunk.type === 'markdown_text') text += chunk.text;
    }
    return this.postMessage(threadId, text.trim() ? text : ' ');
  }

  async startTyping(_threadId: string): Promise<void> {}

  async deleteMessage(): Promise<void> {
    throw new NotImplementedError(`${this.name} cannot delete a sent message`, 'deleteMessage');
  }

  async addReaction(): Promise<void> {
    throw new NotImplementedError(`${this.name} has no reactions`, 'addReaction');
  }

  async removeReaction(): Promise<void> {
    throw new NotImplementedError(`${this.name} has no reactions`, 'removeReaction');
  }

  async fetchMessages(): Promise<FetchResult<WeChatPacket>> {
    return { messages: [] };
  }

  async fetchThread(threadId: string): Promise<ThreadInfo> {
    return {
      id: threadId,
      channelId: threadId,
      isDM: true,
      metadata: { userId: this.decodeThreadId(threadId) },
    };
  }

  /** A thread is one user's conversation with the app: `<name>:<user id>`. */
  encodeThreadId(userId: string): string {
    return `${this.name}:${userId}`;
  }

  decodeThreadId(threadId: string): string {
    const prefix = `${this.name}:`;
    if (!threadId.startsWith(prefix) || threadId.length === prefix.length) {
      throw new ValidationError(this.name, `Not a ${this.name} thread id: ${threadId}`);
    }
    return threadId.slice(prefix.length);
  }

  /** The conversation with a user, to write first (an Official Account only within 48 hours of their last message). */
  async openDM(userId: string): Promise<string> {
    return this.encodeThreadId(userId);
  }

  channelIdFromThreadId(threadId: string): string {
    return threadId;
  }

  isDM(): boolean {
    return true;
  }

  renderFormatted(content: FormattedContent): string {
    return stringifyMarkdown(content);
  }
}
