/**
 * A push-to-pull bridge: a producer pushes items (or ends, or fails) and one consumer reads them
 * with `for await`, in order. Items pushed before anyone reads are kept.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private waitingReject: ((error: unknown) => void) | undefined;
  private done = false;
  private failure: { error: unknown } | undefined;

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** No more items; the consumer finishes after reading what is queued. */
  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.waiting && this.items.length === 0) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: undefined, done: true });
    }
  }

  /** The consumer gets `error` after reading what is queued. */
  fail(error: unknown): void {
    if (this.done) return;
    this.failure = { error };
    this.done = true;
    if (this.waitingReject && this.items.length === 0) {
      const reject = this.waitingReject;
      this.clearWaiter();
      reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.waitingReject = reject;
    });
  }

  private clearWaiter(): void {
    this.waiting = undefined;
    this.waitingReject = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
