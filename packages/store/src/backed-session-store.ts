import {
  ConflictError,
  SessionNotFoundError,
  StoreClosedError,
  StoreError,
  StoreUnavailableError,
} from './errors.js';
import { copyMessage, copySession, copyTask } from './record-copies.js';
import type { SessionStoreBackend } from './session-store-backend.js';
import type {
  AppendMessageInput,
  CreateSessionInput,
  CreateTaskInput,
  Lease,
  MessagePage,
  MessagePageOptions,
  MessageRecord,
  SessionListOptions,
  SessionPage,
  SessionRecord,
  SessionStore,
  SessionUpdate,
  StoredTask,
  TaskListOptions,
  TaskPage,
  TaskUpdate,
} from './types.js';
import {
  validateAppendMessageInput,
  validateCreateSessionInput,
  validateCreateTaskInput,
  validateLease,
  validateLeaseRequest,
  validateMessagePageOptions,
  validateSessionId,
  validateSessionListOptions,
  validateSessionUpdate,
  validateTaskKey,
  validateTaskListOptions,
  validateTaskOwner,
  validateTaskUpdate,
  validateTranscript,
  validateUserId,
} from './validate.js';

/**
 * The part every SessionStore shares, around a backend that does only what touches its driver: refuses
 * calls after close (before looking at the arguments), checks and normalises every argument, copies
 * records on the way out, turns driver failures into StoreUnavailableError, and closes the backend once.
 */
