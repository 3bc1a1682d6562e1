import {
  BackedSessionStore,
  compareSessionsNewestFirst,
  expiresAtFrom,
  isAfterSessionCursor,
  isExpired,
  type MessagePage,
  type MessageRecord,
  type NormalizedAppendMessageInput,
  type NormalizedCreateSessionInput,
  type NormalizedMessagePageOptions,
  type NormalizedSessionListOptions,
  type SessionPage,
  type SessionRecord,
  type SessionStoreBackend,
  type SessionStoreOptions,
  type SessionUpdate,
  sessionPageFrom,
  validateTtlMs,
} from '@claude-code-server/store';
import { MemoryLeases } from './memory-leases.js';
import { MemoryTasks } from './memory-tasks.js';

export interface MemorySessionStoreOptions extends SessionStoreOptions {}

interface StoredSession {
  record: SessionRecord;
  /** messages[i].seq === i + 1, so appends are a push and pages are a slice. */
  messages: MessageRecord[];
  transcript: string | null;
}

/** Sessions in Maps; the skeleton copies records on the way in and out, so these stay private. */
class MemoryBackend implements SessionStoreBackend {
  readonly name = 'memory';
  readonly #ttlMs: number | undefined;
  readonly #sessions = new Map<string, StoredSession>();
  readonly #sessionIdsByUser = new Map<string, Set<string>>();
  readonly leases = new MemoryLeases();
  readonly tasks = new MemoryTasks();
  #lastSweep = Date.now();

  constructor(ttlMs: number | undefined) {
    this.#ttlMs = ttlMs;
  }

  async insertSession(input: NormalizedCreateSessionInput) {
    const existing = this.#find(input.id);
    if (existing) return { session: existing.record, created: false };
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
    return { session: record, created: true };
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    return this.#find(id)?.record ?? null;
  }

  async updateSession(id: string, changes: SessionUpdate): Promise<SessionRecord | null> {
    const stored = this.#find(id);
    if (!stored) return null;
    if (changes.claudeSessionId !== undefined) stored.record.claudeSessionId = changes.claudeSessionId;
    if (changes.project !== undefined) stored.record.project = changes.project;
    if (changes.metadata !== undefined) stored.record.metadata = changes.metadata;
    this.#markActive(stored);
    return stored.record;
  }

  async deleteSession(id: string): Promise<boolean> {
    const stored = this.#find(id);
    if (stored) this.#remove(stored.record);
    return stored !== undefined;
  }

  async listSessions(userId: string, { limit, cursor }: NormalizedSessionListOptions): Promise<SessionPage> {
    const records: SessionRecord[] = [];
    for (const id of this.#sessionIdsByUser.get(userId) ?? []) {
      const stored = this.#find(id);
      if (stored && (!cursor || isAfterSessionCursor(stored.record, cursor))) records.push(stored.record);
    }
    records.sort(compareSessionsNewestFirst);
    return sessionPageFrom(records.slice(0, limit + 1), limit);
  }

  async appendMessage(
    sessionId: string,
    message: NormalizedAppendMessageInput,
  ): Promise<MessageRecord | null> {
    const stored = this.#find(sessionId);
    if (!stored) return null;
    const now = Date.now();
    const { createdAt, ...fields } = message;
    const record: MessageRecord = {
      sessionId,
      seq: stored.messages.length + 1,
      ...fields,
      createdAt: createdAt ?? now,
    };
    stored.messages.push(record);
    this.#markActive(stored, now);
    return record;
  }

  async listMessages(
    sessionId: string,
    { limit, before, after }: NormalizedMessagePageOptions,
  ): Promise<MessagePage | null> {
    const messages = this.#find(sessionId)?.messages;
    if (!messages) return null;
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
    return { messages: messages.slice(start, end), hasMore };
  }

  async countMessages(sessionId: string): Promise<number | null> {
    return this.#find(sessionId)?.messages.length ?? null;
  }

  async writeTranscript(sessionId: string, text: string, mode: 'replace' | 'append'): Promise<boolean> {
    const stored = this.#find(sessionId);
    if (!stored) return false;
    stored.transcript = mode === 'replace' ? text : (stored.transcript ?? '') + text;
    this.#markActive(stored);
    return true;
  }

  async loadTranscript(sessionId: string): Promise<{ transcript: string | null } | null> {
    const stored = this.#find(sessionId);
    return stored ? { transcript: stored.transcript } : null;
  }

  async close(): Promise<void> {
    this.#sessions.clear();
    this.#sessionIdsByUser.clear();
    this.tasks.clear();
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
    this.leases.sweep(now);
  }
}

/** A SessionStore in this process's memory: for tests and single-process use; gone on exit. */
export class MemorySessionStore extends BackedSessionStore {
  constructor(options: MemorySessionStoreOptions = {}) {
    super(new MemoryBackend(validateTtlMs(options.ttlMs)));
  }
}

/** Makes a MemorySessionStore; `ttlMs` makes sessions expire after that long without activity. */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): MemorySessionStore {
  return new MemorySessionStore(options);
}
