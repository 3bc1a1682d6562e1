import type { ApprovalAnswer, ApprovalHandOff, PendingApproval } from '@claude-code-server/server';
import { Redis } from 'ioredis';

type OnAnswer = (answer: ApprovalAnswer) => boolean;

export interface RedisApprovalHandOffOptions {
  url: string;
  /** Prefix of the keys and the channel (the store's key prefix, so two deployments on one Redis stay apart). */
  prefix: string;
}

/**
 * Pending approvals on Redis, for several nodes: each request is a key expiring at its `expiresAt`
 * (every node reads it), a session's requests a sorted set, and an answer a message on one channel
 * that the node holding the waiting turn picks up. The first `deliver` takes the request (its key is
 * deleted atomically), so two answers never both reach the turn.
 */
export class RedisApprovalHandOff implements ApprovalHandOff {
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly waiting = new Map<string, OnAnswer>();
  private readonly channel: string;
  private subscribed: Promise<unknown> | undefined;

  constructor(private readonly options: RedisApprovalHandOffOptions) {
    this.client = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.channel = `${options.prefix}approval-answers`;
    this.subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
  }

  async open(pending: PendingApproval, onAnswer: OnAnswer): Promise<void> {
    this.subscribed ??= this.subscriber.subscribe(this.channel);
    await this.subscribed;
    this.waiting.set(pending.requestId, onAnswer);
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
    const pending = await this.get(requestId);
    const removal = this.client.multi().del(this.key(requestId));
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
    const receivers = await this.client.publish(this.channel, JSON.stringify({ requestId, answer }));
    return receivers > 0;
  }

  /** Disconnects both clients. */
  async shutdown(): Promise<void> {
    this.waiting.clear();
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
  }

  private onMessage(message: string): void {
    let parsed: { requestId?: unknown; answer?: ApprovalAnswer };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.requestId !== 'string' || !parsed.answer) return;
    this.waiting.get(parsed.requestId)?.(parsed.answer);
  }

  private key(requestId: string): string {
    return `${this.options.prefix}approval:${requestId}`;
  }

  private sessionKey(storedSessionId: string): string {
    return `${this.options.prefix}approvals:${storedSessionId}`;
  }
}
