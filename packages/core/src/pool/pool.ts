import { BoundedMap } from '../bounded-map.js';
import type { ClaudeConfig } from '../config.js';
import { ClaudeError, ClaudeSessionNotFoundError, InvalidConfigError } from '../errors.js';
import { SessionClosedError } from '../session/errors.js';
import { spawnFingerprint } from '../session/fingerprint.js';
import { resolveSessionOptions } from '../session/options.js';
import { ClaudeSession, type SessionState } from '../session/session.js';
import { PoolBusyError } from './errors.js';
import {
  mergeConfig,
  type ResolvedPoolOptions,
  resolvePoolOptions,
  type SessionPoolOptions,
} from './options.js';
import { PooledSession } from './pooled-session.js';
import { SpareSet } from './spares.js';
import { type Waiter, WaitQueue } from './wait-queue.js';

/** Per-call choices of `acquire`. */
export interface AcquireOptions {
  /** Continue this Claude session id (default: the key's live or remembered conversation, else a new one). */
  resume?: string;
  /** Config fields for this call, over the pool's config. A live process with another spawn config is restarted (by resume) with this one. */
  config?: ClaudeConfig;
  /** Stop waiting for a slot. */
  signal?: AbortSignal;
}

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
}

interface Entry {
  key: string;
  /** Undefined while the process is starting. */
  session: ClaudeSession | undefined;
  /** While the process is starting (or being replaced): the Claude session id it will resume, if any. */
  resuming: string | undefined;
  leased: boolean;
  /** When it was last released, on the pool's use counter (LRU order, exact even within a millisecond). */
  lastUsed: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** Close it when the current lease ends (discard was asked while it was held). */
  discardOnRelease: boolean;
}

interface Request {
  key: string;
  resume: string | undefined;
  config: ClaudeConfig;
  fingerprint: string;
}

const LEASE_ESTIMATE_MS = 1_000;
/** How many younger callers of live keys may go before a caller waiting for a new process. */
const BYPASS_LIMIT = 8;

const abortedWhileWaiting = () =>
  new ClaudeError('ABORTED', 'acquire() was aborted while waiting for a session');

/**
 * Warm sessions by caller key (a user, a chat, a job), within a cap on live processes: idle ones are
 * evicted least-recently-used first (they come back by resume), spares serve new conversations, and
 * callers beyond the cap wait in a bounded queue.
 */
export class SessionPool {
  private readonly options: ResolvedPoolOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly remembered: BoundedMap<string, string>;
  private readonly waiting = new WaitQueue<PooledSession>();
  private readonly spareSet: SpareSet;
  private readonly baseFingerprint: string;
  private closingProcesses = 0;
  /** Keyed starts in flight; close() waits for them (each closes its process if the pool closed). */
  private readonly starts = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;
  private spawned = 0;
  private evicted = 0;
  private crashed = 0;
  /** Counts leases given and ended, to order sessions by last use. */
  private uses = 0;
  /** Moving average of how long a lease is held, for `retryAfterMs`. */
  private leaseMs = LEASE_ESTIMATE_MS;

  constructor(options: SessionPoolOptions = {}) {
    this.options = resolvePoolOptions(options);
    resolveSessionOptions({ ...this.options.session, config: this.options.config });
    this.remembered = new BoundedMap(this.options.maxRemembered);
    this.baseFingerprint = spawnFingerprint(this.options.config);
    this.spareSet = new SpareSet(
      this.options.spares,
      () => this.startSession(this.options.config, undefined),
      () => this.drain(),
    );
    this.drain();
  }

