import type { ClaudeConfig } from '@claude-code-server/core';
import type { SessionRecord, SessionStore } from '@claude-code-server/store';
import type { TurnJob } from '../admission/turn-job.js';
import type { ResolvedAgentOptions } from '../config/agent-options.js';
import { applyOverrides } from '../config/overrides.js';
import type { ProjectDirectories } from '../config/projects.js';
import { narrowCanUseTool } from '../config/tool-approval.js';
import { ProjectMismatchError } from '../errors.js';
import { formatBurst } from '../formatters.js';
import { type HeldLease, LeaseTaker } from '../lease.js';
import type { AgentObservers } from '../observers.js';
import type { ProcessSource } from '../process/process-source.js';
import { mergeCallerMetadata, readSessionState } from '../session-state.js';
import { transcriptFileSize, waitForTranscriptFlush } from '../transcript/local-transcript.js';
import { transcriptPath } from '../transcript/project-slug.js';
import type { TranscriptSync } from '../transcript/transcript-sync.js';
import type { AgentResponse } from '../types.js';
import { toAgentResponse } from './agent-response.js';
import { AnsweredTurn } from './answered-turn.js';
import { type RunningTurn, runClaudeTurn } from './claude-turn.js';
import { appendAnswer, appendQuestions, openSession } from './conversation-log.js';
import { WarmProcesses } from './warm-processes.js';

/** How long to wait, after a result, for the CLI to append the turn to its transcript file. */
const TRANSCRIPT_FLUSH_CAP_MS = 3_000;

/** The code and message an observer gets for a failed turn (core, store and agent errors all carry a code). */
function errorSummary(error: Error): { code: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : 'UNKNOWN', message: error.message };
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
  private readonly warm: WarmProcesses;
  /** Answered turns whose transcript could not be stored yet, by session. */
  private readonly unsaved = new Map<string, AnsweredTurn>();
  private readonly store: SessionStore;
  readonly counts = { started: 0, finished: 0, failed: 0, freshSessions: 0 };

  private readonly leases: LeaseTaker;

  constructor(private readonly deps: TurnRunnerDeps) {
    this.store = deps.options.store;
    this.leases = new LeaseTaker(this.store, deps.options.ownerId);
    this.warm = new WarmProcesses(deps.processes, deps.sync, deps.options.configDir);
  }

  /** Warm processes replaced because another agent had run a turn of their session. */
  get staleProcesses(): number {
    return this.warm.staleProcesses;
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
      // An answered turn still to be stored belongs to what was just removed.
      this.unsaved.delete(sessionId);
      await this.warm.drop(sessionId);
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
      // A lost lease interrupts the turn; its caller learns why rather than "aborted".
      const cause = lease?.lost ? lease.lostSignal.reason : error;
      const failure = cause instanceof Error ? cause : new Error(String(cause));
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
    const record = await this.catchUp(job.sessionId, lease, await openSession(this.store, job));
    if (settings.project !== undefined && settings.project !== record.project) {
      throw new ProjectMismatchError(job.sessionId, record.project, settings.project);
    }
    const cwd = await this.deps.projects.directoryOf(record.project);
    const config: ClaudeConfig = {
      ...applyOverrides(this.deps.options.config, settings.overrides, this.deps.options.allowedModels),
      cwd,
    };
    const state = readSessionState(record);
    // Once the lease is lost another agent may run this session: stop at once, not at the end.
    const signal = AbortSignal.any([job.abort.signal, lease.lostSignal]);
    const prepared = await this.warm.prepare(record, state.turns, config, cwd, signal);
    let handedOver = false;
    try {
      const userSeqs = await appendQuestions(this.store, job);
      const claude = prepared.process.session;
      job.emit({ type: 'session', sessionId: job.sessionId, claudeSessionId: claude.sessionId });
      const fromBytes = await transcriptFileSize(
        transcriptPath(this.deps.options.configDir, cwd, claude.sessionId),
      );
      const turn = runClaudeTurn(claude, formatBurst(this.deps.options.formatter, job.messages), {
        timeoutMs: settings.timeoutMs,
        signal,
        canUseTool: narrowCanUseTool(this.deps.options.canUseTool, settings.canUseTool),
        onEvent: (event) => job.emit(event),
      });
      onRunning(turn);
      const chat = await turn.done;
      // Nothing is stored unless the lease is still ours: another agent may have taken the session.
      await lease.confirm();
      // An error result (max turns, budget...) is what stopped the turn, not the assistant's words.
      const assistant = chat.isError
        ? null
        : await appendAnswer(this.store, job.sessionId, chat, prepared.fresh);
      const turns = state.turns + 1;
      if (prepared.fresh) this.counts.freshSessions++;
      const response = toAgentResponse(job, chat, record, config, prepared, userSeqs, assistant, turns);

      // Until the counter is stored, the process is one turn ahead of the store.
      this.warm.remember(job.sessionId, claude, chat.sessionId, config, state.turns);
      const path = transcriptPath(this.deps.options.configDir, cwd, chat.sessionId);
      const answered = new AnsweredTurn(
        this.store,
        this.deps.sync,
        {
          sessionId: job.sessionId,
          sessionCreatedAt: record.createdAt,
          claudeSessionId: chat.sessionId,
          previousClaudeSessionId: record.claudeSessionId,
          turnsBefore: state.turns,
          metadata: mergeCallerMetadata(record.metadata, settings.sessionMetadata),
          freshStarts: state.freshStarts + (prepared.fresh ? 1 : 0),
          ownerId: this.deps.options.ownerId,
          path,
        },
        (storedTurns) => this.warm.remember(job.sessionId, claude, chat.sessionId, config, storedTurns),
      );
      const saveTranscript = async () => {
        try {
          const from = chat.sessionId === claude.sessionId ? fromBytes : 0;
          await waitForTranscriptFlush(path, from, turn.assistantMessages, TRANSCRIPT_FLUSH_CAP_MS);
          await answered.save(lease);
        } catch (error) {
          // Finished before the session's next turn here, if nobody has moved it on by then.
          this.unsaved.set(job.sessionId, answered);
          throw error;
        } finally {
          // The process stays warm either way; its view says which turn the store has.
          prepared.process.release();
        }
      };
      handedOver = true;
      return { response, saveTranscript };
    } finally {
      if (!handedOver) {
        // The process may hold a turn the store does not have: the next turn starts from the files.
        this.warm.forget(job.sessionId);
        await prepared.process.discard().catch(() => {});
      }
    }
  }

  /**
   * Stores the transcript of this agent's last turn of the session if that failed after the answer
   * (the store was away), provided no turn has been stored since. Returns the current record.
   */
  private async catchUp(sessionId: string, lease: HeldLease, record: SessionRecord): Promise<SessionRecord> {
    const unsaved = this.unsaved.get(sessionId);
    if (!unsaved) return record;
    this.unsaved.delete(sessionId);
    if (!unsaved.matches(record)) return record;
    try {
      await unsaved.save(lease);
    } catch (error) {
      this.unsaved.set(sessionId, unsaved);
      throw error;
    }
    return (await this.store.getSession(sessionId)) ?? record;
  }
}
