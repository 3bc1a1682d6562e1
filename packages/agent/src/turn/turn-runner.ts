import {
  type ChatResponse,
  type ClaudeConfig,
  type ClaudeSession,
  ClaudeSessionNotFoundError,
  type PooledSession,
  spawnFingerprint,
} from '@claude-code-server/core';
import {
  ConflictError,
  type MessageRecord,
  type SessionRecord,
  type SessionStore,
} from '@claude-code-server/store';
import type { ResolvedAgentOptions } from '../config/agent-options.js';
import { applyOverrides } from '../config/overrides.js';
import type { ProjectDirectories } from '../config/projects.js';
import { ProjectMismatchError, SessionOwnedByOtherUserError } from '../errors.js';
import { formatBurst } from '../formatters.js';
import { type HeldLease, LeaseTaker } from '../lease.js';
import type { AgentObservers } from '../observers.js';
import type { ProcessSource } from '../process/process-source.js';
import type { TurnJob } from '../queue/turn-job.js';
import { mergeCallerMetadata, readSessionState, withSessionState } from '../session-state.js';
import { transcriptFileSize, waitForTranscriptFlush } from '../transcript/local-transcript.js';
import { transcriptPath } from '../transcript/project-slug.js';
import type { TranscriptSync } from '../transcript/transcript-sync.js';
import type { AgentResponse } from '../types.js';
import { type RunningTurn, runClaudeTurn } from './claude-turn.js';

/** How long to wait, after a result, for the CLI to append the turn to its transcript file. */
const TRANSCRIPT_FLUSH_CAP_MS = 3_000;

/** What this agent's warm process of a session has seen, to tell whether it is still current. */
interface WarmView {
  session: ClaudeSession;
  claudeSessionId: string;
  turns: number;
  fingerprint: string;
}

/** The code and message an observer gets for a failed turn (core, store and agent errors all carry a code). */
function errorSummary(error: Error): { code: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : 'UNKNOWN', message: error.message };
}

function isAlive(session: ClaudeSession): boolean {
  return session.state === 'idle' || session.state === 'busy';
}

/** A turn answered but not yet in the store's transcript, and how to store it. */
interface UnsavedTurn {
  /** The session's turn counter and Claude session id the turn started from. */
  turns: number;
  claudeSessionId: string | null;
  store(lease: HeldLease): Promise<void>;
}

/** A process ready for the turn, and how it was obtained. */
interface PreparedProcess {
  process: PooledSession;
  warm: boolean;
  fresh: boolean;
}

export interface TurnRunnerDeps {
  options: ResolvedAgentOptions;
  projects: ProjectDirectories;
  processes: ProcessSource;
  sync: TranscriptSync;
  observers: AgentObservers;
}

/**
 * Runs one turn of one session: takes the session's lease, makes sure the warm process is current
 * (or resumes the stored transcript), sends the prompt, records both sides and the transcript, and
 * gives the lease back.
 */
export class TurnRunner {
  private readonly warmViews = new Map<string, WarmView>();
  private readonly watched = new WeakSet<ClaudeSession>();
  /** Answered turns whose transcript could not be stored yet, by session. */
  private readonly unsaved = new Map<string, UnsavedTurn>();
  private readonly store: SessionStore;
  /** Average of recent turn durations, for retry hints. */
  typicalTurnMs = 2_000;
  readonly counts = { started: 0, finished: 0, failed: 0, freshSessions: 0, staleProcesses: 0 };

  private readonly leases: LeaseTaker;

  constructor(private readonly deps: TurnRunnerDeps) {
    this.store = deps.options.store;
    this.leases = new LeaseTaker(this.store, deps.options.ownerId);
  }

