import { randomUUID } from 'node:crypto';
import { type ClaudeConfig, type PermissionMode, permissionModes } from '../config.js';
import { ClaudeSessionNotFoundError, InvalidConfigError } from '../errors.js';
import type { CliExit } from '../process.js';
import type { CliMessage } from '../stream-json.js';
import { exitError, type StartMode } from './connection.js';
import { SessionClosedError, TurnAbortedError } from './errors.js';
import { spawnFingerprint } from './fingerprint.js';
import {
  type ClaudeSessionOptions,
  parseConfigField,
  type ResolvedSessionOptions,
  resolveSessionOptions,
} from './options.js';
import { type EndReason, RunningTurn } from './running-turn.js';
import { SessionProcess } from './session-process.js';
import { Turn, type TurnInput, type TurnOptions, validateTurn } from './turn.js';
import { WorkQueue } from './work-queue.js';

/** `starting` (spawning or restarting), `idle`, `busy` (a turn runs), `dead` (the process died; the next turn resumes), `closed`. */
export type SessionState = 'starting' | 'idle' | 'busy' | 'closed' | 'dead';

export type SessionStateListener = (state: SessionState, previous: SessionState) => void;

/**
 * A warm `claude` process in streaming-input mode: one Claude conversation, many turns, no start-up
 * cost per turn. Turns run one at a time in the order they were sent.
 */
export class ClaudeSession {
  private options: ResolvedSessionOptions;
  private currentSessionId: string;
  /** True once the conversation has a transcript to resume (a turn was sent, or it was resumed). */
  private hasTranscript: boolean;
  private readonly process: SessionProcess;
  private readonly queue: WorkQueue;
  private currentState: SessionState = 'starting';
  private running: RunningTurn | undefined;
  private turnsStarted = 0;
  /** What the current process reported as its cost so far: the CLI's `total_cost_usd` is per process. */
  private processCostUsd = 0;
  /** The latest process start, so close() can wait for one still under way and end it too. */
  private launching: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly listeners = new Set<SessionStateListener>();

  private constructor(options: ResolvedSessionOptions) {
    this.options = options;
    this.currentSessionId = options.resume ?? options.sessionId ?? randomUUID();
    this.hasTranscript = options.resume !== undefined;
    this.process = new SessionProcess({
      onMessage: (message) => this.onMessage(message),
      onUnparsedLine: (error) =>
        this.running?.turn.push({ type: 'system', subtype: 'unparsed_line', raw: { line: error.line } }),
      turnHooks: () => this.running?.turn.options.hooks,
      permissionPolicy: () => ({
        canUseTool: this.running?.turn.options.canUseTool ?? this.options.canUseTool,
        timeoutMs: this.running?.turn.options.permissionTimeoutMs ?? this.options.permissionTimeoutMs,
      }),
      onExit: (exit, stderrTail, killed) => this.onExit(exit, stderrTail, killed),
    });
    this.queue = new WorkQueue({
      canStart: () => !this.running && !this.closing && this.currentState !== 'starting',
      beforeTurn: () => (this.currentState === 'dead' ? () => this.launch(true) : undefined),
      startTurn: (turn) => this.startTurn(turn),
    });
  }

  /** Spawns the CLI and resolves once it is ready for a first turn. */
  static async start(options: ClaudeSessionOptions = {}): Promise<ClaudeSession> {
    const session = new ClaudeSession(resolveSessionOptions(options));
    await session.launch(false);
    return session;
  }

  /** Continues an existing Claude conversation in a new warm process. */
  static resume(
    sessionId: string,
    config?: ClaudeConfig,
    options: Omit<ClaudeSessionOptions, 'resume' | 'sessionId' | 'config'> = {},
  ): Promise<ClaudeSession> {
    return ClaudeSession.start({ ...options, config, resume: sessionId });
  }

  /** The Claude session id (pass it as `resume` to continue the conversation elsewhere). */
  get sessionId(): string {
    return this.currentSessionId;
  }

  /** The process id of the CLI, while one runs. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Turns sent to the CLI so far (across restarts). */
  get turnCount(): number {
    return this.turnsStarted;
  }

  /** True when the conversation has a transcript that `resume` can continue (a turn was sent, or it was resumed). */
  get resumable(): boolean {
    return this.hasTranscript;
  }

