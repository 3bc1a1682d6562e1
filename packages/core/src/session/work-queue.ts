import type { Turn } from './turn.js';

/** One thing a session runs: a turn, or a task between turns (setModel, setPermissionMode, restart). */
type Work =
  | { kind: 'turn'; turn: Turn }
  | { kind: 'task'; run: () => Promise<void>; settle: (error?: Error) => void };

/** What the queue asks of its session. */
export interface WorkQueueHost {
  /** False while nothing new may start (a turn runs, the process is starting, the session is closing). */
  canStart(): boolean;
  /** A task that must run before the next turn (bringing a dead process back), if one is needed. */
  beforeTurn(): (() => Promise<void>) | undefined;
  /** Sends the turn to the process; the host calls `pump()` once it has ended. */
  startTurn(turn: Turn): void;
}

/**
 * A session's turns and tasks, run one at a time in the order they came. Hand-written rather than
 * core's AsyncQueue: the next item must start synchronously (a session is `busy` or `starting` as soon
 * as `send()` returns), queued turns are counted and dropped, and a task runs between two turns.
 */
export class WorkQueue {
  private readonly items: Work[] = [];
  private taskRunning = false;

  constructor(private readonly host: WorkQueueHost) {}

  /** Turns waiting (the running one not included). */
  get queuedTurns(): number {
    return this.items.filter((item) => item.kind === 'turn').length;
  }

  /** Queues a turn. */
  addTurn(turn: Turn): void {
    this.items.push({ kind: 'turn', turn });
    this.pump();
  }

  /** Queues a task; resolves once it ran, rejects with its error (or the queue's, if it never ran). */
  addTask(run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.items.push({ kind: 'task', run, settle: (error) => (error ? reject(error) : resolve()) });
      this.pump();
    });
  }

  /** Takes a turn out of the queue before it started; false if it is not queued. */
  drop(turn: Turn): boolean {
    const index = this.items.findIndex((item) => item.kind === 'turn' && item.turn === turn);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /** Fails everything queued, each with `errorFor()`. */
  failAll(errorFor: () => Error): void {
    for (const item of this.items.splice(0)) {
      if (item.kind === 'turn') item.turn.fail(errorFor());
      else item.settle(errorFor());
    }
  }

  /** Starts the next item when nothing runs. */
  pump(): void {
    if (this.taskRunning || !this.host.canStart()) return;
    const item = this.items[0];
    if (!item) return;
    if (item.kind === 'turn') {
      const before = this.host.beforeTurn();
      if (before) {
        this.runTask(before, (error) => this.failAll(() => error));
        return;
      }
    }
    this.items.shift();
    if (item.kind === 'task') this.runTask(item.run, item.settle, item.settle);
    else this.host.startTurn(item.turn);
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
}
