/** Values pushed by one side and read with `for await` by the other; ends, or fails with an error. */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly values: T[] = [];
  private waiting:
    | { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }
    | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;

  push(value: T): void {
    if (this.ended || this.failure) return;
    if (this.waiting) {
      this.take().resolve({ value, done: false });
    } else {
      this.values.push(value);
    }
  }

  /** No more values: the reader ends after the ones it has not read. */
  end(): void {
    this.ended = true;
    if (this.waiting && this.values.length === 0) this.take().resolve({ value: undefined, done: true });
  }

  /** The reader gets `error` after the values it has not read. */
  fail(error: unknown): void {
    if (this.ended || this.failure) return;
    this.failure = { error };
    if (this.waiting && this.values.length === 0) this.take().reject(error);
  }

  get finished(): boolean {
    return this.ended || this.failure !== undefined;
  }

  private take() {
    const waiting = this.waiting as NonNullable<typeof this.waiting>;
    this.waiting = undefined;
    return waiting;
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.values.length > 0) return Promise.resolve({ value: this.values.shift() as T, done: false });
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
