import type { ClaudeConfig, HookEvent, HookMatcher, Hooks } from '@claude-code-server/core';
import type { SessionRecord, SessionStore } from '@claude-code-server/store';
import type { TurnJob } from '../admission/turn-job.js';
import type { ResolvedAgentOptions } from '../config/agent-options.js';
import { applyOverrides } from '../config/overrides.js';
import type { ProjectDirectories } from '../config/projects.js';
import { narrowCanUseTool } from '../config/tool-approval.js';
import { ProjectMismatchError } from '../errors.js';
import { burstPrompt, withMissedMessages } from '../formatters.js';
import { type HeldLease, LeaseTaker } from '../lease.js';
import type { AgentObservers } from '../observers.js';
import type { ProcessSource } from '../process/process-source.js';
import { mergeCallerMetadata, readSessionState, withSessionState } from '../session-state.js';
import { transcriptFileSize, waitForTranscriptFlush } from '../transcript/local-transcript.js';
import { transcriptPath } from '../transcript/project-slug.js';
import type { TranscriptSync } from '../transcript/transcript-sync.js';
import type { AgentResponse } from '../types.js';
import { toAgentResponse } from './agent-response.js';
import { AnsweredTurn } from './answered-turn.js';
import { type RunningTurn, runClaudeTurn } from './claude-turn.js';
import { appendAnswer, appendQuestions, missedMessages, openSession } from './conversation-log.js';
import { WarmProcesses } from './warm-processes.js';
import { workingDirectoryHook } from './working-directory-guard.js';

/** `hooks` with `matcher` run first for `event`. */
function withHook(hooks: Hooks | undefined, event: HookEvent, matcher: HookMatcher): Hooks {
  return { ...hooks, [event]: [matcher, ...(hooks?.[event] ?? [])] };
}

/** How long to wait, after a result, for the CLI to append the turn to its transcript file. */
const TRANSCRIPT_FLUSH_CAP_MS = 3_000;

/** The code and message an observer gets for a failed turn (core, store and agent errors all carry a code). */
function errorSummary(error: Error): { code: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : 'UNKNOWN', message: error.message };
}

/** What a session's answered turn leaves for its next one while it is still being stored. */
interface AnsweredState {
  turns: number;
  claudeSessionId: string;
  freshStarts: number;
  lastSeq: number;
}

/**
 * A session's last answered turn whose counter and transcript are still being stored, with the lease
 * it holds: the session's next turn here takes both over and runs at once; else the lease is given
 * back once `saved` settles, so another agent resumes with that turn in the store.
 */
interface SessionTail {
  lease: HeldLease;
  saved: Promise<void>;
  answered: AnsweredState;
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
  /** Answered turns still being stored, by session, with their leases. */
  private readonly tails = new Map<string, SessionTail>();
  /** Every store-and-release still under way, so `settled()` can wait for them. */
  private readonly settling = new Set<Promise<void>>();
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

  /** Resolves once every answered turn is stored and its lease given back (or handed on). */
  async settled(): Promise<void> {
    while (this.settling.size > 0) await Promise.allSettled([...this.settling]);
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
   * Runs the job's turn. Callers get the answer as soon as both messages are stored; the counter and
   * the transcript are stored after that, in the background and in turn order, still under the lease:
   * the session's next turn here does not wait for them, and no other agent can take the session
   * before they are stored.
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
    // The previous turn of the session here, still being stored: its lease is this turn's (a lost
    // one is not: that turn's storing fails, and this one starts from the record like any other).
    const tail = this.tails.get(job.sessionId);
    this.tails.delete(job.sessionId);
    const previousSaved = tail?.saved ?? Promise.resolve();
    const takenOver = tail && !tail.lease.lost ? tail : undefined;
    let handedOn = false;
    try {
      if (takenOver) {
        lease = takenOver.lease;
      } else {
        await previousSaved;
        lease = await this.leases.acquire(job.sessionId, {
          ttlMs: this.deps.options.leaseTtlMs,
          waitMs: this.deps.options.leaseWaitMs,
          signal: job.abort.signal,
        });
      }
      const held = lease;
      const leased = await this.runLeased(job, held, (turn) => (running = turn), takenOver);
      this.answer(job, leased.response, Date.now() - started);
      const saved = previousSaved.then(leased.saveTranscript).catch((error: Error) => {
        this.deps.observers.emit('transcript_save_failed', {
          sessionId: job.sessionId,
          userId,
          error: errorSummary(error),
        });
      });
      const next: SessionTail = { lease: held, saved, answered: leased.answered };
      this.tails.set(job.sessionId, next);
      handedOn = true;
      this.track(
        saved.then(async () => {
          // Not taken over by a next turn of the session: give the lease back.
          if (this.tails.get(job.sessionId) !== next) return;
          this.tails.delete(job.sessionId);
          await held.release().catch(() => {});
        }),
      );
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
      if (!handedOn) {
        // The previous turn's storing needs the lease until it is done.
        await previousSaved;
        // A lease that cannot be given back now is taken up again by this agent's next turn.
        await lease?.release().catch(() => {});
      }
    }
  }

