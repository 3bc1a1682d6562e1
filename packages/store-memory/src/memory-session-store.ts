import {
  type AppendMessageInput,
  ConflictError,
  type CreateSessionInput,
  compareSessionsNewestFirst,
  expiresAtFrom,
  isAfterSessionCursor,
  isExpired,
  type Lease,
  type MessagePage,
  type MessagePageOptions,
  type MessageRecord,
  type SessionListOptions,
  SessionNotFoundError,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type SessionStoreOptions,
  type SessionUpdate,
  StoreClosedError,
  sessionPageFrom,
  validateAppendMessageInput,
  validateCreateSessionInput,
  validateLease,
  validateLeaseRequest,
  validateMessagePageOptions,
  validateSessionId,
  validateSessionListOptions,
  validateSessionUpdate,
  validateTranscript,
  validateTtlMs,
  validateUserId,
} from '@claude-code-server/store';
import { copyMessage, copySession } from './copy.js';
import { MemoryLeases } from './memory-leases.js';

export interface MemorySessionStoreOptions extends SessionStoreOptions {}

interface StoredSession {
  record: SessionRecord;
  /** messages[i].seq === i + 1, so appends are a push and pages are a slice. */
  messages: MessageRecord[];
  transcript: string | null;
}

/** A SessionStore in this process's memory: for tests and single-process use; gone on exit. */
export class MemorySessionStore implements SessionStore {
  readonly #ttlMs: number | undefined;
  readonly #sessions = new Map<string, StoredSession>();
  readonly #sessionIdsByUser = new Map<string, Set<string>>();
  readonly #leases = new MemoryLeases();
  #closed = false;
  #lastSweep = Date.now();

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#ttlMs = validateTtlMs(options.ttlMs);
  }

  async createSession(input: CreateSessionInput): Promise<SessionRecord> {
    this.#assertOpen();
    const valid = validateCreateSessionInput(input);
    if (this.#find(valid.id)) throw new ConflictError(`session already exists: ${valid.id}`);
    return copySession(this.#insert(valid));
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    this.#assertOpen();
    const stored = this.#find(validateSessionId(id));
    return stored ? copySession(stored.record) : null;
  }

  async getOrCreateSession(input: CreateSessionInput): Promise<{ session: SessionRecord; created: boolean }> {
    this.#assertOpen();
    const valid = validateCreateSessionInput(input);
    const existing = this.#find(valid.id);
    if (!existing) return { session: copySession(this.#insert(valid)), created: true };
    if (existing.record.userId !== valid.userId) {
      throw new ConflictError(`session ${valid.id} belongs to another user`);
    }
    return { session: copySession(existing.record), created: false };
  }

  async updateSession(id: string, update: SessionUpdate): Promise<SessionRecord> {
    this.#assertOpen();
    const stored = this.#require(validateSessionId(id));
    const changes = validateSessionUpdate(update);
    if (changes.claudeSessionId !== undefined) stored.record.claudeSessionId = changes.claudeSessionId;
    if (changes.project !== undefined) stored.record.project = changes.project;
    if (changes.metadata !== undefined) stored.record.metadata = changes.metadata;
    this.#markActive(stored);
    return copySession(stored.record);
  }

  async touchSession(id: string): Promise<SessionRecord> {
    this.#assertOpen();
    const stored = this.#require(validateSessionId(id));
    this.#markActive(stored);
    return copySession(stored.record);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.#assertOpen();
    const stored = this.#find(validateSessionId(id));
    if (!stored) return false;
    this.#remove(stored.record);
    return true;
  }

  async listSessions(userId: string, options?: SessionListOptions): Promise<SessionPage> {
    this.#assertOpen();
    validateUserId(userId);
    const { limit, cursor } = validateSessionListOptions(options);
    const records: SessionRecord[] = [];
    for (const id of this.#sessionIdsByUser.get(userId) ?? []) {
      const stored = this.#find(id);
      if (stored && (!cursor || isAfterSessionCursor(stored.record, cursor))) records.push(stored.record);
    }
    records.sort(compareSessionsNewestFirst);
    return sessionPageFrom(records.slice(0, limit + 1).map(copySession), limit);
  }

  async appendMessage(sessionId: string, message: AppendMessageInput): Promise<MessageRecord> {
    this.#assertOpen();
    const stored = this.#require(validateSessionId(sessionId));
    const valid = validateAppendMessageInput(message);
    const now = Date.now();
    const record: MessageRecord = {
      sessionId,
      seq: stored.messages.length + 1,
      role: valid.role,
      content: valid.content,
      createdAt: valid.createdAt ?? now,
      usage: valid.usage,
      costUsd: valid.costUsd,
      metadata: valid.metadata,
    };
    stored.messages.push(record);
    this.#markActive(stored, now);
    return copyMessage(record);
  }

  async listMessages(sessionId: string, options?: MessagePageOptions): Promise<MessagePage> {
    this.#assertOpen();
    const { messages } = this.#require(validateSessionId(sessionId));
    const { limit, before, after } = validateMessagePageOptions(options);
    // Indexes into `messages`, where seq n sits at n - 1.
    let start: number;
    let end: number;
    if (after !== undefined) {
      start = Math.min(after, messages.length);
      end = Math.min(start + limit, messages.length);
    } else {
      end = Math.min((before ?? Number.MAX_SAFE_INTEGER) - 1, messages.length);
      start = Math.max(end - limit, 0);
    }
    const hasMore = after !== undefined ? end < messages.length : start > 0;
    return { messages: messages.slice(start, end).map(copyMessage), hasMore };
  }

  async countMessages(sessionId: string): Promise<number> {
    this.#assertOpen();
    return this.#require(validateSessionId(sessionId)).messages.length;
  }

  async saveTranscript(sessionId: string, transcript: string): Promise<void> {
    this.#assertOpen();
    const stored = this.#require(validateSessionId(sessionId));
    stored.transcript = validateTranscript(transcript);
    this.#markActive(stored);
  }

  async appendTranscript(sessionId: string, chunk: string): Promise<void> {
    this.#assertOpen();
    const stored = this.#require(validateSessionId(sessionId));
    stored.transcript = (stored.transcript ?? '') + validateTranscript(chunk, 'chunk');
    this.#markActive(stored);
  }

  async loadTranscript(sessionId: string): Promise<string | null> {
    this.#assertOpen();
    return this.#require(validateSessionId(sessionId)).transcript;
  }

  async acquireLease(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    this.#assertOpen();
    validateSessionId(sessionId);
    const request = validateLeaseRequest(owner, ttlMs);
    return this.#leases.acquire(sessionId, request.owner, request.ttlMs, Date.now());
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    this.#assertOpen();
    const valid = validateLease(lease);
    validateLeaseRequest(valid.owner, ttlMs);
    return this.#leases.renew(valid, ttlMs, Date.now());
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#assertOpen();
    this.#leases.release(validateLease(lease), Date.now());
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#sessions.clear();
    this.#sessionIdsByUser.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /** The live session with this id; an expired one is removed and reported missing. */
  #find(id: string): StoredSession | undefined {
    const stored = this.#sessions.get(id);
    if (stored && isExpired(stored.record.expiresAt, Date.now())) {
      this.#remove(stored.record);
      return undefined;
    }
    return stored;
  }

  #require(id: string): StoredSession {
    const stored = this.#find(id);
    if (!stored) throw new SessionNotFoundError(id);
    return stored;
  }

  #insert(input: ReturnType<typeof validateCreateSessionInput>): SessionRecord {
    const now = Date.now();
    this.#sweepExpired(now);
    const record: SessionRecord = {
      ...input,
      createdAt: now,
      lastActiveAt: now,
      expiresAt: expiresAtFrom(now, this.#ttlMs),
    };
    this.#sessions.set(record.id, { record, messages: [], transcript: null });
    const ids = this.#sessionIdsByUser.get(record.userId) ?? new Set<string>();
    this.#sessionIdsByUser.set(record.userId, ids);
    ids.add(record.id);
    return record;
  }

  #remove(record: SessionRecord): void {
    this.#sessions.delete(record.id);
    const ids = this.#sessionIdsByUser.get(record.userId);
    ids?.delete(record.id);
    if (ids?.size === 0) this.#sessionIdsByUser.delete(record.userId);
  }

  #markActive(stored: StoredSession, now = Date.now()): void {
    stored.record.lastActiveAt = now;
    stored.record.expiresAt = expiresAtFrom(now, this.#ttlMs);
  }

  // Expired sessions nobody asks for again would stay forever; creation sweeps them at most once per TTL.
  #sweepExpired(now: number): void {
    if (this.#ttlMs === undefined || now - this.#lastSweep < this.#ttlMs) return;
    this.#lastSweep = now;
    for (const stored of this.#sessions.values()) {
      if (isExpired(stored.record.expiresAt, now)) this.#remove(stored.record);
    }
    this.#leases.sweep(now);
  }
}

/** Makes a MemorySessionStore; `ttlMs` makes sessions expire after that long without activity. */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): MemorySessionStore {
  return new MemorySessionStore(options);
}
