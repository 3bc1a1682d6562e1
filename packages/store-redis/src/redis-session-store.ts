import {
  type AppendMessageInput,
  ConflictError,
  type CreateSessionInput,
  encodeSessionCursor,
  expiresAtFrom,
  InvalidInputError,
  type Lease,
  type MessagePage,
  type MessagePageOptions,
  type MessageRecord,
  type SessionListOptions,
  SessionNotFoundError,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type SessionUpdate,
  StoreClosedError,
  validateAppendMessageInput,
  validateCreateSessionInput,
  validateMessagePageOptions,
  validateSessionId,
  validateSessionListOptions,
  validateSessionUpdate,
  validateTranscript,
  validateTtlMs,
  validateUserId,
} from '@claude-code-server/store';
import type { Redis } from 'ioredis';
import { closeClient, type RedisSessionStoreOptions, resolveClient } from './client.js';
import {
  decodeMessage,
  encodeMessage,
  sessionFromHash,
  sessionFromHashReply,
  sessionToHashPairs,
  updateToHashChanges,
} from './codec.js';
import { toStoreError } from './errors.js';
import { RedisKeys } from './keys.js';
import { RedisLeases } from './redis-leases.js';
import * as scripts from './session-scripts.js';

/** A SessionStore on Redis: one hash, list and string per session, atomic Lua scripts, sliding TTL. */
export class RedisSessionStore implements SessionStore {
  readonly keys: RedisKeys;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly ttlMs: number | undefined;
  private readonly leases: RedisLeases;
  private closed = false;

  constructor(options: RedisSessionStoreOptions = {}) {
    this.ttlMs = validateTtlMs(options.ttlMs);
    const keyPrefix = options.keyPrefix ?? 'ccs:';
    if (typeof keyPrefix !== 'string') throw new InvalidInputError('keyPrefix', 'must be a string');
    if (options.client?.options.keyPrefix) {
      // Scripts build some key names themselves; ioredis would prefix only the declared ones.
      throw new InvalidInputError('client', "must not set ioredis's keyPrefix; use the store's keyPrefix");
    }
    this.keys = new RedisKeys(keyPrefix);
    const { client, owned } = resolveClient(options);
    this.client = client;
    this.ownsClient = owned;
    this.leases = new RedisLeases(client, this.keys);
  }

  createSession(input: CreateSessionInput): Promise<SessionRecord> {
    return this.call(async () => {
      const { created, session } = await this.insertSession(input);
      if (!created) throw new ConflictError(`session already exists: ${session.id}`);
      return session;
    });
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.call(async () => {
      const fields = await this.client.hgetall(this.keys.session(validateSessionId(id)));
      return fields.id === undefined ? null : sessionFromHash(fields);
    });
  }

  getOrCreateSession(input: CreateSessionInput): Promise<{ session: SessionRecord; created: boolean }> {
    return this.call(async () => {
      const result = await this.insertSession(input);
      if (!result.created && result.session.userId !== input.userId) {
        throw new ConflictError(`session ${result.session.id} belongs to another user`);
      }
      return result;
    });
  }

  updateSession(id: string, update: SessionUpdate): Promise<SessionRecord> {
    return this.call(() => this.changeSession(validateSessionId(id), validateSessionUpdate(update)));
  }

  touchSession(id: string): Promise<SessionRecord> {
    return this.call(() => this.changeSession(validateSessionId(id), {}));
  }

  deleteSession(id: string): Promise<boolean> {
    return this.call(async () => {
      validateSessionId(id);
      const deleted = await scripts.deleteSession.run(this.client, this.keys.sessionKeys(id), [
        this.keys.userSessionsPrefix,
        id,
      ]);
      return deleted === 1;
    });
  }

  listSessions(userId: string, options?: SessionListOptions): Promise<SessionPage> {
    return this.call(async () => {
      validateUserId(userId);
      const { limit, cursor } = validateSessionListOptions(options);
      const [hasMore, hashes] = (await scripts.listSessions.run(
        this.client,
        [this.keys.userSessions(userId)],
        [this.keys.sessionPrefix, userId, limit, cursor?.lastActiveAt ?? '', cursor?.id ?? ''],
      )) as [number, unknown[]];
      const sessions = hashes.map(sessionFromHashReply);
      const last = sessions.at(-1);
      return {
        sessions,
        nextCursor: hasMore === 1 && last ? encodeSessionCursor(last) : null,
      };
    });
  }

  appendMessage(sessionId: string, message: AppendMessageInput): Promise<MessageRecord> {
    return this.call(async () => {
      validateSessionId(sessionId);
      const input = validateAppendMessageInput(message);
      const now = Date.now();
      const createdAt = input.createdAt ?? now;
      const json = encodeMessage(input, createdAt);
      const seq = (await scripts.appendMessage.run(this.client, this.keys.sessionKeys(sessionId), [
        ...this.activityArgs(sessionId, now),
        json,
      ])) as number;
      if (seq === 0) throw new SessionNotFoundError(sessionId);
      return decodeMessage(sessionId, seq, json);
    });
  }