  private track(work: Promise<void>): void {
    this.settling.add(work);
    void work.finally(() => this.settling.delete(work));
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
   * Runs the prompt and stores both sides of it; returns the answer, what the store will hold once
   * the turn is stored, and the step that stores the transcript and the session's turn counter (run
   * before the lease is given back). `previous` is the session's turn before, when this one took it
   * over while it is still being stored: the record does not show it yet.
   */
  private async runLeased(
    job: TurnJob,
    lease: HeldLease,
    onRunning: (turn: RunningTurn) => void,
    previous: SessionTail | undefined,
  ): Promise<{ response: AgentResponse; answered: AnsweredState; saveTranscript: () => Promise<void> }> {
    const { settings } = job;
    const before = previous?.answered;
    const opened = await openSession(this.store, job);
    // An unsaved turn is older than one still being stored, which stores everything after it anyway.
    const caughtUp = before ? opened : await this.catchUp(job.sessionId, lease, opened);
    const stored = await this.claimForThisNode(caughtUp);
    const record = before ? { ...stored, claudeSessionId: before.claudeSessionId } : stored;
    if (settings.project !== undefined && settings.project !== record.project) {
      throw new ProjectMismatchError(job.sessionId, record.project, settings.project);
    }
    const cwd = await this.deps.projects.directoryOf(record.project);
    const config: ClaudeConfig = {
      ...applyOverrides(this.deps.options.config, settings.overrides, this.deps.options.allowedModels),
      cwd,
    };
    const state = before ? { ...readSessionState(record), ...before } : readSessionState(record);
    // Once the lease is lost another agent may run this session: stop at once, not at the end.
    const signal = AbortSignal.any([job.abort.signal, lease.lostSignal]);
    const prepared = await this.warm.prepare(record, state.turns, config, cwd, signal, previous?.saved);
    let handedOver = false;
    try {
      const userSeqs = await appendQuestions(this.store, job);
      const missed = await missedMessages(this.store, job.sessionId, state, userSeqs[0]);
      const claude = prepared.process.session;
      job.emit({ type: 'session', sessionId: job.sessionId, claudeSessionId: claude.sessionId });
      const fromBytes = await transcriptFileSize(
        transcriptPath(this.deps.options.configDir, cwd, claude.sessionId),
      );
      const prompt = withMissedMessages(burstPrompt(this.deps.options.formatter, job.messages), missed);
      const turn = runClaudeTurn(claude, prompt, {
        timeoutMs: settings.timeoutMs,
        signal,
        canUseTool: narrowCanUseTool(this.deps.options.canUseTool, settings.canUseTool),
        hooks: this.deps.options.confineToProject
          ? withHook(settings.hooks, 'PreToolUse', workingDirectoryHook(cwd, config.addDirs ?? []))
          : settings.hooks,
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
      const response = toAgentResponse(
        job,
        chat,
        record,
        config,
        prepared,
        userSeqs,
        assistant,
        turns,
        missed.length,
      );
      const lastSeq = assistant?.seq ?? (userSeqs.at(-1) as number);

      // The process has seen the turn the store is about to hold; the session's next turn here runs on
      // it at once. Should storing fail, catchUp or the record's counter tells the next turn.
      this.warm.remember(job.sessionId, claude, chat.sessionId, config, turns);
      const freshStarts = state.freshStarts + (prepared.fresh ? 1 : 0);
      const path = transcriptPath(this.deps.options.configDir, cwd, chat.sessionId);
      const answered = new AnsweredTurn(this.store, this.deps.sync, {
        sessionId: job.sessionId,
        sessionCreatedAt: record.createdAt,
        claudeSessionId: chat.sessionId,
        previousClaudeSessionId: record.claudeSessionId,
        turnsBefore: state.turns,
        metadata: mergeCallerMetadata(record.metadata, settings.sessionMetadata),
        freshStarts,
        ownerId: this.deps.options.ownerId,
        ownerAddress: this.deps.options.ownerAddress,
        lastSeq,
        previousLastSeq: state.lastSeq,
        path,
      });
      // The next turn of the session may use the process while this one is stored.
      prepared.process.release();
      const saveTranscript = async () => {
        try {
          const from = chat.sessionId === claude.sessionId ? fromBytes : 0;
          await waitForTranscriptFlush(path, from, turn.assistantMessages, TRANSCRIPT_FLUSH_CAP_MS);
          await answered.save(lease);
        } catch (error) {
          // Finished before the session's next turn here, if nobody has moved it on by then.
          this.unsaved.set(job.sessionId, answered);
          throw error;
        }
      };
      handedOver = true;
      return {
        response,
        answered: { turns, claudeSessionId: chat.sessionId, freshStarts, lastSeq },
        saveTranscript,
      };
    } finally {
      if (!handedOver) {
        // The process may hold a turn the store does not have: the next turn starts from the files.
        this.warm.forget(job.sessionId);
        await prepared.process.discard().catch(() => {});
      }
    }
  }

  /**
   * With an `ownerAddress`, the record names this agent as soon as its turn starts (not only once the
   * turn is saved), so a node that gets the session's next message meanwhile sends it here.
   */
  private async claimForThisNode(record: SessionRecord): Promise<SessionRecord> {
    const { ownerId, ownerAddress } = this.deps.options;
    const state = readSessionState(record);
    if (ownerAddress === null || (state.lastOwner === ownerId && state.lastOwnerAddress === ownerAddress)) {
      return record;
    }
    const metadata = withSessionState(record.metadata, {
      ...state,
      lastOwner: ownerId,
      lastOwnerAddress: ownerAddress,
    });
    return this.store.updateSession(record.id, { metadata });
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
