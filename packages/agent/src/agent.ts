import type { HookEvent, SessionPoolStats } from '@claude-code-server/core';
import { AsyncQueue } from '@claude-code-server/core/internal';
import type {
  MessagePage,
  MessagePageOptions,
  SessionListOptions,
  SessionPage,
  SessionRecord,
} from '@claude-code-server/store';
import type { AgentBusyError } from './admission/agent-busy-error.js';
import { type AdmissionStats, TurnAdmission } from './admission/turn-admission.js';
import type { JobCaller } from './admission/turn-job.js';
import {
  type ClaudeAgentOptions,
  type ResolvedAgentOptions,
  resolveAgentOptions,
} from './config/agent-options.js';
import { applyOverrides } from './config/overrides.js';
import { ProjectDirectories } from './config/projects.js';
import { checkTimerMs } from './config/timer-ms.js';
import { AgentClosedError, InvalidAgentInputError, SessionOwnedByOtherUserError } from './errors.js';
import { type AgentEventName, type AgentListener, AgentObservers } from './observers.js';
import { createPoolProcessSource } from './process/pool-process-source.js';
import type { ProcessSource } from './process/process-source.js';
import { checkChatCall, resolveSessionSelector, sessionIdFor } from './session-ids.js';
import { TranscriptSync } from './transcript/transcript-sync.js';
import { TurnRunner } from './turn/turn-runner.js';
import type { AgentChatOptions, AgentEvent, AgentResponse, SessionSelector } from './types.js';

/** What `stats()` reports, for metrics. */
export interface AgentStats {
  ownerId: string;
  activeSessions: number;
  runningTurns: number;
  queuedMessages: number;
  turnsStarted: number;
  turnsFinished: number;
  turnsFailed: number;
  /** Turns that started a new Claude conversation because the stored transcript was gone. */
  freshSessions: number;
  /** Warm processes replaced because another agent had run a turn of their session. */
  staleProcesses: number;
  pool: SessionPoolStats;
}

/**
 * Per-user Claude conversations on warm CLI processes: each session's messages run in order (also
 * across agents sharing the store), every message and the CLI transcript are stored, and a session
 * continues on any agent that shares the store.
 */
export class ClaudeAgent {
  private readonly options: ResolvedAgentOptions;
  private readonly projects: ProjectDirectories;
  private readonly processes: ProcessSource;
  private readonly admission: TurnAdmission;
  private readonly runner: TurnRunner;
  private readonly observers = new AgentObservers();
  private closing: Promise<void> | undefined;

  constructor(options: ClaudeAgentOptions) {
    this.options = resolveAgentOptions(options);
    const defaultDir = this.options.config.cwd ?? process.cwd();
    this.projects = new ProjectDirectories(this.options.projects, defaultDir);
    this.processes = createPoolProcessSource(this.options, defaultDir);
    this.runner = new TurnRunner({
      options: this.options,
      projects: this.projects,
      processes: this.processes,
      sync: new TranscriptSync(this.options.store),
      observers: this.observers,
    });
    this.admission = new TurnAdmission({
      maxConcurrentTurns: this.options.maxConcurrentTurns,
      maxQueue: this.options.maxQueue,
      maxQueuePerSession: this.options.maxQueuePerSession,
      debounceMs: this.options.debounceMs,
      run: (job) => this.runner.run(job),
    });
  }

  /** The id this agent uses in leases and session metadata. */
  get ownerId(): string {
    return this.options.ownerId;
  }

  /** Where other nodes reach this agent, recorded with its turns (null: not given). */
  get ownerAddress(): string | null {
    return this.options.ownerAddress;
  }

  /** Events for which a call may bring hooks of its own (its `callHookEvents`). */
  get callHookEvents(): readonly HookEvent[] {
    return this.options.extensions.turnHookEvents;
  }

  /** The CLI config dir whose transcripts this agent reads and writes. */
  get configDir(): string {
    return this.options.configDir;
  }

  /** Sends a message and resolves with the answer of the turn that carried it. */
  chat(message: string, options: AgentChatOptions): Promise<AgentResponse> {
    return new Promise((resolve, reject) => {
      try {
        this.submit(message, options, { resolve, reject });
      } catch (error) {
        reject(error);
      }
    });
  }

  /**
   * Sends a message and yields the turn as it happens: `session` first, then the CLI's events
   * (text deltas need `includePartialMessages` in the config), then `done`. Errors are thrown from
   * the loop; leaving the loop early abandons the message (its turn is interrupted if nobody else waits).
   */
  async *stream(message: string, options: AgentChatOptions): AsyncGenerator<AgentEvent, void, undefined> {
    const channel = new AsyncQueue<AgentEvent>();
    const caller: JobCaller = {
      onEvent: (event) => channel.push(event),
      resolve: () => channel.end(),
      reject: (error) => channel.fail(error),
    };
    // Leaving the loop early works like the caller's own abort signal.
    const left = new AbortController();
    const signal = options?.signal ? AbortSignal.any([options.signal, left.signal]) : left.signal;
    this.submit(message, { ...options, signal }, caller);
    try {
      yield* channel;
    } finally {
      if (!channel.ended) left.abort(new Error('the stream was left before the turn ended'));
    }
  }

