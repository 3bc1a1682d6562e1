import type { ClaudeConfig } from '../config.js';
import { ClaudeSessionNotFoundError } from '../errors.js';
import { SessionClosedError } from '../session/errors.js';
import type { SessionExtensions } from '../session/extensions.js';
import { spawnFingerprint } from '../session/fingerprint.js';
import { resolveSessionOptions } from '../session/options.js';
import { ClaudeSession, type SessionState } from '../session/session.js';
import { type AcquireOptions, type AcquireRequest, toAcquireRequest } from './acquire-request.js';
import { type KeyedEntry, KeyedSessions } from './keyed-sessions.js';
import { type LiveProcesses, MemoryBudget } from './memory-budget.js';
import { type ResolvedPoolOptions, resolvePoolOptions, type SessionPoolOptions } from './options.js';
import { PooledSession } from './pooled-session.js';
import { ResumeMemory } from './resume-memory.js';
import { abortedWhileWaiting, SlotScheduler } from './slot-scheduler.js';
import { SpareSet } from './spares.js';

/** Numbers for metrics. */
export interface SessionPoolStats {
  /** Processes alive or starting or closing (never above `maxLive`). */
  live: number;
  /** Keyed sessions held by a caller. */
  busy: number;
  /** Keyed sessions kept warm, not held. */
  idle: number;
  /** Spare processes ready for new conversations. */
  spares: number;
  /** Callers waiting for a slot. */
  queued: number;
  /** Processes started so far (spares, new sessions, resumes, restarts). */
  spawned: number;
  /** Idle sessions closed to make room or after `idleTimeoutMs`. */
  evicted: number;
  /** Processes that died without being asked to. */
  crashed: number;
  /** Resident memory of the live processes and the helpers they run, from /proc (0 where there is none). */
  rssBytes: number;
}

/**
 * Warm sessions by caller key (a user, a chat, a job), within a cap on live processes and, if given,
 * on their resident memory: idle ones are
 * evicted least-recently-used first (they come back by resume), spares serve new conversations, and
 * callers beyond the cap wait in a bounded queue.
 */
export class SessionPool {
  private readonly options: ResolvedPoolOptions;
  private readonly keyed = new KeyedSessions();
  private readonly remembered: ResumeMemory;
  private readonly scheduler: SlotScheduler<PooledSession>;
  private readonly spareSet: SpareSet;
  private readonly baseFingerprint: string;
  /** The tool servers and hooks every process of the pool registers. */
  private readonly extensions: SessionExtensions;
  private readonly memory: MemoryBudget;
  /** Processes being closed: each holds its slot and its memory until it is gone. */
  private readonly closing = new Set<ClaudeSession>();
  /** Keyed starts in flight; close() waits for them (each closes its process if the pool closed). */
  private readonly starts = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;
  private spawned = 0;
  private evicted = 0;
  private crashed = 0;

  constructor(options: SessionPoolOptions = {}) {
    this.options = resolvePoolOptions(options);
    const { extensions } = resolveSessionOptions({ ...this.options.session, config: this.options.config });
    this.extensions = extensions;
    this.remembered = new ResumeMemory(this.options.maxRemembered);
    this.baseFingerprint = spawnFingerprint(this.options.config, extensions);
    this.memory = new MemoryBudget(this.options.maxMemoryBytes);
    this.scheduler = new SlotScheduler(this.options, {
      closing: () => this.closing.size,
      evictOne: () => this.evictOne(),
      roomUnclaimed: () => this.spareSet.fill(this.room()),
    });
    this.spareSet = new SpareSet(
      this.options.spares,
      () => this.startSession(this.options.config, undefined),
      () => this.scheduler.drain(),
    );
    this.scheduler.drain();
  }

