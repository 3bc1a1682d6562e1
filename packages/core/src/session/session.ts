import { randomUUID } from 'node:crypto';
import { type ClaudeConfig, type PermissionMode, permissionModes } from '../config.js';
import { type ClaudeError, ClaudeSessionNotFoundError, InvalidConfigError } from '../errors.js';
import { mapCliMessage, resultError, toChatResponse } from '../events.js';
import type { CliExit } from '../process.js';
import { apiRetryError } from '../retry-policy.js';
import type { CliMessage, CliResultMessage } from '../stream-json.js';
import { CliConnection, exitError, type StartMode } from './connection.js';
import { InterruptedError, SessionClosedError, TurnAbortedError, TurnTimeoutError } from './errors.js';
import { spawnFingerprint } from './fingerprint.js';
import {
  type ClaudeSessionOptions,
  parseConfigField,
  type ResolvedSessionOptions,
  resolveSessionOptions,
} from './options.js';
import { Turn, type TurnInput, type TurnOptions, validateTurn } from './turn.js';

/** `starting` (spawning or restarting), `idle`, `busy` (a turn runs), `dead` (the process died; the next turn resumes), `closed`. */
export type SessionState = 'starting' | 'idle' | 'busy' | 'closed' | 'dead';

export type SessionStateListener = (state: SessionState, previous: SessionState) => void;

/** Why a running turn is being stopped early. */
type EndReason =
  | { kind: 'interrupt' }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'abort'; cause: unknown }
  | { kind: 'close' }
  | { kind: 'error'; error: ClaudeError };

interface RunningTurn {
  turn: Turn;
  reason: EndReason | undefined;
  timers: NodeJS.Timeout[];
}

type QueueItem =
  | { kind: 'turn'; turn: Turn }
  | { kind: 'task'; run: () => Promise<void>; settle: (error?: Error) => void };

const KILL_GRACE_MS = 2_000;
const CONTROL_TIMEOUT_MS = 10_000;

