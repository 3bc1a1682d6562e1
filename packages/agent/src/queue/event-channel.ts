/** An unbounded single-consumer queue of events, ended by a value or an error. */
export class EventChannel<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private wake: (() => void) | undefined;
  private finished = false;
  private failure: Error | undefined;

  /** True once `end` or `fail` was called. */
  get ended(): boolean {
    return this.finished;
  }

  push(item: T): void {
    if (this.finished) return;
    this.buffer.push(item);
    this.notify();
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.notify();
  }

  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.buffer.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.finished) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
