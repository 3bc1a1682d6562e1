import { AgentAbortedError, AgentBusyError, AgentClosedError } from '../errors.js';
import { type JobCaller, type JobMessage, type JobSettings, TurnJob } from './turn-job.js';

export interface SessionQueuesOptions {
  /** Messages of one session arriving within this many ms of each other merge into one turn (0: off). */
  debounceMs: number;
  /** Messages that may wait per session (not counting the running turn). */
  maxQueuePerSession: number;
  /** Runs a turn; must settle the job (succeed or fail) before resolving. */
  run(job: TurnJob): Promise<void>;
  /** How long a turn takes, for the busy error's retry hint. */
  typicalTurnMs(): number;
}

/** The turns of one session: at most one running, the rest waiting in arrival order. */
interface SessionLine {
  waiting: TurnJob[];
  running: TurnJob | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Runs each session's turns one after another in arrival order, sessions in parallel. With a
 * debounce window, a message joins the last waiting turn if it came soon enough after that turn's
 * last message (and asks for the same settings).
 */
export class SessionQueues {
  private readonly lines = new Map<string, SessionLine>();
  private closed = false;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: SessionQueuesOptions) {}

  /** Queues a message; returns its turn. Throws AgentBusyError when the session's queue is full. */
  submit(sessionId: string, settings: JobSettings, message: JobMessage, signal?: AbortSignal): TurnJob {
    if (this.closed) throw new AgentClosedError();
    if (signal?.aborted) throw new AgentAbortedError({ cause: signal.reason });
    const line = this.lineOf(sessionId);
    const waitingMessages = line.waiting.reduce((n, job) => n + job.messages.length, 0);
    if (waitingMessages >= this.options.maxQueuePerSession) {
      const turnsAhead = line.waiting.length + (line.running ? 1 : 0);
      const retryAfterMs = Math.max(100, Math.round(this.options.typicalTurnMs() * turnsAhead));
      if (line.waiting.length === 0 && !line.running) this.lines.delete(sessionId);
      throw new AgentBusyError(sessionId, waitingMessages, retryAfterMs);
    }
    const now = Date.now();
    const tail = line.waiting.at(-1);
    const merge =
      this.options.debounceMs > 0 &&
      tail !== undefined &&
      tail.accepts(settings) &&
      now - tail.lastArrival < this.options.debounceMs;
    const job = merge && tail ? tail : new TurnJob(sessionId, settings);
    job.add(message, now);
    if (!merge) line.waiting.push(job);
    if (signal) this.watchSignal(line, job, message.caller, signal);
    this.pump(sessionId, line);
    return job;
  }

  /** Sessions with work, turns running and messages waiting. */
  stats(): { activeSessions: number; runningTurns: number; queuedMessages: number } {
    let runningTurns = 0;
    let queuedMessages = 0;
    for (const line of this.lines.values()) {
      if (line.running) runningTurns++;
      for (const job of line.waiting) queuedMessages += job.messages.length;
    }
    return { activeSessions: this.lines.size, runningTurns, queuedMessages };
  }

  /** Fails every waiting message with AgentClosedError and resolves when running turns have ended. */
  async close(): Promise<void> {
    this.closed = true;
    for (const line of this.lines.values()) {
      clearTimeout(line.timer);
      for (const job of line.waiting.splice(0)) job.fail(new AgentClosedError());
    }
    await this.drained();
  }

  /** Abandons every running turn (their callers get `error`, the turns are interrupted). */
  abortRunning(error: Error): void {
    for (const line of this.lines.values()) line.running?.abandon(error);
  }

  /** Resolves once no turn runs. */
  drained(): Promise<void> {
    if (this.lines.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private lineOf(sessionId: string): SessionLine {
    let line = this.lines.get(sessionId);
    if (!line) {
      line = { waiting: [], running: undefined, timer: undefined };
      this.lines.set(sessionId, line);
    }
    return line;
  }

  private watchSignal(line: SessionLine, job: TurnJob, caller: JobCaller, signal: AbortSignal): void {
    const onAbort = () => {
      const error = new AgentAbortedError({ cause: signal.reason });
      if (job.started) {
        job.leave(caller, error);
        return;
      }
      caller.reject(error);
      if (job.withdraw(caller)) {
        line.waiting.splice(line.waiting.indexOf(job), 1);
        this.pump(job.sessionId, line);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const forget = () => signal.removeEventListener('abort', onAbort);
    job.abort.signal.addEventListener('abort', forget, { once: true });
    job.done.then(forget);
  }

  /** Starts the first waiting turn of a session when nothing runs and its debounce window has closed. */
  private pump(sessionId: string, line: SessionLine): void {
    clearTimeout(line.timer);
    line.timer = undefined;
    if (line.running) return;
    const job = line.waiting[0];
    if (!job) {
      this.lines.delete(sessionId);
      if (this.lines.size === 0) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
      return;
    }
    const wait = this.options.debounceMs - (Date.now() - job.lastArrival);
    if (this.options.debounceMs > 0 && wait > 0) {
      line.timer = setTimeout(() => this.pump(sessionId, line), wait);
      return;
    }
    line.waiting.shift();
    line.running = job;
    job.started = true;
    this.options
      .run(job)
      .catch((error: Error) => job.fail(error))
      .finally(() => {
        line.running = undefined;
        this.pump(sessionId, line);
      });
  }
}