function reasonError(reason: EndReason, killed: boolean): Error {
  switch (reason.kind) {
    case 'interrupt':
      return new InterruptedError(killed);
    case 'timeout':
      return new TurnTimeoutError(reason.timeoutMs, killed);
    case 'abort':
      return new TurnAbortedError(killed ? 'killed' : 'interrupted', { cause: reason.cause });
    case 'close':
      return new SessionClosedError('the session was closed while the turn was running');
    case 'error':
      return reason.error;
  }
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A warm `claude` process in streaming-input mode: one Claude conversation, many turns, no start-up
 * cost per turn. Turns run one at a time in the order they were sent.
 */
export class ClaudeSession {
  private options: ResolvedSessionOptions;
  private currentSessionId: string;
  /** True once the conversation has a transcript to resume (a turn was sent, or it was resumed). */
  private hasTranscript: boolean;
  private connection: CliConnection | undefined;
  /** Bumped per process, so lines and exits of an old process are ignored. */
  private generation = 0;
  private currentState: SessionState = 'starting';
  private readonly queue: QueueItem[] = [];
  private running: RunningTurn | undefined;
  private taskRunning = false;
  private turnsStarted = 0;
  private killRequested = false;
  /** The latest process start, so close() can wait for one still under way and end it too. */
  private launching: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly listeners = new Set<SessionStateListener>();

  private constructor(options: ResolvedSessionOptions) {
    this.options = options;
    this.currentSessionId = options.resume ?? options.sessionId ?? randomUUID();
    this.hasTranscript = options.resume !== undefined;
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
    return this.connection?.running ? this.connection.pid : undefined;
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
    return this.queue.filter((item) => item.kind === 'turn').length;
  }

  /** The config the process runs with (setModel / setPermissionMode included). */
  get config(): ClaudeConfig {
    return this.options.config;
  }

  /** Hash of the spawn-time config: a request with another fingerprint needs another process. */
  get fingerprint(): string {
    return spawnFingerprint(this.options.config);
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
    validateTurn(input, options);
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
    this.queue.push({ kind: 'turn', turn });
    this.pump();
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
      if (this.connection)
        await this.connection.control.request('set_permission_mode', { mode }, CONTROL_TIMEOUT_MS);
      this.options = { ...this.options, config: { ...this.options.config, permissionMode: mode } };
    });
  }

  /** Changes the model for the following turns (applied in order with queued turns). */
  setModel(model: string): Promise<void> {
    if (typeof model !== 'string' || model === '') {
      return Promise.reject(new InvalidConfigError('model', 'must be a non-empty string'));
    }
    return this.enqueueTask(async () => {
      if (this.connection) await this.connection.control.request('set_model', { model }, CONTROL_TIMEOUT_MS);
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
      const old = this.connection;
      if (old) {
        this.connection = undefined;
        this.generation++;
        await this.shutdown(old);
      }
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
    for (const item of this.queue.splice(0)) this.settleItem(item, new SessionClosedError());
    if (this.running) this.requestEnd(this.running, { kind: 'close' });
    await this.launching?.catch(() => {});
    const connection = this.connection;
    if (connection) await this.shutdown(connection);
    this.running?.turn.fail(new SessionClosedError('the session was closed while the turn was running'));
  }

  /** Ends stdin, waits for a clean exit, then kills the process group. */
  private async shutdown(connection: CliConnection): Promise<void> {
    connection.endInput();
    if (await settlesWithin(connection.exited, this.options.closeGraceMs)) return;
    await connection.kill(KILL_GRACE_MS);
  }

  private enqueueTask(run: () => Promise<void>): Promise<void> {
    if (this.closing) return Promise.reject(new SessionClosedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'task', run, settle: (error) => (error ? reject(error) : resolve()) });
      this.pump();
    });
  }

  private settleItem(item: QueueItem, error: Error): void {
    if (item.kind === 'turn') item.turn.fail(error);
    else item.settle(error);
  }

  private abortTurn(turn: Turn, cause: unknown): void {
    if (this.running?.turn === turn) {
      this.requestEnd(this.running, { kind: 'abort', cause });
      return;
    }
    const index = this.queue.findIndex((item) => item.kind === 'turn' && item.turn === turn);
    if (index >= 0) this.queue.splice(index, 1);
    turn.fail(new TurnAbortedError('dropped', { cause }));
  }

  /** Starts the next queued item when nothing runs. */
  private pump(): void {
    if (this.running || this.taskRunning || this.closing) return;
    if (this.currentState === 'starting') return;
    const item = this.queue[0];
    if (!item) return;
    if (item.kind === 'turn' && this.currentState === 'dead') {
      this.runTask(
        () => this.launch(true),
        (error) => this.failQueue(error),
      );
      return;
    }
    this.queue.shift();
    if (item.kind === 'task') this.runTask(item.run, item.settle, item.settle);
    else this.startTurn(item.turn);
  }

  private runTask(run: () => Promise<void>, onError: (error: Error) => void, onDone?: () => void): void {
    this.taskRunning = true;
    run().then(
      () => {
        this.taskRunning = false;
        onDone?.();
        this.pump();
      },
      (error: Error) => {
        this.taskRunning = false;
        onError(error);
        this.pump();
      },
    );
  }

  private failQueue(error: Error): void {
    for (const item of this.queue.splice(0)) this.settleItem(item, error);
  }

  /** Spawns a process for this conversation: resuming it if it has a transcript, else under its chosen id. */
  private launch(isRestart: boolean): Promise<void> {
    this.launching = this.launchNow(isRestart);
    return this.launching;
  }

  private async launchNow(isRestart: boolean): Promise<void> {
    this.setState('starting');
    try {
      this.connection = await this.openConnection();
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
        this.connection = await this.openConnection();
      } catch (retryError) {
        this.setState('dead');
        throw retryError;
      }
    }
    this.killRequested = false;
    this.setState('idle');
  }

  private async openConnection(): Promise<CliConnection> {
    const generation = ++this.generation;
    const mode: StartMode = this.hasTranscript
      ? { resume: this.currentSessionId }
      : { sessionId: this.currentSessionId };
    const current = () => generation === this.generation;
    const connection = await CliConnection.open(
      this.options.config,
      mode,
      {
        onMessage: (message) => current() && this.onMessage(message),
        onUnparsedLine: (error) =>
          current() &&
          this.running?.turn.push({ type: 'system', subtype: 'unparsed_line', raw: { line: error.line } }),
        permissionPolicy: () => ({
          canUseTool: this.running?.turn.options.canUseTool ?? this.options.canUseTool,
          timeoutMs: this.running?.turn.options.permissionTimeoutMs ?? this.options.permissionTimeoutMs,
        }),
      },
      this.options.startTimeoutMs,
    );
    connection.exited.then((exit) => current() && this.onExit(connection, exit));
    return connection;
  }

  private startTurn(turn: Turn): void {
    const connection = this.connection;
    const running: RunningTurn = { turn, reason: undefined, timers: [] };
    this.running = running;
    this.turnsStarted++;
    this.setState('busy');
    if (!connection) {
      this.finishRunning(running, new SessionClosedError('the session has no process'));
      return;
    }
    try {
      connection.sendUserMessage(turn.input);
    } catch {
      // The process is already gone: its exit handler fails this turn, and the next one resumes.
      return;
    }
    this.hasTranscript = true;
    const timeoutMs = turn.options.timeoutMs ?? this.options.config.timeoutMs;
    if (timeoutMs !== undefined) {
      const timer = setTimeout(() => this.requestEnd(running, { kind: 'timeout', timeoutMs }), timeoutMs);
      running.timers.push(timer);
    }
  }

  /** Interrupts the running turn; kills the process if the turn has not ended within the grace period. */
  private requestEnd(running: RunningTurn, reason: EndReason): void {
    if (running.reason || this.running !== running) return;
    running.reason = reason;
    const connection = this.connection;
    connection?.control.request('interrupt', {}, CONTROL_TIMEOUT_MS).catch(() => {});
    const timer = setTimeout(() => {
      if (this.running !== running || !connection) return;
      this.killRequested = true;
      connection.kill(KILL_GRACE_MS);
    }, this.options.interruptGraceMs);
    running.timers.push(timer);
  }

  private onMessage(message: CliMessage): void {
    if (message.type === 'system' && message.subtype === 'init' && typeof message.session_id === 'string') {
      this.currentSessionId = message.session_id;
    }
    const running = this.running;
    if (!running) return; // between turns (e.g. the echo of set_model)
    if (message.type === 'result') {
      this.finishWithResult(running, message);
      return;
    }
    for (const event of mapCliMessage(message)) {
      running.turn.push(event);
      if (event.type !== 'api_retry') continue;
      const error = apiRetryError(event, this.options.config.maxApiRetries);
      if (error) this.requestEnd(running, { kind: 'error', error });
    }
  }

  private finishWithResult(running: RunningTurn, result: CliResultMessage): void {
    const response = toChatResponse(result);
    running.turn.push({ type: 'result', response });
    const stoppedEarly = running.reason && (result.is_error || result.subtype !== 'success');
    const error = stoppedEarly && running.reason ? reasonError(running.reason, false) : resultError(result);
    this.finishRunning(running, error, response);
  }

  private finishRunning(
    running: RunningTurn,
    error: Error | undefined,
    response?: ReturnType<typeof toChatResponse>,
  ): void {
    for (const timer of running.timers) clearTimeout(timer);
    if (this.running === running) this.running = undefined;
    if (error) running.turn.fail(error);
    else if (response) running.turn.succeed(response);
    if (this.currentState === 'busy') this.setState('idle');
    this.pump();
  }

  private onExit(connection: CliConnection, exit: CliExit): void {
    if (this.connection === connection) this.connection = undefined;
    const running = this.running;
    if (this.closing) {
      if (running)
        this.finishRunning(
          running,
          new SessionClosedError('the session was closed while the turn was running'),
        );
      return;
    }
    const killed = this.killRequested;
    this.killRequested = false;
    const crash = exitError(exit, connection.stderrTail, running ? 'during a turn' : 'while idle');
    this.setState('dead');
    if (running)
      this.finishRunning(running, running.reason && killed ? reasonError(running.reason, true) : crash);
    else this.pump();
  }

  private setState(state: SessionState): void {
    const previous = this.currentState;
    if (previous === state || (previous === 'closed' && state !== 'closed')) return;
    this.currentState = state;
    for (const listener of this.listeners) listener(state, previous);
  }
}