  /**
   * Leases the key's session, starting or resuming one if needed; hold it until `release()`. Waits
   * (bounded) when every slot is taken or the key's session is held by another caller.
   */
  acquire(key: string, options: AcquireOptions = {}): Promise<PooledSession> {
    if (this.closed) return Promise.reject(new SessionClosedError('the pool is closed'));
    if (options.signal?.aborted) return Promise.reject(abortedWhileWaiting(options.signal.reason));
    let request: AcquireRequest;
    try {
      request = toAcquireRequest(key, options, this.options.config, this.extensions, (id) =>
        this.keyHolding(id),
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return this.scheduler.admit(
      { attempt: () => this.attempt(request), needsSlot: () => !this.keyed.has(request.key) },
      options.signal,
    );
  }

  /** Acquires the key's session, runs `fn` with it, and releases it however `fn` ends. */
  async run<T>(
    key: string,
    options: AcquireOptions,
    fn: (session: ClaudeSession, pooled: PooledSession) => Promise<T> | T,
  ): Promise<T> {
    const pooled = await this.acquire(key, options);
    try {
      return await fn(pooled.session, pooled);
    } finally {
      pooled.release();
    }
  }

  /** Closes the key's process (once released, if held) and forgets its conversation: the next acquire starts a new one unless given `resume`. */
  async discard(key: string): Promise<void> {
    this.remembered.forget(key);
    const entry = this.keyed.get(key);
    if (!entry) return;
    if (entry.leased || !entry.session) {
      entry.discardOnRelease = true;
      return;
    }
    await this.closeEntry(entry, false);
  }

  /** The Claude session id the key continues with on its next acquire, if any. */
  sessionIdOf(key: string): string | undefined {
    return this.keyed.get(key)?.session?.sessionId ?? this.remembered.get(key);
  }

  stats(): SessionPoolStats {
    const busy = this.keyed.leased;
    return {
      live: this.liveProcesses(),
      busy,
      idle: this.keyed.size - busy,
      spares: this.spareSet.readyCount,
      queued: this.scheduler.queued,
      spawned: this.spawned,
      evicted: this.evicted,
      crashed: this.crashed,
      rssBytes: this.memory.rssBytes(this.liveForBudget()),
    };
  }

  /** Fails waiting callers, closes every process (held ones too, interrupting their turns) and spare. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.scheduler.close(new SessionClosedError('the pool is closed'));
      const sessions = this.keyed.clear();
      await Promise.all([this.spareSet.close(), ...sessions.map((s) => s?.close()), ...this.starts]);
    })();
    return this.closed;
  }

  /**
   * The key whose conversation `sessionId` is: its live process runs it, its starting process
   * resumes it, or (having no process) it is remembered to resume it on its next acquire.
   */
  private keyHolding(sessionId: string): string | undefined {
    return (
      this.keyed.keyRunning(sessionId) ??
      this.remembered.keyRemembering(sessionId, (key) => !this.keyed.has(key))
    );
  }

  private liveProcesses(): number {
    return this.keyed.size + this.spareSet.live + this.closing.size;
  }

  /** The live processes as the memory budget counts them (a pid once started, else not measured yet). */
  private liveForBudget(): LiveProcesses {
    const live: LiveProcesses = {
      started: [],
      closing: [],
      unmeasured: this.spareSet.live - this.spareSet.readyCount,
    };
    for (const session of [...this.keyed.sessions(), ...this.spareSet.sessions()]) {
      const pid = session && (session.state === 'idle' || session.state === 'busy') ? session.pid : undefined;
      if (pid === undefined) live.unmeasured++;
      else live.started.push(pid);
    }
    for (const session of this.closing) {
      if (session.pid === undefined)
        live.unmeasured++; // exited: its slot is held until close() ends
      else live.closing.push(session.pid);
    }
    return live;
  }

  /** How many more processes may start now: within `maxLive` and the memory budget. */
  private room(): number {
    const byCount = this.options.maxLive - this.liveProcesses();
    if (byCount <= 0 || this.options.maxMemoryBytes === undefined) return byCount;
    return Math.min(byCount, this.memory.room(this.liveForBudget()));
  }

  /** A lease for `request` if it can be served now, else undefined (it must wait). */
  private attempt(request: AcquireRequest): Promise<PooledSession> | undefined {
    const entry = this.keyed.get(request.key);
    if (entry) return entry.leased || !entry.session ? undefined : this.leaseExisting(entry, request);
    const resume = request.resume ?? this.remembered.get(request.key);
    if (resume === undefined && request.fingerprint === this.baseFingerprint) {
      const spare = this.spareSet.take(request.fingerprint);
      if (spare) {
        const lease = this.lease(this.keyed.add(request.key, spare));
        this.scheduler.drain();
        return Promise.resolve(lease);
      }
    }
    if (this.room() <= 0) return undefined;
    return this.startInto(this.keyed.add(request.key, undefined), request, resume);
  }

  private async leaseExisting(entry: KeyedEntry, request: AcquireRequest): Promise<PooledSession> {
    const session = entry.session as ClaudeSession;
    this.keyed.lease(entry);
    if (request.resume !== undefined && request.resume !== session.sessionId) {
      // The key moves to another conversation: replace the process within the same slot.
      entry.session = undefined;
      entry.resuming = request.resume;
      this.closing.add(session);
      await session.close().finally(() => this.closing.delete(session));
      return this.startInto(entry, request, request.resume);
    }
    try {
      if (session.fingerprint !== request.fingerprint) await session.restart(request.config);
    } catch (error) {
      void this.endLease(entry);
      throw error;
    }
    return this.lease(entry);
  }

  /** Starts the process of a held entry that has none; on failure the entry is dropped. */
  private startInto(
    entry: KeyedEntry,
    request: AcquireRequest,
    resume: string | undefined,
  ): Promise<PooledSession> {
    entry.resuming = resume;
    // A key that moves to another conversation no longer comes back to the one it remembered.
    if (resume !== this.remembered.get(entry.key)) this.remembered.forget(entry.key);
    const started = this.startIntoNow(entry, request, resume);
    const tracked = started.catch(() => {});
    this.starts.add(tracked);
    tracked.finally(() => this.starts.delete(tracked));
    return started;
  }

  private async startIntoNow(
    entry: KeyedEntry,
    request: AcquireRequest,
    resume: string | undefined,
  ): Promise<PooledSession> {
    try {
      const session = await this.startSession(request.config, resume);
      if (this.closed) {
        await session.close();
        throw new SessionClosedError('the pool is closed');
      }
      entry.session = session;
      entry.resuming = undefined;
      return this.lease(entry);
    } catch (error) {
      this.keyed.remove(entry);
      if (error instanceof ClaudeSessionNotFoundError) this.remembered.forget(entry.key);
      this.scheduler.drain();
      throw error;
    }
  }

  private startSession(config: ClaudeConfig, resume: string | undefined): Promise<ClaudeSession> {
    this.spawned++;
    return ClaudeSession.start({ ...this.options.session, config, resume }).then((session) => {
      session.onStateChange((state, previous) => this.onSessionState(session, state, previous));
      return session;
    });
  }

  private lease(entry: KeyedEntry): PooledSession {
    const leasedAt = Date.now();
    return new PooledSession(entry.key, entry.session as ClaudeSession, (discard) => {
      this.scheduler.recordLease(Date.now() - leasedAt);
      if (discard) {
        this.remembered.forget(entry.key);
        entry.discardOnRelease = true;
      }
      return this.endLease(entry);
    });
  }

  /** Ends a lease: the session goes back to idle, or is closed if discarded or unusable. */
  private async endLease(entry: KeyedEntry): Promise<void> {
    this.keyed.release(entry);
    const session = entry.session;
    if (!this.keyed.holds(entry) || !session) return this.scheduler.drain();
    if (entry.discardOnRelease || session.state === 'closed' || session.state === 'dead') {
      if (session.state === 'dead') this.remembered.remember(entry.key, session);
      return this.closeEntry(entry, false);
    }
    if (this.options.idleTimeoutMs > 0) {
      this.keyed.closeWhenIdle(entry, this.options.idleTimeoutMs, () => void this.closeEntry(entry, true));
    }
    this.scheduler.drain();
  }

  /** Removes an entry and closes its process; the slot counts as taken until the process is gone. */
  private async closeEntry(entry: KeyedEntry, eviction: boolean): Promise<void> {
    if (!this.keyed.remove(entry)) return;
    const session = entry.session;
    if (!session) return;
    if (eviction) {
      this.evicted++;
      this.remembered.remember(entry.key, session);
    }
    await this.closeCounted(session);
  }

  /** Closes a process no entry counts any more; its slot stays taken until it is gone. */
  private async closeCounted(session: ClaudeSession): Promise<void> {
    this.closing.add(session);
    try {
      await session.close();
    } finally {
      this.closing.delete(session);
      this.scheduler.drain();
    }
  }

  private onSessionState(session: ClaudeSession, state: SessionState, previous: SessionState): void {
    if (state === 'starting' && previous !== 'starting') this.spawned++;
    if (state !== 'dead') return;
    this.crashed++;
    if (this.spareSet.remove(session)) {
      this.scheduler.drain();
      return;
    }
    // A held session restarts itself on its next turn; an idle one gives its slot back.
    const idle = this.keyed.idleWith(session);
    if (!idle) return;
    this.remembered.remember(idle.key, session);
    this.keyed.remove(idle);
    this.scheduler.drain();
  }

  /** Closes one idle process to make room: a spare first, else the least recently used idle session. */
  private evictOne(): boolean {
    const spare = this.spareSet.remove();
    if (spare) {
      void this.closeCounted(spare);
      return true;
    }
    const oldest = this.keyed.leastRecentlyUsedIdle();
    if (!oldest) return false;
    void this.closeEntry(oldest, true);
    return true;
  }
}