  /**
   * Leases the key's session, starting or resuming one if needed; hold it until `release()`. Waits
   * (bounded) when every slot is taken or the key's session is held by another caller.
   */
  acquire(key: string, options: AcquireOptions = {}): Promise<PooledSession> {
    if (this.closed) return Promise.reject(new SessionClosedError('the pool is closed'));
    if (options.signal?.aborted) return Promise.reject(abortedWhileWaiting());
    let request: Request;
    try {
      request = this.toRequest(key, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const waiter: Waiter<PooledSession> = {
      attempt: () => this.attempt(request),
      needsSlot: () => !this.entries.has(request.key),
    };
    if (this.waiting.size === 0) {
      const now = waiter.attempt();
      if (now) return now;
    }
    if (this.waiting.size >= this.options.maxQueue) {
      return Promise.reject(new PoolBusyError('queue_full', this.retryAfterMs()));
    }
    const queued = this.waiting.wait(waiter, {
      timeoutMs: this.options.queueTimeoutMs,
      onTimeout: () => new PoolBusyError('queue_timeout', this.retryAfterMs()),
      signal: options.signal,
      onAbort: abortedWhileWaiting,
    });
    this.drain();
    return queued;
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
    this.remembered.delete(key);
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.leased || !entry.session) {
      entry.discardOnRelease = true;
      return;
    }
    await this.closeEntry(entry, false);
  }

  /** The Claude session id the key continues with on its next acquire, if any. */
  sessionIdOf(key: string): string | undefined {
    return this.entries.get(key)?.session?.sessionId ?? this.remembered.get(key);
  }

  stats(): SessionPoolStats {
    let busy = 0;
    for (const entry of this.entries.values()) if (entry.leased) busy++;
    return {
      live: this.liveProcesses(),
      busy,
      idle: this.entries.size - busy,
      spares: this.spareSet.readyCount,
      queued: this.waiting.size,
      spawned: this.spawned,
      evicted: this.evicted,
      crashed: this.crashed,
    };
  }

  /** Fails waiting callers, closes every process (held ones too, interrupting their turns) and spare. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.waiting.rejectAll(new SessionClosedError('the pool is closed'));
      const sessions = [...this.entries.values()].map((entry) => entry.session);
      for (const entry of this.entries.values()) clearTimeout(entry.idleTimer);
      this.entries.clear();
      await Promise.all([this.spareSet.close(), ...sessions.map((s) => s?.close()), ...this.starts]);
    })();
    return this.closed;
  }

  private toRequest(key: string, options: AcquireOptions): Request {
    if (typeof key !== 'string' || key === '')
      throw new InvalidConfigError('key', 'must be a non-empty string');
    if (options.resume !== undefined && (typeof options.resume !== 'string' || options.resume === '')) {
      throw new InvalidConfigError('resume', 'must be a non-empty string');
    }
    const holder = options.resume === undefined ? undefined : this.keyHolding(options.resume);
    if (holder !== undefined && holder !== key) {
      // Two processes appending to one transcript would interleave it.
      throw new InvalidConfigError(
        'resume',
        `Claude session ${options.resume} is live, starting or remembered under another key (discard that key first)`,
      );
    }
    const config = mergeConfig(this.options.config, options.config);
    return { key, resume: options.resume, config, fingerprint: spawnFingerprint(config) };
  }

  /**
   * The key whose conversation `sessionId` is: its live process runs it, its starting process
   * resumes it, or (having no process) it is remembered to resume it on its next acquire.
   */
  private keyHolding(sessionId: string): string | undefined {
    for (const entry of this.entries.values()) {
      if ((entry.session?.sessionId ?? entry.resuming) === sessionId) return entry.key;
    }
    for (const [key, remembered] of this.remembered.entries()) {
      if (remembered === sessionId && !this.entries.has(key)) return key;
    }
    return undefined;
  }

  private liveProcesses(): number {
    return this.entries.size + this.spareSet.live + this.closingProcesses;
  }

  /** A lease for `request` if it can be served now, else undefined (it must wait). */
  private attempt(request: Request): Promise<PooledSession> | undefined {
    const entry = this.entries.get(request.key);
    if (entry) return entry.leased || !entry.session ? undefined : this.leaseExisting(entry, request);
    const resume = request.resume ?? this.remembered.get(request.key);
    if (resume === undefined && request.fingerprint === this.baseFingerprint) {
      const spare = this.spareSet.take(request.fingerprint);
      if (spare) {
        const lease = this.lease(this.addEntry(request.key, spare));
        this.drain();
        return Promise.resolve(lease);
      }
    }
    if (this.liveProcesses() >= this.options.maxLive) return undefined;
    return this.startForKey(request, resume);
  }

  private async leaseExisting(entry: Entry, request: Request): Promise<PooledSession> {
    const session = entry.session as ClaudeSession;
    entry.leased = true;
    clearTimeout(entry.idleTimer);
    if (request.resume !== undefined && request.resume !== session.sessionId) {
      // The key moves to another conversation: replace the process within the same slot.
      entry.session = undefined;
      entry.resuming = request.resume;
      this.closingProcesses++;
      await session.close().finally(() => this.closingProcesses--);
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

  private startForKey(request: Request, resume: string | undefined): Promise<PooledSession> {
    return this.startInto(this.addEntry(request.key, undefined), request, resume);
  }

  /** Starts the process of a held entry that has none; on failure the entry is dropped. */
  private startInto(entry: Entry, request: Request, resume: string | undefined): Promise<PooledSession> {
    entry.resuming = resume;
    // A key that moves to another conversation no longer comes back to the one it remembered.
    if (resume !== this.remembered.get(entry.key)) this.remembered.delete(entry.key);
    const started = this.startIntoNow(entry, request, resume);
    const tracked = started.catch(() => {});
    this.starts.add(tracked);
    tracked.finally(() => this.starts.delete(tracked));
    return started;
  }

  private async startIntoNow(
    entry: Entry,
    request: Request,
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
      if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
      if (error instanceof ClaudeSessionNotFoundError) this.remembered.delete(entry.key);
      this.drain();
      throw error;
    }
  }

  private addEntry(key: string, session: ClaudeSession | undefined): Entry {
    const entry: Entry = {
      key,
      session,
      resuming: undefined,
      leased: true,
      lastUsed: ++this.uses,
      idleTimer: undefined,
      discardOnRelease: false,
    };
    this.entries.set(key, entry);
    return entry;
  }

  private startSession(config: ClaudeConfig, resume: string | undefined): Promise<ClaudeSession> {
    this.spawned++;
    return ClaudeSession.start({ ...this.options.session, config, resume }).then((session) => {
      session.onStateChange((state, previous) => this.onSessionState(session, state, previous));
      return session;
    });
  }

  private lease(entry: Entry): PooledSession {
    const leasedAt = Date.now();
    return new PooledSession(entry.key, entry.session as ClaudeSession, (discard) => {
      this.leaseMs = Math.round(this.leaseMs * 0.8 + (Date.now() - leasedAt) * 0.2);
      if (discard) {
        this.remembered.delete(entry.key);
        entry.discardOnRelease = true;
      }
      return this.endLease(entry);
    });
  }

  /** Ends a lease: the session goes back to idle, or is closed if discarded or unusable. */
  private async endLease(entry: Entry): Promise<void> {
    entry.leased = false;
    entry.lastUsed = ++this.uses;
    const session = entry.session;
    if (this.entries.get(entry.key) !== entry || !session) return this.drain();
    if (entry.discardOnRelease || session.state === 'closed' || session.state === 'dead') {
      if (session.state === 'dead') this.rememberIfResumable(entry.key, session);
      return this.closeEntry(entry, false);
    }
    if (this.options.idleTimeoutMs > 0) {
      entry.idleTimer = setTimeout(() => {
        if (!entry.leased && this.entries.get(entry.key) === entry) void this.closeEntry(entry, true);
      }, this.options.idleTimeoutMs);
      entry.idleTimer.unref();
    }
    this.drain();
  }

  /** Removes an entry and closes its process; the slot counts as taken until the process is gone. */
  private async closeEntry(entry: Entry, eviction: boolean): Promise<void> {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    clearTimeout(entry.idleTimer);
    const session = entry.session;
    if (!session) return;
    if (eviction) {
      this.evicted++;
      this.rememberIfResumable(entry.key, session);
    }
    this.closingProcesses++;
    try {
      await session.close();
    } finally {
      this.closingProcesses--;
      this.drain();
    }
  }

  private rememberIfResumable(key: string, session: ClaudeSession): void {
    if (session.resumable) this.remembered.set(key, session.sessionId);
  }

  private onSessionState(session: ClaudeSession, state: SessionState, previous: SessionState): void {
    if (state === 'starting' && previous !== 'starting') this.spawned++;
    if (state !== 'dead') return;
    this.crashed++;
    if (this.spareSet.remove(session)) {
      this.drain();
      return;
    }
    for (const entry of this.entries.values()) {
      // A held session restarts itself on its next turn; an idle one gives its slot back.
      if (entry.session === session && !entry.leased) {
        this.rememberIfResumable(entry.key, session);
        this.entries.delete(entry.key);
        clearTimeout(entry.idleTimer);
        this.drain();
        return;
      }
    }
  }

  /** Closes one idle process to make room: a spare first, else the least recently used idle session. */
  private evictOne(): boolean {
    const spare = this.spareSet.remove();
    if (spare) {
      this.closingProcesses++;
      spare.close().finally(() => {
        this.closingProcesses--;
        this.drain();
      });
      return true;
    }
    let oldest: Entry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.leased || !entry.session) continue;
      if (!oldest || entry.lastUsed < oldest.lastUsed) oldest = entry;
    }
    if (!oldest) return false;
    void this.closeEntry(oldest, true);
    return true;
  }

