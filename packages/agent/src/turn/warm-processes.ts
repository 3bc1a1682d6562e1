import {
  type ClaudeConfig,
  type ClaudeSession,
  ClaudeSessionNotFoundError,
  type PooledSession,
} from '@claude-code-server/core';
import { spawnFingerprint } from '@claude-code-server/core/internal';
import type { SessionRecord } from '@claude-code-server/store';
import type { ProcessSource } from '../process/process-source.js';
import { transcriptPath } from '../transcript/project-slug.js';
import type { TranscriptSync } from '../transcript/transcript-sync.js';

/** What this agent's warm process of a session has seen, to tell whether it is still current. */
interface WarmView {
  session: ClaudeSession;
  claudeSessionId: string;
  turns: number;
  fingerprint: string;
}

/** A process ready for the turn, and how it was obtained. */
export interface PreparedProcess {
  process: PooledSession;
  warm: boolean;
  fresh: boolean;
}

function isAlive(session: ClaudeSession): boolean {
  return session.state === 'idle' || session.state === 'busy';
}

/**
 * The agent's warm processes, by session, with what each has seen (the session's stored turn
 * counter): a process is reused only while nobody else has run a turn of its session.
 */
export class WarmProcesses {
  private readonly views = new Map<string, WarmView>();
  private readonly watched = new WeakSet<ClaudeSession>();
  /** Processes replaced because another agent had run a turn of their session. */
  staleProcesses = 0;

  constructor(
    private readonly processes: ProcessSource,
    private readonly sync: TranscriptSync,
    private readonly configDir: string,
  ) {}

  /** Records that `session` has seen the stored conversation up to `turns`. */
  remember(
    sessionId: string,
    session: ClaudeSession,
    claudeSessionId: string,
    config: ClaudeConfig,
    turns: number,
  ): void {
    this.watch(sessionId, session);
    this.views.set(sessionId, { session, claudeSessionId, turns, fingerprint: spawnFingerprint(config) });
  }

  /** Forgets the session's process view (its process is replaced before the next turn). */
  forget(sessionId: string): void {
    this.views.delete(sessionId);
  }

  /** Closes the session's process and forgets everything known about the session here. */
  async drop(sessionId: string): Promise<void> {
    this.views.delete(sessionId);
    this.sync.forget(sessionId);
    await this.processes.discard(sessionId);
  }

  /**
   * A process that has seen exactly the stored conversation: the warm one if nobody else ran a turn
   * since, else a new one resuming the stored transcript, else (transcript gone) a fresh conversation.
   */
  async prepare(
    record: SessionRecord,
    storedTurns: number,
    config: ClaudeConfig,
    cwd: string,
    signal: AbortSignal,
    /** Settles once the store holds what the process would resume (a turn still being stored). */
    stored: Promise<void> = Promise.resolve(),
  ): Promise<PreparedProcess> {
    const { processes, sync } = this;
    const key = record.id;
    const claudeSessionId = record.claudeSessionId;
    const view = this.views.get(key);
    this.views.delete(key);
    if (view && claudeSessionId !== null && isAlive(view.session)) {
      const seenAll = view.claudeSessionId === claudeSessionId && view.turns === storedTurns;
      if (seenAll && view.fingerprint === spawnFingerprint(config)) {
        const pooled = await processes.acquire(key, { resume: claudeSessionId, config, signal });
        if (pooled.session === view.session) return { process: pooled, warm: true, fresh: false };
        // Evicted in between: the pool resumed a process we did not prepare the transcript for.
        await pooled.discard();
      } else if (!seenAll) {
        this.staleProcesses++;
      }
      // A process started with another config is replaced too, but it was not stale.
    }
    // Not warm: the conversation comes from the store, so what is still being stored must be there.
    await stored;
    // Close whatever process the key has (it flushes its transcript first), so the file is ours.
    await processes.discard(key);
    if (claudeSessionId === null) {
      return { process: await processes.acquire(key, { config, signal }), warm: false, fresh: false };
    }
    const path = transcriptPath(this.configDir, cwd, claudeSessionId);
    const outcome = await sync.restore(key, claudeSessionId, path, storedTurns);
    if (outcome !== 'missing') {
      try {
        const process = await processes.acquire(key, { resume: claudeSessionId, config, signal });
        return { process, warm: false, fresh: false };
      } catch (error) {
        if (!(error instanceof ClaudeSessionNotFoundError)) throw error;
      }
    }
    // The transcript is gone for good: start over once, never retry the resume in a loop.
    sync.forget(key);
    await processes.discard(key);
    return { process: await processes.acquire(key, { config, signal }), warm: false, fresh: true };
  }

  /** Drops the view of a session's process once that process is gone, so closed processes are not kept. */
  private watch(sessionId: string, session: ClaudeSession): void {
    if (this.watched.has(session)) return;
    this.watched.add(session);
    session.onStateChange((state) => {
      if (state !== 'closed' && state !== 'dead') return;
      if (this.views.get(sessionId)?.session === session) this.views.delete(sessionId);
    });
  }
}