  /** Turns waiting behind the running one. */
  get queuedTurns(): number {
    return this.queue.queuedTurns;
  }

  /** The config the process runs with (setModel / setPermissionMode included). */
  get config(): ClaudeConfig {
    return this.options.config;
  }

  /** Hash of the spawn-time config, tool servers and hooks: a request with another fingerprint needs another process. */
  get fingerprint(): string {
    return spawnFingerprint(this.options.config, this.options.extensions);
  }

  /** Calls `listener` on every state change; returns a function that unsubscribes. */
  onStateChange(listener: SessionStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues a prompt and returns its Turn (iterate it for events, await it for the answer). A session
   * whose process died restarts by resume first; a closed one fails the turn with SessionClosedError.
   */
  send(input: TurnInput, options: TurnOptions = {}): Turn {
    validateTurn(input, options, this.options.extensions.turnHookEvents);
    const turn = new Turn(input, options);
    if (this.closing) {
      turn.fail(new SessionClosedError());
      return turn;
    }
    const signal = options.signal;
    if (signal?.aborted) {
      turn.fail(new TurnAbortedError('dropped', { cause: signal.reason }));
      return turn;
    }
    if (signal) {
      const onAbort = () => this.abortTurn(turn, signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      turn.result.then(
        () => signal.removeEventListener('abort', onAbort),
        () => signal.removeEventListener('abort', onAbort),
      );
    }
    this.queue.addTurn(turn);
    return turn;
  }

  /**
   * Ends the running turn through the control protocol (it fails with InterruptedError); resolves when
   * it has ended. A turn still running `interruptGraceMs` later is ended by killing the process.
   */
  async interrupt(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.requestEnd(running, { kind: 'interrupt' });
    await running.turn.result.catch(() => {});
  }

  /** Changes the permission mode for the following turns (applied in order with queued turns). */
  setPermissionMode(mode: PermissionMode): Promise<void> {
    if (!permissionModes.includes(mode)) {
      return Promise.reject(
        new InvalidConfigError('permissionMode', `must be one of ${permissionModes.join(', ')}`),
      );
    }
    return this.enqueueTask(async () => {
      await this.process.request('set_permission_mode', { mode });
      this.options = { ...this.options, config: { ...this.options.config, permissionMode: mode } };
    });
  }

  /** Changes the model for the following turns (applied in order with queued turns). */
  setModel(model: string): Promise<void> {
    if (typeof model !== 'string' || model === '') {
      return Promise.reject(new InvalidConfigError('model', 'must be a non-empty string'));
    }
    return this.enqueueTask(async () => {
      await this.process.request('set_model', { model });
      this.options = { ...this.options, config: { ...this.options.config, model } };
    });
  }

  /**
   * Replaces the process with a fresh one that resumes the same conversation, optionally with another
   * config (after the turns already queued). Also brings back a `dead` session.
   */
  restart(config?: ClaudeConfig): Promise<void> {
    const next = config === undefined ? undefined : parseConfigField(config);
    return this.enqueueTask(async () => {
      await this.process.end(this.options.closeGraceMs, true);
      if (next) this.options = { ...this.options, config: next };
      await this.launch(true);
    });
  }

  /**
   * Ends the session: queued turns fail with SessionClosedError, a running one is interrupted, a process
   * still starting is waited for, stdin is closed so the CLI flushes its transcript, then SIGTERM and
   * SIGKILL if it lingers.
   */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    this.setState('closed');
    this.queue.failAll(() => new SessionClosedError());
    if (this.running) this.requestEnd(this.running, { kind: 'close' });
    await this.launching?.catch(() => {});
    await this.process.end(this.options.closeGraceMs, false);
    this.running?.turn.fail(new SessionClosedError('the session was closed while the turn was running'));
  }

  private enqueueTask(run: () => Promise<void>): Promise<void> {
    if (this.closing) return Promise.reject(new SessionClosedError());
    return this.queue.addTask(run);
  }

  private abortTurn(turn: Turn, cause: unknown): void {
    if (this.running?.turn === turn) {
      this.requestEnd(this.running, { kind: 'abort', cause });
      return;
    }
    this.queue.drop(turn);
    turn.fail(new TurnAbortedError('dropped', { cause }));
  }

  /** Spawns a process for this conversation: resuming it if it has a transcript, else under its chosen id. */
  private launch(isRestart: boolean): Promise<void> {
    this.launching = this.launchNow(isRestart);
    return this.launching;
  }

  private async launchNow(isRestart: boolean): Promise<void> {
    this.setState('starting');
    try {
      await this.openProcess();
    } catch (error) {
      // A process that died before its first turn was recorded has nothing to resume: start it afresh.
      if (
        !(error instanceof ClaudeSessionNotFoundError) ||
        !isRestart ||
        this.options.resume === this.currentSessionId
      ) {
        this.setState(isRestart ? 'dead' : 'closed');
        throw error;
      }
      this.hasTranscript = false;
      try {
        await this.openProcess();
      } catch (retryError) {
        this.setState('dead');
        throw retryError;
      }
    }
    this.setState('idle');
  }

  private openProcess(): Promise<void> {
    this.processCostUsd = 0;
    const mode: StartMode = this.hasTranscript
      ? { resume: this.currentSessionId }
      : { sessionId: this.currentSessionId };
    return this.process.open(this.options.config, mode, this.options.startTimeoutMs, this.options.extensions);
  }

  private startTurn(turn: Turn): void {
    const running = new RunningTurn(turn);
    this.running = running;
    this.turnsStarted++;
    this.setState('busy');
    try {
      if (!this.process.sendUserMessage(turn.input)) {
        this.finishRunning(running, new SessionClosedError('the session has no process'));
        return;
      }
    } catch {
      // The process is already gone: its exit handler fails this turn, and the next one resumes.
      return;
    }
    this.hasTranscript = true;
    const timeoutMs = turn.options.timeoutMs ?? this.options.config.timeoutMs;
    if (timeoutMs !== undefined) {
      running.schedule(timeoutMs, () => this.requestEnd(running, { kind: 'timeout', timeoutMs }));
    }
  }

  /** Interrupts the running turn; kills the process if the turn has not ended within the grace period. */
  private requestEnd(running: RunningTurn, reason: EndReason): void {
    if (this.running !== running || !running.stopFor(reason)) return;
    const kill = this.process.interrupt();
    running.schedule(this.options.interruptGraceMs, () => {
      if (this.running === running) kill();
    });
  }

  private onMessage(message: CliMessage): void {
    if (message.type === 'system' && message.subtype === 'init' && typeof message.session_id === 'string') {
      this.currentSessionId = message.session_id;
    }
    const running = this.running;
    if (!running) return; // between turns (e.g. the echo of set_model)
    if (message.type === 'result') {
      const costBefore = this.processCostUsd;
      if (typeof message.total_cost_usd === 'number') this.processCostUsd = message.total_cost_usd;
      this.endRunning(running, () => running.finishWithResult(message, costBefore));
      return;
    }
    const error = running.handle(message, this.options.config.maxApiRetries);
    if (error) this.requestEnd(running, { kind: 'error', error });
  }

  private finishRunning(running: RunningTurn, error: Error): void {
    this.endRunning(running, () => running.finish(error));
  }

  /** Clears the running turn, ends it with `finish`, and moves on to the next queued item. */
  private endRunning(running: RunningTurn, finish: () => void): void {
    if (this.running === running) this.running = undefined;
    finish();
    if (this.currentState === 'busy') this.setState('idle');
    this.queue.pump();
  }

  private onExit(exit: CliExit, stderrTail: string, killed: boolean): void {
    const running = this.running;
    if (this.closing) {
      if (running)
        this.finishRunning(
          running,
          new SessionClosedError('the session was closed while the turn was running'),
        );
      return;
    }
    const crash = exitError(exit, stderrTail, running ? 'during a turn' : 'while idle');
    this.setState('dead');
    if (running) this.endRunning(running, () => running.finishWithExit(killed, crash));
    else this.queue.pump();
  }

  private setState(state: SessionState): void {
    const previous = this.currentState;
    if (previous === state || (previous === 'closed' && state !== 'closed')) return;
    this.currentState = state;
    for (const listener of this.listeners) listener(state, previous);
  }
}