  listMessages(sessionId: string, options?: MessagePageOptions): Promise<MessagePage> {
    return this.call(async () => {
      validateSessionId(sessionId);
      const { limit, before, after } = validateMessagePageOptions(options);
      const reply = (await scripts.listMessages.run(
        this.client,
        [this.keys.session(sessionId), this.keys.messages(sessionId)],
        [after ?? '', before ?? '', limit],
      )) as [number, number, ...string[]] | null;
      if (reply === null) throw new SessionNotFoundError(sessionId);
      const [firstSeq, hasMore, ...items] = reply;
      return {
        messages: items.map((json, index) => decodeMessage(sessionId, firstSeq + index, json)),
        hasMore: hasMore === 1,
      };
    });
  }

  countMessages(sessionId: string): Promise<number> {
    return this.call(async () => {
      validateSessionId(sessionId);
      const count = (await scripts.countMessages.run(
        this.client,
        [this.keys.session(sessionId), this.keys.messages(sessionId)],
        [],
      )) as number | null;
      if (count === null) throw new SessionNotFoundError(sessionId);
      return count;
    });
  }

  saveTranscript(sessionId: string, transcript: string): Promise<void> {
    return this.call(() => this.writeTranscript(sessionId, 'set', validateTranscript(transcript)));
  }

  appendTranscript(sessionId: string, chunk: string): Promise<void> {
    return this.call(() => this.writeTranscript(sessionId, 'append', validateTranscript(chunk, 'chunk')));
  }

  loadTranscript(sessionId: string): Promise<string | null> {
    return this.call(async () => {
      validateSessionId(sessionId);
      const reply = (await scripts.loadTranscript.run(
        this.client,
        [this.keys.session(sessionId), this.keys.transcript(sessionId)],
        [],
      )) as [] | [string] | null;
      if (reply === null) throw new SessionNotFoundError(sessionId);
      return reply[0] ?? null;
    });
  }

  acquireLease(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    return this.call(() => this.leases.acquire(validateSessionId(sessionId), owner, ttlMs));
  }

  renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.call(() => this.leases.renew(lease, ttlMs));
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.call(() => this.leases.release(lease));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await closeClient(this.client);
  }

  /** Runs one operation: refuses after close, and turns driver failures into StoreUnavailableError. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreClosedError();
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** ARGV[1..5] of the writing scripts (see session-scripts.ts). */
  private activityArgs(sessionId: string, now: number): string[] {
    const expiresAt = expiresAtFrom(now, this.ttlMs);
    return [
      this.keys.userSessionsPrefix,
      sessionId,
      String(now),
      expiresAt === null ? '' : String(expiresAt),
      this.ttlMs === undefined ? '' : String(this.ttlMs),
    ];
  }

  private async insertSession(
    input: CreateSessionInput,
  ): Promise<{ session: SessionRecord; created: boolean }> {
    const valid = validateCreateSessionInput(input);
    const now = Date.now();
    const record: SessionRecord = {
      ...valid,
      createdAt: now,
      lastActiveAt: now,
      expiresAt: expiresAtFrom(now, this.ttlMs),
    };
    const [created, hash] = (await scripts.createSession.run(this.client, this.keys.sessionKeys(valid.id), [
      ...this.activityArgs(valid.id, now),
      valid.userId,
      ...sessionToHashPairs(record),
    ])) as [number, unknown];
    return { session: sessionFromHashReply(hash), created: created === 1 };
  }

  private async changeSession(id: string, update: SessionUpdate): Promise<SessionRecord> {
    const { deleted, pairs } = updateToHashChanges(update);
    const hash = await scripts.updateSession.run(this.client, this.keys.sessionKeys(id), [
      ...this.activityArgs(id, Date.now()),
      deleted.length,
      ...deleted,
      ...pairs,
    ]);
    if (hash === null) throw new SessionNotFoundError(id);
    return sessionFromHashReply(hash);
  }

  private async writeTranscript(sessionId: string, mode: 'set' | 'append', text: string): Promise<void> {
    validateSessionId(sessionId);
    const written = await scripts.writeTranscript.run(this.client, this.keys.sessionKeys(sessionId), [
      ...this.activityArgs(sessionId, Date.now()),
      mode,
      text,
    ]);
    if (written === 0) throw new SessionNotFoundError(sessionId);
  }
}

/** Opens a Redis-backed SessionStore (reads REDIS_URL when neither `url` nor `client` is given). */
export function createRedisSessionStore(options: RedisSessionStoreOptions = {}): RedisSessionStore {
  return new RedisSessionStore(options);
}
