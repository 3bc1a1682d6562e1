/** Token usage of one model call or turn, as the CLI reports it. */
export interface MessageUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheCreationInputTokens?: number;
  cacheReadInputTokens?: number;
}

/** JSON-serialisable metadata; stores keep it as given (Postgres as JSONB). */
export type Metadata = Record<string, unknown>;

/** A conversation: who it belongs to and which Claude session carries it. Times are epoch ms. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** The CLI's own session id (a UUID), set after the first turn; null before. */
  claudeSessionId: string | null;
  /** Name of the working project (never a path), or null for the default. */
  project: string | null;
  metadata: Metadata;
  createdAt: number;
  lastActiveAt: number;
  /** When the session expires if nothing happens; null when the store has no TTL. */
  expiresAt: number | null;
}

export type MessageRole = 'user' | 'assistant' | 'system';

/** One message of a conversation; `seq` counts from 1 per session, in append order. */
export interface MessageRecord {
  sessionId: string;
  seq: number;
  role: MessageRole;
  content: string;
  createdAt: number;
  usage: MessageUsage | null;
  costUsd: number | null;
  metadata: Metadata | null;
}

export interface CreateSessionInput {
  id: string;
  userId: string;
  claudeSessionId?: string | null;
  project?: string | null;
  metadata?: Metadata;
}

/** Fields `updateSession` may change; `metadata` replaces the whole object. */
export interface SessionUpdate {
  claudeSessionId?: string | null;
  project?: string | null;
  metadata?: Metadata;
}

export interface AppendMessageInput {
  role: MessageRole;
  content: string;
  usage?: MessageUsage | null;
  costUsd?: number | null;
  metadata?: Metadata | null;
  /** Defaults to now. */
  createdAt?: number;
}

/**
 * Paging over messages by `seq`. With `after`: the first `limit` messages with seq > after.
 * Otherwise: the last `limit` messages with seq < before (or the newest, without `before`).
 * Either way the page is in ascending seq order.
 */
export interface MessagePageOptions {
  limit?: number;
  before?: number;
  after?: number;
}

export interface MessagePage {
  messages: MessageRecord[];
  /** More messages exist beyond this page in the direction of paging. */
  hasMore: boolean;
}

/** Paging over a user's sessions, most recently active first. */
export interface SessionListOptions {
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface SessionPage {
  sessions: SessionRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** An exclusive, time-limited right to run turns of one session. */
export interface Lease {
  sessionId: string;
  owner: string;
  /** Fencing token: strictly greater than every token handed out before for this session. */
  token: number;
  expiresAt: number;
}

/**
 * An async task someone runs and keeps for a while: what it is in `data` (a JSON object its runner
 * fills), then its `result` (text, often JSON). Tasks do not expire with the session TTL: they stay
 * until deleted. Times are epoch ms.
 */
export interface StoredTask {
  /** Unique per owner; the same rules as a session id. */
  id: string;
  /** Whose task it is (the server passes its tenant); tasks of one owner are invisible to others. */
  owner: string;
  data: Metadata;
  /** null until a result is saved. */
  result: string | null;
  createdAt: number;
  /** The last create or update. */
  updatedAt: number;
}

export interface CreateTaskInput {
  id: string;
  owner: string;
  /** Defaults to {}. */
  data?: Metadata;
}

/** Fields `updateTask` may change: `data` replaces the whole object; `result: null` clears it. */
export interface TaskUpdate {
  data?: Metadata;
  result?: string | null;
}

/** Paging over an owner's tasks, by id in byte order. */
export interface TaskListOptions {
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface TaskPage {
  tasks: StoredTask[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Where async tasks live: part of every SessionStore, outside its sessions and their TTL. */
export interface TaskStore {
  /** ConflictError when the owner already has a task with this id. */
  createTask(input: CreateTaskInput): Promise<StoredTask>;
  /** null when the owner has no task with this id. */
  getTask(owner: string, taskId: string): Promise<StoredTask | null>;
  /** Changes the given fields and sets `updatedAt`; null when the owner has no task with this id. */
  updateTask(owner: string, taskId: string, update: TaskUpdate): Promise<StoredTask | null>;
  /** false when there was none. */
  deleteTask(owner: string, taskId: string): Promise<boolean>;
  /** An owner's tasks by id (byte order); deleting tasks between pages skips none of the others. */
  listTasks(owner: string, options?: TaskListOptions): Promise<TaskPage>;
}

/** Options every store takes. */
export interface SessionStoreOptions {
  /** Sessions expire after this long without activity (sliding). Absent: never. */
  ttlMs?: number;
}

/**
 * Where conversations live. Every operation on an expired session behaves as if it was never there.
 * Activity (create, update, append, transcript writes, touch) slides the expiry.
 */
export interface SessionStore extends TaskStore {
  createSession(input: CreateSessionInput): Promise<SessionRecord>;
  /** null when the session does not exist (or expired). */
  getSession(id: string): Promise<SessionRecord | null>;
  /**
   * Atomic: callers racing for one id all get the same record; `created` is true for exactly one.
   * An existing session is returned unchanged; ConflictError when it belongs to another user.
   */
  getOrCreateSession(input: CreateSessionInput): Promise<{ session: SessionRecord; created: boolean }>;
  updateSession(id: string, update: SessionUpdate): Promise<SessionRecord>;
  /** Marks activity without changing anything else. */
  touchSession(id: string): Promise<SessionRecord>;
  /** Removes the session, its messages and its transcript; false when there was none. */
  deleteSession(id: string): Promise<boolean>;
  /** Newest activity first; ties by id, descending. */
  listSessions(userId: string, options?: SessionListOptions): Promise<SessionPage>;

  /**
   * Appends in O(1): never reads or rewrites earlier messages. Message and transcript calls on an
   * unknown (or expired) session throw SessionNotFoundError.
   */
  appendMessage(sessionId: string, message: AppendMessageInput): Promise<MessageRecord>;
  listMessages(sessionId: string, options?: MessagePageOptions): Promise<MessagePage>;
  countMessages(sessionId: string): Promise<number>;

  /** The CLI transcript (JSONL text) of the session, replaced whole. */
  saveTranscript(sessionId: string, transcript: string): Promise<void>;
  appendTranscript(sessionId: string, chunk: string): Promise<void>;
  /** null when no transcript was saved. */
  loadTranscript(sessionId: string): Promise<string | null>;

  /** null while anyone (the same owner too) holds an unexpired lease. The session need not exist. */
  acquireLease(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Throws ConflictError when the lease was lost (expired and taken, or released). */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease>;
  /** Releases if still held by this lease; a lost lease is a no-op. */
  releaseLease(lease: Lease): Promise<void>;

  /** Closes what the store opened; every later call (the task calls too) throws StoreClosedError. */
  close(): Promise<void>;
}