  /**
   * Runs `fn` holding the session's lease (so no agent is in the middle of a turn of it), then
   * forgets this agent's process and transcript state of the session.
   */
  async exclusively<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const lease = await this.leases.acquire(sessionId, {
      ttlMs: this.deps.options.leaseTtlMs,
      waitMs: this.deps.options.leaseWaitMs,
    });
    try {
      const result = await fn();
      this.warmViews.delete(sessionId);
      this.deps.sync.forget(sessionId);
      await this.deps.processes.discard(sessionId);
      return result;
    } finally {
      await lease.release().catch(() => {});
    }
  }

  /**
   * Runs the job's turn. Callers get the answer as soon as both messages are stored; the transcript
   * is saved after that, still under the lease, so the next turn anywhere starts from it.
   */
  async run(job: TurnJob): Promise<void> {
    const { userId } = job.settings;
    const started = Date.now();
    this.counts.started++;
    this.deps.observers.emit('turn_started', {
      sessionId: job.sessionId,
      userId,
      messages: job.messages.length,
    });
    let running: RunningTurn | undefined;
    let lease: HeldLease | undefined;
    try {
      lease = await this.leases.acquire(job.sessionId, {
        ttlMs: this.deps.options.leaseTtlMs,
        waitMs: this.deps.options.leaseWaitMs,
        signal: job.abort.signal,
      });
      const { response, saveTranscript } = await this.runLeased(job, lease, (turn) => {
        running = turn;
      });
      this.answer(job, response, Date.now() - started);
      await saveTranscript().catch((error: Error) => {
        this.deps.observers.emit('transcript_save_failed', {
          sessionId: job.sessionId,
          userId,
          error: errorSummary(error),
        });
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.counts.failed++;
      job.fail(failure);
      const chat = (running as RunningTurn | undefined)?.response;
      this.deps.observers.emit('turn_failed', {
        sessionId: job.sessionId,
        userId,
        durationMs: Date.now() - started,
        ...(chat ? { usage: chat.usage, costUsd: chat.costUsd } : {}),
        error: errorSummary(failure),
      });
    } finally {
      // A lease that cannot be given back now is taken up again by this agent's next turn.
      await lease?.release().catch(() => {});
    }
  }

  private answer(job: TurnJob, response: AgentResponse, durationMs: number): void {
    this.counts.finished++;
    this.typicalTurnMs = Math.round(this.typicalTurnMs * 0.8 + durationMs * 0.2);
    job.emit({ type: 'done', response });
    job.succeed(response);
    this.deps.observers.emit('turn_finished', {
      sessionId: job.sessionId,
      userId: job.settings.userId,
      durationMs,
      usage: response.usage,
      costUsd: response.costUsd,
      success: response.success,
      freshSession: response.freshSession,
    });
  }

  /**
   * Runs the prompt and stores both sides of it; returns the answer and the step that stores the
   * transcript and the session's turn counter (run before the lease is given back).
   */
  private async runLeased(
    job: TurnJob,
    lease: HeldLease,
    onRunning: (turn: RunningTurn) => void,
  ): Promise<{ response: AgentResponse; saveTranscript: () => Promise<void> }> {
    const { settings } = job;
    const record = await this.catchUp(job.sessionId, lease, await this.sessionFor(job));
    if (settings.project !== undefined && settings.project !== record.project) {
      throw new ProjectMismatchError(job.sessionId, record.project, settings.project);
    }
    const cwd = await this.deps.projects.directoryOf(record.project);
    const config: ClaudeConfig = {
      ...applyOverrides(this.deps.options.config, settings.overrides, this.deps.options.allowedModels),
      cwd,
    };
    const state = readSessionState(record);
    const prepared = await this.prepareProcess(record, state.turns, config, cwd, job.abort.signal);
    let handedOver = false;
    try {
      const userSeqs = await this.appendQuestions(job);
      const claude = prepared.process.session;
      job.emit({ type: 'session', sessionId: job.sessionId, claudeSessionId: claude.sessionId });
      const fromBytes = await transcriptFileSize(
        transcriptPath(this.deps.options.configDir, cwd, claude.sessionId),
      );
      const turn = runClaudeTurn(claude, formatBurst(this.deps.options.formatter, job.messages), {
        timeoutMs: settings.timeoutMs,
        signal: job.abort.signal,
        canUseTool: settings.canUseTool ?? this.deps.options.canUseTool,
        onEvent: (event) => job.emit(event),
      });
      onRunning(turn);
      const chat = await turn.done;
      // Nothing is stored unless the lease is still ours: another agent may have taken the session.
      await lease.confirm();
      const assistant = await this.appendAnswer(job.sessionId, chat, prepared.fresh);
      const turns = state.turns + 1;
      if (prepared.fresh) this.counts.freshSessions++;
      const response = this.toResponse(job, chat, record, config, prepared, userSeqs, assistant, turns);

      const view = {
        session: claude,
        claudeSessionId: chat.sessionId,
        fingerprint: spawnFingerprint(config),
      };
      const path = transcriptPath(this.deps.options.configDir, cwd, chat.sessionId);
      const store = async (held: HeldLease) => {
        await held.confirm();
        await this.deps.sync.save(job.sessionId, chat.sessionId, path, state.turns, turns);
        await this.store.updateSession(job.sessionId, {
          claudeSessionId: chat.sessionId,
          metadata: withSessionState(mergeCallerMetadata(record.metadata, settings.sessionMetadata), {
            turns,
            lastOwner: this.deps.options.ownerId,
            freshStarts: state.freshStarts + (prepared.fresh ? 1 : 0),
          }),
        });
        this.warmViews.set(job.sessionId, { ...view, turns });
      };
      const saveTranscript = async () => {
        // The process stays warm either way; its view says which turn the store has.
        this.watch(job.sessionId, claude);
        this.warmViews.set(job.sessionId, { ...view, turns: state.turns });
        try {
          const from = chat.sessionId === claude.sessionId ? fromBytes : 0;
          await waitForTranscriptFlush(path, from, turn.assistantMessages, TRANSCRIPT_FLUSH_CAP_MS);
          await store(lease);
        } catch (error) {
          // Tried again before the session's next turn here, if nobody has moved it on by then.
          this.unsaved.set(job.sessionId, {
            turns: state.turns,
            claudeSessionId: record.claudeSessionId,
            store,
          });
          throw error;
        } finally {
          prepared.process.release();
        }
      };
      handedOver = true;
      return { response, saveTranscript };
    } finally {
      if (!handedOver) {
        // The process may hold a turn the store does not have: the next turn starts from the files.
        this.warmViews.delete(job.sessionId);
        await prepared.process.discard().catch(() => {});
      }
    }
  }

  private async appendQuestions(job: TurnJob): Promise<number[]> {
    const seqs: number[] = [];
    for (const message of job.messages) {
      const { userId: _u, sessionId: _s, ...meta } = message.meta;
      const stored = await this.store.appendMessage(job.sessionId, {
        role: 'user',
        content: message.text,
        metadata: meta,
        createdAt: message.meta.receivedAt,
      });
      seqs.push(stored.seq);
    }
    return seqs;
  }

  /**
   * Stores the transcript of this agent's last turn of the session if that failed after the answer
   * (the store was away), provided no turn has been stored since. Returns the current record.
   */
  private async catchUp(sessionId: string, lease: HeldLease, record: SessionRecord): Promise<SessionRecord> {
    const unsaved = this.unsaved.get(sessionId);
    if (!unsaved) return record;
    this.unsaved.delete(sessionId);
    if (
      readSessionState(record).turns !== unsaved.turns ||
      record.claudeSessionId !== unsaved.claudeSessionId
    ) {
      return record;
    }
    try {
      await unsaved.store(lease);
    } catch (error) {
      this.unsaved.set(sessionId, unsaved);
      throw error;
    }
    return (await this.store.getSession(sessionId)) ?? record;
  }

  /** Drops the view of a session's process once that process is gone, so closed processes are not kept. */
  private watch(sessionId: string, session: ClaudeSession): void {
    if (this.watched.has(session)) return;
    this.watched.add(session);
    session.onStateChange((state) => {
      if (state !== 'closed' && state !== 'dead') return;
      if (this.warmViews.get(sessionId)?.session === session) this.warmViews.delete(sessionId);
    });
  }

  /** The job's session record, created on its first message; it must belong to the job's user. */
  private async sessionFor(job: TurnJob): Promise<SessionRecord> {
    const { userId, project, sessionMetadata } = job.settings;
    const existing = await this.store.getSession(job.sessionId);
    if (existing && existing.userId !== userId) throw new SessionOwnedByOtherUserError(job.sessionId);
    if (existing) return existing;
    try {
      const { session } = await this.store.getOrCreateSession({
        id: job.sessionId,
        userId,
        project: project ?? null,
        metadata: mergeCallerMetadata({}, sessionMetadata),
      });
      return session;
    } catch (error) {
      // Created for another user in the meantime.
      if (error instanceof ConflictError) throw new SessionOwnedByOtherUserError(job.sessionId);
      throw error;
    }
  }

  /**
   * A process that has seen exactly the stored conversation: the warm one if nobody else ran a turn
   * since, else a new one resuming the stored transcript, else (transcript gone) a fresh conversation.
   */
  private async prepareProcess(
    record: SessionRecord,
    storedTurns: number,
    config: ClaudeConfig,
    cwd: string,
    signal: AbortSignal,
  ): Promise<PreparedProcess> {
    const { processes, sync, options } = this.deps;
    const key = record.id;
    const claudeSessionId = record.claudeSessionId;
    const view = this.warmViews.get(key);
    this.warmViews.delete(key);
    if (view && claudeSessionId !== null && isAlive(view.session)) {
      const current =
        view.claudeSessionId === claudeSessionId &&
        view.turns === storedTurns &&
        view.fingerprint === spawnFingerprint(config);
      if (current) {
        const pooled = await processes.acquire(key, { resume: claudeSessionId, config, signal });
        if (pooled.session === view.session) return { process: pooled, warm: true, fresh: false };
        // Evicted in between: the pool resumed a process we did not prepare the transcript for.
        await pooled.discard();
      } else {
        this.counts.staleProcesses++;
      }
    }
    // Close whatever process the key has (it flushes its transcript first), so the file is ours.
    await processes.discard(key);
    if (claudeSessionId === null) {
      return { process: await processes.acquire(key, { config, signal }), warm: false, fresh: false };
    }
    const path = transcriptPath(options.configDir, cwd, claudeSessionId);
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

  private appendAnswer(sessionId: string, chat: ChatResponse, fresh: boolean): Promise<MessageRecord> {
    return this.store.appendMessage(sessionId, {
      role: 'assistant',
      content: chat.content,
      usage: chat.usage,
      costUsd: chat.costUsd,
      metadata: {
        claudeSessionId: chat.sessionId,
        durationMs: chat.durationMs,
        numTurns: chat.numTurns,
        isError: chat.isError,
        subtype: chat.subtype,
        permissionDenials: chat.permissionDenials.length,
        ...(fresh ? { freshSession: true } : {}),
      },
    });
  }

  private toResponse(
    job: TurnJob,
    chat: ChatResponse,
    record: SessionRecord,
    config: ClaudeConfig,
    prepared: PreparedProcess,
    userSeqs: number[],
    assistant: MessageRecord,
    turns: number,
  ): AgentResponse {
    const response: AgentResponse = {
      content: chat.content,
      sessionId: job.sessionId,
      claudeSessionId: chat.sessionId,
      success: !chat.isError,
      usage: chat.usage,
      costUsd: chat.costUsd,
      durationMs: chat.durationMs,
      numTurns: chat.numTurns,
      permissionDenials: chat.permissionDenials,
      freshSession: prepared.fresh,
      metadata: {
        mergedMessages: job.messages.length,
        userMessageSeqs: userSeqs,
        assistantMessageSeq: assistant.seq,
        turn: turns,
        freshSession: prepared.fresh,
        warm: prepared.warm,
        project: record.project,
        model: config.model,
      },
    };
    if (chat.isError) response.error = { code: chat.subtype.toUpperCase(), message: chat.content };
    return response;
  }
}
