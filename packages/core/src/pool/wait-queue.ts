/** One caller waiting for a slot; `attempt` returns a promise once it can be served, else undefined. */
export interface Waiter<T> {
  attempt: () => Promise<T> | undefined;
  /** True while serving it needs a free process slot (not just its key's session to be released). */
  needsSlot: () => boolean;
}

/** A waiter in the queue; `bypassed` counts younger callers served before it. */
export interface QueuedWaiter<T> extends Waiter<T> {
  bypassed: number;
}

interface Queued<T> extends QueuedWaiter<T> {
  resolve: (value: Promise<T>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  cleanup: () => void;
}

/** A bounded FIFO of callers waiting for a slot, each with a deadline and an optional AbortSignal. */
export class WaitQueue<T> {
  private readonly queue: Queued<T>[] = [];

  get size(): number {
    return this.queue.length;
  }

  /** Waits until a drain serves it; rejects with `onTimeout()` after `timeoutMs`, or `onAbort()` if `signal` fires. */
  wait(
    waiter: Waiter<T>,
    limits: { timeoutMs: number; onTimeout: () => Error; signal?: AbortSignal; onAbort: () => Error },
  ): Promise<T> {
    const { timeoutMs, onTimeout, signal, onAbort: abortError } = limits;
    return new Promise<T>((resolve, reject) => {
      const entry: Queued<T> = {
        ...waiter,
        bypassed: 0,
        resolve,
        reject,
        timer: setTimeout(() => this.remove(entry, onTimeout()), timeoutMs),
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = () => this.remove(entry, abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  /** Waiters in arrival order (a snapshot). */
  waiters(): QueuedWaiter<T>[] {
    return [...this.queue];
  }

  /** Serves `waiter` with the promise its attempt produced. */
  serve(waiter: Waiter<T>, lease: Promise<T>): void {
    const entry = this.queue.find((queued) => queued === waiter);
    if (!entry) return;
    this.detach(entry);
    entry.resolve(lease);
  }

  /** Fails every waiter (the pool is closing). */
  rejectAll(error: Error): void {
    for (const entry of [...this.queue]) this.remove(entry, error);
  }

  private remove(entry: Queued<T>, error: Error): void {
    if (!this.detach(entry)) return;
    entry.reject(error);
  }

  private detach(entry: Queued<T>): boolean {
    const index = this.queue.indexOf(entry);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    clearTimeout(entry.timer);
    entry.cleanup();
    return true;
  }
}