  /**
   * Serves waiters. Those whose key is live go first (no process to start), but a caller who needs a
   * new process is bypassed at most BYPASS_LIMIT times; then, oldest first, callers who need a slot
   * get one, evicting idle processes for them. Spares refill only with room nobody waits for.
   */
  private drain(): void {
    if (this.closed) return;
    const waiters = this.waiting.waiters();
    const oldestSlotWaiter = waiters.find((waiter) => waiter.needsSlot());
    let behindOldest = false;
    for (const waiter of waiters) {
      if (waiter === oldestSlotWaiter) behindOldest = true;
      if (waiter.needsSlot()) continue;
      if (behindOldest && oldestSlotWaiter && oldestSlotWaiter.bypassed >= BYPASS_LIMIT) continue;
      const lease = waiter.attempt();
      if (!lease) continue;
      this.waiting.serve(waiter, lease);
      if (behindOldest && oldestSlotWaiter) oldestSlotWaiter.bypassed++;
    }
    let freeing = this.closingProcesses;
    let slotWaiters = 0;
    for (const waiter of this.waiting.waiters()) {
      if (!waiter.needsSlot()) continue;
      const lease = waiter.attempt();
      if (lease) {
        this.waiting.serve(waiter, lease);
        continue;
      }
      slotWaiters++;
      if (freeing > 0) freeing--;
      else if (!this.evictOne()) break;
    }
    if (slotWaiters === 0) this.spareSet.fill(this.options.maxLive - this.liveProcesses());
  }

  private retryAfterMs(): number {
    const rounds = 1 + Math.floor(this.waiting.size / this.options.maxLive);
    return Math.min(60_000, Math.max(100, this.leaseMs * rounds));
  }
}
