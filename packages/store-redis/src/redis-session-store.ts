import {
  BackedSessionStore,
  encodeSessionCursor,
  expiresAtFrom,
  InvalidInputError,
  type MessagePage,
  type MessageRecord,
  type NormalizedAppendMessageInput,
  type NormalizedCreateSessionInput,
  type NormalizedMessagePageOptions,
  type NormalizedSessionListOptions,
  type SessionPage,
  type SessionRecord,
  type SessionStoreBackend,
  type SessionUpdate,
  validateTtlMs,
} from '@claude-code-server/store';
import type { Redis } from 'ioredis';
import {
  decodeMessage,
  encodeMessage,
  sessionFromHash,
  sessionFromHashReply,
  sessionToHashPairs,
  updateToHashChanges,
} from './redis-codec.js';
import { RedisKeys } from './redis-keys.js';
import { RedisLeases } from './redis-leases.js';
import { closeClient, type RedisSessionStoreOptions, resolveClient } from './redis-options.js';
import * as scripts from './redis-session-scripts.js';
import { RedisTasks } from './redis-tasks.js';

/** One hash, list and string per session; every write is one Lua script (see redis-session-scripts.ts). */
class RedisBackend implements SessionStoreBackend {
  readonly name = 'redis';
  readonly keys: RedisKeys;
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #ttlMs: number | undefined;
  readonly leases: RedisLeases;
  readonly tasks: RedisTasks;

  constructor(options: RedisSessionStoreOptions) {
    this.#ttlMs = validateTtlMs(options.ttlMs);
    const keyPrefix = options.keyPrefix ?? 'ccs:';
    if (typeof keyPrefix !== 'string') throw new InvalidInputError('keyPrefix', 'must be a string');
    if (options.client?.options.keyPrefix) {
      // Scripts build some key names themselves; ioredis would prefix only the declared ones.
      throw new InvalidInputError('client', "must not set ioredis's keyPrefix; use the store's keyPrefix");
    }
    this.keys = new RedisKeys(keyPrefix);
    const { client, owned } = resolveClient(options);
    this.#client = client;
    this.#ownsClient = owned;
    this.leases = new RedisLeases(client, this.keys);
    this.tasks = new RedisTasks(client, this.keys);
  }

  async insertSession(input: NormalizedCreateSessionInput) {
    const now = Date.now();
    const record: SessionRecord = {
      ...input,
      createdAt: now,
      lastActiveAt: now,
      expiresAt: expiresAtFrom(now, this.#ttlMs),
    };
    const [created, hash] = (await scripts.createSession.run(this.#client, this.keys.sessionKeys(input.id), [
      ...this.#activityArgs(input.id, now),
      input.userId,
      ...sessionToHashPairs(record),
    ])) as [number, unknown];
    return { session: sessionFromHashReply(hash), created: created === 1 };
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const fields = await this.#client.hgetall(this.keys.session(id));
    return fields.id === undefined ? null : sessionFromHash(fields);
  }

  async updateSession(id: string, update: SessionUpdate): Promise<SessionRecord | null> {
    const { deleted, pairs } = updateToHashChanges(update);
    const hash = await scripts.updateSession.run(this.#client, this.keys.sessionKeys(id), [
      ...this.#activityArgs(id, Date.now()),
      deleted.length,
      ...deleted,
      ...pairs,
    ]);
    return hash === null ? null : sessionFromHashReply(hash);
  }

  async deleteSession(id: string): Promise<boolean> {
    const args = [this.keys.userSessionsPrefix, id];
    return (await scripts.deleteSession.run(this.#client, this.keys.sessionKeys(id), args)) === 1;
  }

  async listSessions(userId: string, { limit, cursor }: NormalizedSessionListOptions): Promise<SessionPage> {
    const [hasMore, hashes] = (await scripts.listSessions.run(
      this.#client,
      [this.keys.userSessions(userId)],
      [this.keys.sessionPrefix, userId, limit, cursor?.lastActiveAt ?? '', cursor?.id ?? ''],
    )) as [number, unknown[]];
    const sessions = hashes.map(sessionFromHashReply);
    const last = sessions.at(-1);
    return { sessions, nextCursor: hasMore === 1 && last ? encodeSessionCursor(last) : null };
  }

  async appendMessage(
    sessionId: string,
    message: NormalizedAppendMessageInput,
  ): Promise<MessageRecord | null> {
    const now = Date.now();
    const json = encodeMessage(message, message.createdAt ?? now);
    const seq = (await scripts.appendMessage.run(this.#client, this.keys.sessionKeys(sessionId), [
      ...this.#activityArgs(sessionId, now),
      json,
    ])) as number;
    return seq === 0 ? null : decodeMessage(sessionId, seq, json);
  }

  async listMessages(
    sessionId: string,
    { limit, before, after }: NormalizedMessagePageOptions,
  ): Promise<MessagePage | null> {
    const reply = (await scripts.listMessages.run(
      this.#client,
      [this.keys.session(sessionId), this.keys.messages(sessionId)],
      [after ?? '', before ?? '', limit],
    )) as [number, number, ...string[]] | null;
    if (reply === null) return null;
    const [firstSeq, hasMore, ...items] = reply;
    return {
      messages: items.map((json, index) => decodeMessage(sessionId, firstSeq + index, json)),
      hasMore: hasMore === 1,
    };
  }

  async countMessages(sessionId: string): Promise<number | null> {
    const keys = [this.keys.session(sessionId), this.keys.messages(sessionId)];
    return (await scripts.countMessages.run(this.#client, keys, [])) as number | null;
  }

  async writeTranscript(sessionId: string, text: string, mode: 'replace' | 'append'): Promise<boolean> {
    const written = await scripts.writeTranscript.run(this.#client, this.keys.sessionKeys(sessionId), [
      ...this.#activityArgs(sessionId, Date.now()),
      mode === 'replace' ? 'set' : 'append',
      text,
    ]);
    return written === 1;
  }

  async loadTranscript(sessionId: string): Promise<{ transcript: string | null } | null> {
    const keys = [this.keys.session(sessionId), this.keys.transcript(sessionId)];
    const reply = (await scripts.loadTranscript.run(this.#client, keys, [])) as [] | [string] | null;
    return reply === null ? null : { transcript: reply[0] ?? null };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await closeClient(this.#client);
  }

  /** ARGV[1..5] of the writing scripts (see redis-session-scripts.ts). */
  #activityArgs(sessionId: string, now: number): string[] {
    const expiresAt = expiresAtFrom(now, this.#ttlMs);
    return [
      this.keys.userSessionsPrefix,
      sessionId,
      String(now),
      expiresAt === null ? '' : String(expiresAt),
      this.#ttlMs === undefined ? '' : String(this.#ttlMs),
    ];
  }
}

/** A SessionStore on Redis: one hash, list and string per session, atomic Lua scripts, sliding TTL. */
export class RedisSessionStore extends BackedSessionStore<RedisBackend> {
  constructor(options: RedisSessionStoreOptions = {}) {
    super(new RedisBackend(options));
  }

  /** The names of the keys this store writes. */
  get keys(): RedisKeys {
    return this.backend.keys;
  }
}

/** Opens a Redis-backed SessionStore (reads REDIS_URL when neither `url` nor `client` is given). */
export function createRedisSessionStore(options: RedisSessionStoreOptions = {}): RedisSessionStore {
  return new RedisSessionStore(options);
}
