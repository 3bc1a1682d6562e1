import type { ApprovalAnswer, ApprovalHandOff, PendingApproval } from '@claude-code-server/server';
import { Redis } from 'ioredis';

type OnAnswer = (answer: ApprovalAnswer) => boolean;

/** Names the subscribing connections in CLIENT LIST. */
export const SUBSCRIBER_CONNECTION_NAME = 'claude-code-server-approvals';
/** How often a node looks for answers left for it whose message it missed (people answer in seconds). */
const SWEEP_MS = 2_000;

export interface RedisApprovalHandOffOptions {
  url: string;
  /** Prefix of the keys and the channel (the store's key prefix, so two deployments on one Redis stay apart). */
  prefix: string;
}

/**
 * Pending approvals on Redis, for several nodes: each request is a key expiring at its `expiresAt`
 * (every node reads it), a session's requests a sorted set. The first `deliver` takes the request (its
 * key is deleted atomically), so two answers never both reach the turn, and leaves the answer in a key
 * of its own, announced on one channel: the node holding the waiting turn takes it when the message
 * comes, or when its subscription is back after a lost connection, whichever is first.
 */
export class RedisApprovalHandOff implements ApprovalHandOff {
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly waiting = new Map<string, OnAnswer>();
  private readonly channel: string;
  private subscribed: Promise<unknown> | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisApprovalHandOffOptions) {
    this.client = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      connectionName: SUBSCRIBER_CONNECTION_NAME,
    });
    this.channel = `${options.prefix}approval-answers`;
    this.subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    // Subscribed again after a lost connection: the answers announced meanwhile are in their keys.
    this.subscriber.on('ready', () => {
      for (const requestId of this.waiting.keys()) void this.take(requestId);
    });
  }

  async open(pending: PendingApproval, onAnswer: OnAnswer): Promise<void> {
    this.subscribed ??= this.subscriber.subscribe(this.channel);
    await this.subscribed;
    this.waiting.set(pending.requestId, onAnswer);
    this.sweep ??= setInterval(() => {
      for (const requestId of this.waiting.keys()) void this.take(requestId);
    }, SWEEP_MS).unref();
    const ttl = Math.max(1, pending.expiresAt - Date.now());
    await this.client
      .multi()
      .set(this.key(pending.requestId), JSON.stringify(pending), 'PX', ttl)
      .zadd(this.sessionKey(pending.storedSessionId), pending.createdAt, pending.requestId)
      .pexpire(this.sessionKey(pending.storedSessionId), ttl)
      .exec();
  }

  async close(requestId: string): Promise<void> {
    this.waiting.delete(requestId);
    if (this.waiting.size === 0) {
      clearInterval(this.sweep);
      this.sweep = undefined;
    }
    const pending = await this.get(requestId);
    const removal = this.client.multi().del(this.key(requestId), this.answerKey(requestId));
    if (pending) removal.zrem(this.sessionKey(pending.storedSessionId), requestId);
    await removal.exec();
  }

  async get(requestId: string): Promise<PendingApproval | undefined> {
    const json = await this.client.get(this.key(requestId));
    return json ? (JSON.parse(json) as PendingApproval) : undefined;
  }

  async list(storedSessionId: string): Promise<PendingApproval[]> {
    const ids = await this.client.zrange(this.sessionKey(storedSessionId), 0, -1);
    if (ids.length === 0) return [];
    const values = await this.client.mget(ids.map((id) => this.key(id)));
    return values.flatMap((json) => (json ? [JSON.parse(json) as PendingApproval] : []));
  }

  async deliver(requestId: string, answer: ApprovalAnswer): Promise<boolean> {
    const json = await this.client.getdel(this.key(requestId));
    if (!json) return false;
    const pending = JSON.parse(json) as PendingApproval;
    await this.client.zrem(this.sessionKey(pending.storedSessionId), requestId);
    // Answered in this process: no round trip.
    const local = this.waiting.get(requestId);
    if (local) return local(answer);
    const ttl = Math.max(1, pending.expiresAt - Date.now());
    await this.client
      .multi()
      .set(this.answerKey(requestId), JSON.stringify(answer), 'PX', ttl)
      .publish(this.channel, JSON.stringify({ requestId }))
      .exec();
    return true;
  }

  /** Disconnects both clients. */
  async shutdown(): Promise<void> {
    this.waiting.clear();
    clearInterval(this.sweep);
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
  }

  private onMessage(message: string): void {
    let parsed: { requestId?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.requestId === 'string') void this.take(parsed.requestId);
  }

  /** Takes the answer another node left for a turn waiting here, if there is one. */
  private async take(requestId: string): Promise<void> {
    const onAnswer = this.waiting.get(requestId);
    if (!onAnswer) return;
    // Left for the next message or reconnect when Redis cannot be reached now.
    const json = await this.client.getdel(this.answerKey(requestId)).catch(() => null);
    if (json) onAnswer(JSON.parse(json) as ApprovalAnswer);
  }

  private answerKey(requestId: string): string {
    return `${this.options.prefix}approval-answer:${requestId}`;
  }

  private key(requestId: string): string {
    return `${this.options.prefix}approval:${requestId}`;
  }

  private sessionKey(storedSessionId: string): string {
    return `${this.options.prefix}approvals:${storedSessionId}`;
  }
}
