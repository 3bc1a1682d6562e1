import { AgentAbortedError, AgentClosedError } from '../errors.js';
import { AgentBusyError } from './agent-busy-error.js';
import { type JobCaller, type JobMessage, type JobSettings, TurnJob } from './turn-job.js';
import { TurnTimes } from './turn-times.js';

export interface TurnAdmissionOptions {
  /** Turns running at once across every session. */
  maxConcurrentTurns: number;
  /** Messages that may wait in the whole agent while every slot is busy. */
  maxQueue: number;
  /** Messages that may wait per session (not counting the running turn). */
  maxQueuePerSession: number;
  /** Messages of one session arriving within this many ms of each other merge into one turn (0: off). */
  debounceMs: number;
  /** Runs a turn; must settle the job (succeed or fail) before resolving. */
  run(job: TurnJob): Promise<void>;
}

/** What admission holds right now. */
export interface AdmissionStats {
  /** Turns holding a slot. */
  running: number;
  /** Messages waiting: behind their session's running turn, in a debounce window, or for a slot. */
  queued: number;
  /** Sessions with a turn running or waiting. */
  sessions: number;
}

/** The turns of one session: at most one running, the rest waiting in arrival order. */
interface SessionLine {
  sessionId: string;
  waiting: TurnJob[];
  running: TurnJob | undefined;
  /** Set while the next turn waits for its debounce window to close. */
  timer: NodeJS.Timeout | undefined;
}

function messagesOf(jobs: readonly TurnJob[]): number {
  return jobs.reduce((n, job) => n + job.messages.length, 0);
}

/**
 * Decides when every turn of the agent runs: each session's turns one after another in arrival
 * order, at most `maxConcurrentTurns` at once, bounded waiting (per session and in all), and a slot
 * passes straight to its session's next turn so the warm process answers it. With a debounce window,
 * a message joins the session's last waiting turn if it came soon enough after that turn's last
 * message (and asks for the same settings).
 *
 * Our own queue: the libraries (p-queue, BullMQ, ...) queue by priority or per key, none hands a
 * slot to the same key's next job or merges a debounced burst into a waiting job.
 */
export class TurnAdmission {
  private readonly lines = new Map<string, SessionLine>();
  /** Sessions whose next turn is ready and waits for a slot, in the order they became ready. */
  private readonly ready = new Set<SessionLine>();
  private running = 0;
  private closed = false;
  private readonly idle = new Set<() => void>();
  private readonly times = new TurnTimes();

  constructor(private readonly options: TurnAdmissionOptions) {}

  /** Queues a message; returns its turn. Throws AgentBusyError when a queue is full, AgentClosedError after close. */
  submit(sessionId: string, settings: JobSettings, message: JobMessage, signal?: AbortSignal): TurnJob {
    if (this.closed) throw new AgentClosedError();
    if (signal?.aborted) throw new AgentAbortedError({ cause: signal.reason });
    const refused = this.refusal(sessionId);
    if (refused) throw refused;
    const line = this.lineOf(sessionId);
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
    this.pump(line);
    return job;
  }

  /**
   * The error a new message (of `sessionId`, when given) would get now, if any: AgentClosedError,
   * or AgentBusyError when its session's queue is full or every slot is busy and `maxQueue` wait.
   */
  refusal(sessionId?: string): AgentBusyError | AgentClosedError | undefined {
    if (this.closed) return new AgentClosedError();
    const line = sessionId === undefined ? undefined : this.lines.get(sessionId);
    const { maxConcurrentTurns } = this.options;
    if (line) {
      const queued = messagesOf(line.waiting);
      if (queued >= this.options.maxQueuePerSession) {
        const turnsAhead = line.waiting.length + (line.running ? 1 : 0);
        const retryAfterMs = this.times.retryAfterMs(turnsAhead);
        return new AgentBusyError({ scope: 'session', sessionId, queued, maxConcurrentTurns, retryAfterMs });
      }
    }
    if (this.running < maxConcurrentTurns) return undefined;
    const queued = this.stats().queued;
    if (queued < this.options.maxQueue) return undefined;
    let turnsAhead = 1;
    for (const other of this.lines.values()) turnsAhead += other.waiting.length;
    const retryAfterMs = this.times.retryAfterMs(turnsAhead, maxConcurrentTurns);
    return new AgentBusyError({ scope: 'agent', sessionId, queued, maxConcurrentTurns, retryAfterMs });
  }

  stats(): AdmissionStats {
    let queued = 0;
    for (const line of this.lines.values()) queued += messagesOf(line.waiting);
    return { running: this.running, queued, sessions: this.lines.size };
  }

  /** Fails every waiting message with AgentClosedError and resolves when running turns have ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.ready.clear();
    for (const line of [...this.lines.values()]) {
      for (const job of line.waiting.splice(0)) job.fail(new AgentClosedError());
      this.pump(line);
    }
    await this.drained();
  }

  /** Abandons every running turn (their callers get `error`, the turns are interrupted). */
  abortRunning(error: Error): void {
    for (const line of this.lines.values()) line.running?.abandon(error);
  }

  /** Resolves once no turn runs or waits. */
  drained(): Promise<void> {
    if (this.lines.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private lineOf(sessionId: string): SessionLine {
    let line = this.lines.get(sessionId);
    if (!line) {
      line = { sessionId, waiting: [], running: undefined, timer: undefined };
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
        this.pump(line);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const forget = () => signal.removeEventListener('abort', onAbort);
    job.abort.signal.addEventListener('abort', forget, { once: true });
    job.done.then(forget);
  }

  /** Ms until the turn's debounce window closes (0: closed, it may start). */
  private windowLeft(job: TurnJob): number {
    if (this.options.debounceMs === 0) return 0;
    return Math.max(0, this.options.debounceMs - (Date.now() - job.lastArrival));
  }

  /**
   * Moves a session on when nothing of it runs: its next turn starts if a slot is free, else waits
   * for one (keeping its place), or waits for its debounce window; a session with nothing left goes.
   */
  private pump(line: SessionLine): void {
    clearTimeout(line.timer);
    line.timer = undefined;
    if (line.running) return;
    const job = line.waiting[0];
    if (!job) {
      this.ready.delete(line);
      this.lines.delete(line.sessionId);
      if (this.lines.size === 0) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
      return;
    }
    const wait = this.windowLeft(job);
    if (wait > 0) {
      this.ready.delete(line);
      line.timer = setTimeout(() => this.pump(line), wait);
      return;
    }
    if (this.ready.has(line)) return;
    if (this.running < this.options.maxConcurrentTurns) {
      this.running++;
      this.start(line);
    } else {
      this.ready.add(line);
    }
  }

  /** Runs the session's next turn in a slot already counted for it. */
  private start(line: SessionLine): void {
    const job = line.waiting.shift() as TurnJob;
    this.ready.delete(line);
    line.running = job;
    job.begin();
    const startedAt = Date.now();
    this.options
      .run(job)
      .catch((error: Error) => job.fail(error))
      .finally(() => {
        this.times.record(Date.now() - startedAt);
        line.running = undefined;
        this.finished(line);
      });
  }

  /** A turn ended: its slot goes to the session's next turn when that is ready, else to the oldest waiting session. */
  private finished(line: SessionLine): void {
    const next = line.waiting[0];
    if (next && this.windowLeft(next) === 0) {
      this.start(line);
      return;
    }
    this.running--;
    this.pump(line);
    for (const waiting of this.ready) {
      if (this.running >= this.options.maxConcurrentTurns) break;
      this.running++;
      this.start(waiting);
    }
  }
}
