interface Reader<T> {
  resolve: (result: IteratorResult<T>) => void;
  reject: (error: unknown) => void;
}

/**
 * A push-to-pull bridge: a producer pushes items (or ends, or fails) and a consumer reads them with
 * `for await`, in order. Items pushed before anyone reads are kept; reads made before items arrive
 * are answered in the order they were made.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  /** Reads waiting for an item; only ever waiting while `items` is empty. */
  private readonly readers: Reader<T>[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;

  /** True once `end` or `fail` was called (items may still be queued for the consumer). */
  get ended(): boolean {
    return this.done;
  }

  push(item: T): void {
    if (this.done) return;
    const reader = this.readers.shift();
    if (reader) reader.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  /** No more items; the consumer finishes after reading what is queued. */
  end(): void {
    if (this.done) return;
    this.done = true;
    for (const reader of this.readers.splice(0)) reader.resolve({ value: undefined, done: true });
  }

  /** The consumer gets `error` after reading what is queued. */
  fail(error: unknown): void {
    if (this.done) return;
    this.failure = { error };
    this.done = true;
    for (const reader of this.readers.splice(0)) reader.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