  /** A page of a conversation's messages (`limit`, `before`, `after` by sequence number). */
  async getConversationHistory(
    selector: SessionSelector,
    options: MessagePageOptions = {},
  ): Promise<MessagePage> {
    const { sessionId, userId } = resolveSessionSelector(selector);
    if (userId !== undefined) {
      const record = await this.options.store.getSession(sessionId);
      if (!record) return { messages: [], hasMore: false };
      if (record.userId !== userId) throw new SessionOwnedByOtherUserError(sessionId);
    }
    return this.options.store.listMessages(sessionId, options);
  }

  /** A user's sessions, most recently active first. */
  listSessions(userId: string, options: SessionListOptions = {}): Promise<SessionPage> {
    resolveSessionSelector({ userId });
    return this.options.store.listSessions(userId, options);
  }

  /** A session's record, or null. */
  getSession(sessionId: string): Promise<SessionRecord | null> {
    resolveSessionSelector({ sessionId });
    return this.options.store.getSession(sessionId);
  }

  /**
   * Deletes a user's session (the default one without `sessionId`): messages, transcript and its
   * warm process. Returns false when there was none; throws when it belongs to another user.
   */
  async clearSession(userId: string, sessionId?: string): Promise<boolean> {
    const id = resolveSessionSelector(sessionId === undefined ? userId : { userId, sessionId }).sessionId;
    const record = await this.options.store.getSession(id);
    if (!record) return false;
    if (record.userId !== userId) throw new SessionOwnedByOtherUserError(id);
    // Under the session's lease: a turn running anywhere finishes before its session goes.
    return this.runner.exclusively(id, () => this.options.store.deleteSession(id));
  }

  /** Resolves once no turn of any session runs or waits here (transcripts of answered turns saved too). */
  async whenIdle(): Promise<void> {
    await this.admission.drained();
    await this.runner.settled();
  }

  /** Turns running and messages waiting, as admission counts them. */
  admissionStats(): AdmissionStats {
    return this.admission.stats();
  }

  /**
   * The error a new message would get right now, if any (nothing is queued): AgentClosedError, or
   * AgentBusyError when every slot is busy and `maxQueue` messages wait, or (given its `sessionId`)
   * when that session's queue is full. Lets a caller refuse before it commits to an answer format.
   */
  refusal(sessionId?: string): AgentBusyError | AgentClosedError | undefined {
    if (this.closing) return new AgentClosedError();
    return this.admission.refusal(sessionId);
  }

  /** Subscribes to observer events; returns a function that unsubscribes. */
  on<K extends AgentEventName>(name: K, listener: AgentListener<K>): () => void {
    return this.observers.on(name, listener);
  }

  off<K extends AgentEventName>(name: K, listener: AgentListener<K>): void {
    this.observers.off(name, listener);
  }

  stats(): AgentStats {
    const counts = this.runner.counts;
    const admission = this.admission.stats();
    return {
      ownerId: this.options.ownerId,
      activeSessions: admission.sessions,
      runningTurns: admission.running,
      queuedMessages: admission.queued,
      turnsStarted: counts.started,
      turnsFinished: counts.finished,
      turnsFailed: counts.failed,
      freshSessions: counts.freshSessions,
      staleProcesses: this.runner.staleProcesses,
      pool: this.processes.stats(),
    };
  }

  /**
   * Stops taking messages, fails the waiting ones, lets running turns finish (interrupting them
   * after `graceMs`, when given), then closes every CLI process. The store is the caller's to close.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    if (options.graceMs !== undefined) {
      try {
        checkTimerMs('graceMs', options.graceMs, 0);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.closing ??= (async () => {
      const drained = this.admission.close();
      const timer =
        options.graceMs === undefined
          ? undefined
          : setTimeout(() => this.admission.abortRunning(new AgentClosedError()), options.graceMs);
      try {
        await drained;
        // Answered turns are stored (and their leases given back) before the processes go.
        await this.runner.settled();
      } finally {
        clearTimeout(timer);
      }
      await this.processes.close();
    })();
    return this.closing;
  }

  /** Checks a call and queues its message; throws for bad input, a full queue or a closed agent. */
  private submit(message: string, options: AgentChatOptions, caller: JobCaller) {
    if (this.closing) throw new AgentClosedError();
    const call = checkChatCall(message, options);
    for (const event of Object.keys(call.hooks ?? {})) {
      // Each process registered its call-hook events when it started: another one would never run.
      if (!this.options.extensions.turnHookEvents.includes(event as HookEvent)) {
        throw new InvalidAgentInputError(
          `options.hooks.${event}`,
          `needs ${event} in the agent's callHookEvents`,
        );
      }
    }
    this.projects.check(call.project);
    applyOverrides(this.options.config, call.overrides, this.options.allowedModels);
    const sessionId = call.sessionId ?? sessionIdFor(call.userId);
    const meta = { ...call.meta, userId: call.userId, sessionId, receivedAt: Date.now() };
    return this.admission.submit(
      sessionId,
      {
        userId: call.userId,
        project: call.project,
        overrides: call.overrides,
        canUseTool: call.canUseTool,
        hooks: call.hooks,
        timeoutMs: call.timeoutMs,
        sessionMetadata: call.sessionMetadata,
      },
      {
        text: message,
        meta,
        ...(call.attachments ? { attachments: call.attachments } : {}),
        caller: call.onStart ? { ...caller, onStart: call.onStart } : caller,
      },
      call.signal,
    );
  }
}