export class BackedSessionStore<Backend extends SessionStoreBackend = SessionStoreBackend>
  implements SessionStore
{
  protected readonly backend: Backend;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  createSession(input: CreateSessionInput): Promise<SessionRecord> {
    return this.#call(
      'createSession',
      () => validateCreateSessionInput(input),
      async (valid) => {
        const { session, created } = await this.backend.insertSession(valid);
        if (!created) throw new ConflictError(`session already exists: ${valid.id}`);
        return copySession(session);
      },
    );
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.#call(
      'getSession',
      () => validateSessionId(id),
      async (sessionId) => {
        const session = await this.backend.getSession(sessionId);
        return session && copySession(session);
      },
    );
  }

  getOrCreateSession(input: CreateSessionInput): Promise<{ session: SessionRecord; created: boolean }> {
    return this.#call(
      'getOrCreateSession',
      () => validateCreateSessionInput(input),
      async (valid) => {
        const { session, created } = await this.backend.insertSession(valid);
        if (!created && session.userId !== valid.userId) {
          throw new ConflictError(`session ${valid.id} belongs to another user`);
        }
        return { session: copySession(session), created };
      },
    );
  }

  updateSession(id: string, update: SessionUpdate): Promise<SessionRecord> {
    const valid = () => ({ sessionId: validateSessionId(id), changes: validateSessionUpdate(update) });
    return this.#call('updateSession', valid, ({ sessionId, changes }) =>
      this.#changeSession(sessionId, changes),
    );
  }

  touchSession(id: string): Promise<SessionRecord> {
    return this.#call(
      'touchSession',
      () => validateSessionId(id),
      (sessionId) => this.#changeSession(sessionId, {}),
    );
  }

  deleteSession(id: string): Promise<boolean> {
    return this.#call(
      'deleteSession',
      () => validateSessionId(id),
      (sessionId) => this.backend.deleteSession(sessionId),
    );
  }

  listSessions(userId: string, options?: SessionListOptions): Promise<SessionPage> {
    const valid = () => ({ user: validateUserId(userId), page: validateSessionListOptions(options) });
    return this.#call('listSessions', valid, async ({ user, page }) => {
      const { sessions, nextCursor } = await this.backend.listSessions(user, page);
      return { sessions: sessions.map(copySession), nextCursor };
    });
  }

  appendMessage(sessionId: string, message: AppendMessageInput): Promise<MessageRecord> {
    const valid = () => ({ id: validateSessionId(sessionId), input: validateAppendMessageInput(message) });
    return this.#call('appendMessage', valid, async ({ id, input }) =>
      copyMessage(found(id, await this.backend.appendMessage(id, input))),
    );
  }

  listMessages(sessionId: string, options?: MessagePageOptions): Promise<MessagePage> {
    const valid = () => ({ id: validateSessionId(sessionId), page: validateMessagePageOptions(options) });
    return this.#call('listMessages', valid, async ({ id, page }) => {
      const { messages, hasMore } = found(id, await this.backend.listMessages(id, page));
      return { messages: messages.map(copyMessage), hasMore };
    });
  }

  countMessages(sessionId: string): Promise<number> {
    return this.#call(
      'countMessages',
      () => validateSessionId(sessionId),
      async (id) => found(id, await this.backend.countMessages(id)),
    );
  }

  saveTranscript(sessionId: string, transcript: string): Promise<void> {
    const valid = () => ({ id: validateSessionId(sessionId), text: validateTranscript(transcript) });
    return this.#call('saveTranscript', valid, ({ id, text }) => this.#writeTranscript(id, text, 'replace'));
  }

  appendTranscript(sessionId: string, chunk: string): Promise<void> {
    const valid = () => ({ id: validateSessionId(sessionId), text: validateTranscript(chunk, 'chunk') });
    return this.#call('appendTranscript', valid, ({ id, text }) => this.#writeTranscript(id, text, 'append'));
  }

  loadTranscript(sessionId: string): Promise<string | null> {
    return this.#call(
      'loadTranscript',
      () => validateSessionId(sessionId),
      async (id) => found(id, await this.backend.loadTranscript(id)).transcript,
    );
  }

  acquireLease(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    const valid = () => ({ id: validateSessionId(sessionId), ...validateLeaseRequest(owner, ttlMs) });
    return this.#call('acquireLease', valid, (request) =>
      this.backend.leases.acquire(request.id, request.owner, request.ttlMs),
    );
  }

  renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    const valid = () => {
      const held = validateLease(lease);
      return { held, ttlMs: validateLeaseRequest(held.owner, ttlMs).ttlMs };
    };
    return this.#call('renewLease', valid, async ({ held, ttlMs }) => {
      const renewed = await this.backend.leases.renew(held, ttlMs);
      if (!renewed)
        throw new ConflictError(`lease on session ${held.sessionId} (token ${held.token}) was lost`);
      return renewed;
    });
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.#call(
      'releaseLease',
      () => validateLease(lease),
      (held) => this.backend.leases.release(held),
    );
  }

  createTask(input: CreateTaskInput): Promise<StoredTask> {
    return this.#call(
      'createTask',
      () => validateCreateTaskInput(input),
      async (valid) => {
        const task = await this.backend.tasks.insert(valid);
        if (!task) throw new ConflictError(`task ${valid.id} of ${valid.owner} already exists`);
        return copyTask(task);
      },
    );
  }

  getTask(owner: string, taskId: string): Promise<StoredTask | null> {
    return this.#call(
      'getTask',
      () => validateTaskKey(owner, taskId),
      async (key) => {
        const task = await this.backend.tasks.get(key.owner, key.taskId);
        return task && copyTask(task);
      },
    );
  }

  updateTask(owner: string, taskId: string, update: TaskUpdate): Promise<StoredTask | null> {
    const valid = () => ({ ...validateTaskKey(owner, taskId), changes: validateTaskUpdate(update) });
    return this.#call('updateTask', valid, async (key) => {
      const task = await this.backend.tasks.update(key.owner, key.taskId, key.changes);
      return task && copyTask(task);
    });
  }

  deleteTask(owner: string, taskId: string): Promise<boolean> {
    return this.#call(
      'deleteTask',
      () => validateTaskKey(owner, taskId),
      (key) => this.backend.tasks.delete(key.owner, key.taskId),
    );
  }

  listTasks(owner: string, options?: TaskListOptions): Promise<TaskPage> {
    const valid = () => ({ owner: validateTaskOwner(owner), page: validateTaskListOptions(options) });
    return this.#call('listTasks', valid, async (request) => {
      const { tasks, nextCursor } = await this.backend.tasks.list(request.owner, request.page);
      return { tasks: tasks.map(copyTask), nextCursor };
    });
  }

  /** Closes what the backend opened, once; every later call throws StoreClosedError. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.backend.close();
    return this.#closing;
  }

  /** Runs an operation of a subclass: refused after close, driver failures mapped like the rest. */
  protected async guard<T>(operation: string, body: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    try {
      return await body();
    } catch (error) {
      throw this.#storeError(error, operation);
    }
  }

  /** Closed first, then the arguments (so bad input is named even while the backend is away), then the backend. */
  async #call<I, T>(operation: string, validate: () => I, body: (input: I) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const input = validate();
    return this.guard(operation, async () => {
      await this.backend.ready?.();
      this.#assertOpen();
      return body(input);
    });
  }

  async #changeSession(id: string, changes: SessionUpdate): Promise<SessionRecord> {
    return copySession(found(id, await this.backend.updateSession(id, changes)));
  }

  async #writeTranscript(id: string, text: string, mode: 'replace' | 'append'): Promise<void> {
    if (!(await this.backend.writeTranscript(id, text, mode))) throw new SessionNotFoundError(id);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  #storeError(error: unknown, operation: string): StoreError {
    if (error instanceof StoreError) return error;
    const detail =
      this.backend.describeFailure?.(error) ?? (error instanceof Error ? error.message : String(error));
    return new StoreUnavailableError(`${this.backend.name} ${operation} failed: ${detail}`, { cause: error });
  }
}

/** The answer for a session, or SessionNotFoundError when the backend found none. */
function found<T>(sessionId: string, answer: T | null): T {
  if (answer === null) throw new SessionNotFoundError(sessionId);
  return answer;
}

/** A whole SessionStore from a backend that implements only the driver-facing part. */
export function defineSessionStore(backend: SessionStoreBackend): SessionStore {
  return new BackedSessionStore(backend);
}
