import type { ClaudeSession } from '../session/session.js';

/** One key's place in the pool: its process (once started) and its lease. */
export interface KeyedEntry {
  readonly key: string;
  /** Undefined while the process is starting (or being replaced). */
  session: ClaudeSession | undefined;
  /** While the process is starting (or being replaced): the Claude session id it will resume, if any. */
  resuming: string | undefined;
  leased: boolean;
  /** When it was last leased or released, on the registry's use counter (exact even within a millisecond). */
  lastUsed: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** Close it when the current lease ends (discard was asked while it was held). */
  discardOnRelease: boolean;
}

/** The pool's sessions by caller key, in least-recently-used order; it decides nothing about slots. */
export class KeyedSessions {
  private readonly entries = new Map<string, KeyedEntry>();
  /** Counts leases given and ended, to order entries by last use. */
  private uses = 0;

  get size(): number {
    return this.entries.size;
  }

  /** Entries held by a caller. */
  get leased(): number {
    let leased = 0;
    for (const entry of this.entries.values()) if (entry.leased) leased++;
    return leased;
  }

  get(key: string): KeyedEntry | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** True while `entry` is its key's entry (not removed or replaced). */
  holds(entry: KeyedEntry): boolean {
    return this.entries.get(entry.key) === entry;
  }

  /** Each entry's session (undefined while one starts). */
  sessions(): Array<ClaudeSession | undefined> {
    return [...this.entries.values()].map((entry) => entry.session);
  }

  /** Adds a leased entry for `key` (its session, or undefined while one starts). */
  add(key: string, session: ClaudeSession | undefined): KeyedEntry {
    const entry: KeyedEntry = {
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

  /** Leases an idle entry again. */
  lease(entry: KeyedEntry): void {
    entry.leased = true;
    clearTimeout(entry.idleTimer);
  }

  /** Ends an entry's lease; it becomes the most recently used. */
  release(entry: KeyedEntry): void {
    entry.leased = false;
    entry.lastUsed = ++this.uses;
  }

  /** Calls `onIdle` if the entry is still here and unleased after `ms`. */
  closeWhenIdle(entry: KeyedEntry, ms: number, onIdle: () => void): void {
    entry.idleTimer = setTimeout(() => {
      if (!entry.leased && this.holds(entry)) onIdle();
    }, ms);
    entry.idleTimer.unref();
  }

  /** Removes the entry if it is still its key's; false if it was not. */
  remove(entry: KeyedEntry): boolean {
    if (!this.holds(entry)) return false;
    this.entries.delete(entry.key);
    clearTimeout(entry.idleTimer);
    return true;
  }

  /** Removes every entry; returns their sessions. */
  clear(): Array<ClaudeSession | undefined> {
    const sessions = this.sessions();
    for (const entry of this.entries.values()) clearTimeout(entry.idleTimer);
    this.entries.clear();
    return sessions;
  }

  /** The key whose live process runs `sessionId`, or whose starting process will resume it. */
  keyRunning(sessionId: string): string | undefined {
    for (const entry of this.entries.values()) {
      if ((entry.session?.sessionId ?? entry.resuming) === sessionId) return entry.key;
    }
    return undefined;
  }

  /** The unleased entry whose process is `session`. */
  idleWith(session: ClaudeSession): KeyedEntry | undefined {
    for (const entry of this.entries.values()) if (entry.session === session && !entry.leased) return entry;
    return undefined;
  }

  /** The unleased entry with a process that was used longest ago. */
  leastRecentlyUsedIdle(): KeyedEntry | undefined {
    let oldest: KeyedEntry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.leased || !entry.session) continue;
      if (!oldest || entry.lastUsed < oldest.lastUsed) oldest = entry;
    }
    return oldest;
  }
}
