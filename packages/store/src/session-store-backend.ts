import type {
  Lease,
  MessagePage,
  MessageRecord,
  SessionPage,
  SessionRecord,
  SessionUpdate,
  StoredTask,
  TaskPage,
  TaskUpdate,
} from './types.js';
import type {
  NormalizedAppendMessageInput,
  NormalizedCreateSessionInput,
  NormalizedCreateTaskInput,
  NormalizedMessagePageOptions,
  NormalizedSessionListOptions,
  NormalizedTaskListOptions,
} from './validate.js';

/**
 * The driver-facing half of a SessionStore, which `defineSessionStore` (or `BackedSessionStore`) turns
 * into a whole one. Every argument arrives checked and normalised, never after close; records handed
 * back are copied before callers see them; anything thrown that is not a StoreError reaches callers as
 * StoreUnavailableError with it as `cause`. A backend keeps its own clock, TTL and atomicity.
 *
 * "Live" below means existing and not expired. Where a method answers null (or false) for a session
 * that is not live, the caller gets SessionNotFoundError.
 */
export interface SessionStoreBackend {
  /** Names the backend in error messages: `<name> <operation> failed: ...`. */
  readonly name: string;
  /** Awaited before every call (connect, migrate); a backend shares one attempt between callers. */
  ready?(): Promise<void>;
  /** The detail of a driver failure for its StoreUnavailableError (default: its message). */
  describeFailure?(error: unknown): string;

  /**
   * Atomic: creates the session unless a live one has the id (an expired one gives way), else returns
   * that one unchanged. Racing callers all get the same record; `created` is true for exactly one.
   */
  insertSession(input: NormalizedCreateSessionInput): Promise<{ session: SessionRecord; created: boolean }>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Applies the keys that are not undefined (none: a touch) and marks activity; null when not live. */
  updateSession(id: string, update: SessionUpdate): Promise<SessionRecord | null>;
  /** Removes the session with its messages and transcript; true when a live one was there. */
  deleteSession(id: string): Promise<boolean>;
  /** A user's live sessions newest first (ties: id descending), strictly after `cursor`. */
  listSessions(userId: string, options: NormalizedSessionListOptions): Promise<SessionPage>;

  /** Appends with the next seq in O(1) and marks activity; `createdAt` undefined means now. */
  appendMessage(sessionId: string, message: NormalizedAppendMessageInput): Promise<MessageRecord | null>;
  listMessages(sessionId: string, options: NormalizedMessagePageOptions): Promise<MessagePage | null>;
  countMessages(sessionId: string): Promise<number | null>;

  /** Replaces the transcript or extends it (starting one if none) and marks activity; false when not live. */
  writeTranscript(sessionId: string, text: string, mode: 'replace' | 'append'): Promise<boolean>;
  /** `{ transcript: null }` before any write; null when the session is not live. */
  loadTranscript(sessionId: string): Promise<{ transcript: string | null } | null>;

  /** Leases, independent of sessions: the session need not exist. */
  readonly leases: LeaseBackend;
  /** Tasks, keyed by (owner, id), outside the sessions and their TTL. */
  readonly tasks: TaskBackend;

  /** Called once, by the first close: release what the backend opened (never what it was given). */
  close(): Promise<void>;
}

/** The leases of a backend; the store turns a null renewal into ConflictError. */
export interface LeaseBackend {
  /** A new lease with a larger token than any before for the session, or null while anyone holds one. */
  acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** The lease with a new expiry, or null when it was lost (released, or expired and taken). */
  renew(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Releases only if this lease still holds it. */
  release(lease: Lease): Promise<void>;
}

/** The tasks of a backend, keyed by (owner, id); times come from the backend's clock. */
export interface TaskBackend {
  /** Creates the task with `result: null` and both times now; null when the owner has one with this id. */
  insert(input: NormalizedCreateTaskInput): Promise<StoredTask | null>;
  get(owner: string, taskId: string): Promise<StoredTask | null>;
  /** Applies the keys that are not undefined and sets `updatedAt`; null when there is no such task. */
  update(owner: string, taskId: string, update: TaskUpdate): Promise<StoredTask | null>;
  delete(owner: string, taskId: string): Promise<boolean>;
  /** Up to `limit + 1` of the owner's tasks with ids after `after`, by id in byte order (see taskPageFrom). */
  list(owner: string, options: NormalizedTaskListOptions): Promise<TaskPage>;
}
