import type { SessionStore } from '../src/index.js';

const FILL_CONCURRENCY = 50;
let sessionCounter = 0;

export function message(i: number): string {
  return `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}`;
}

async function sessionWith(store: SessionStore, messages: number): Promise<string> {
  const id = `bench-${process.pid}-${++sessionCounter}`;
  await store.createSession({ id, userId: 'bench' });
  for (let done = 0; done < messages; done += FILL_CONCURRENCY) {
    const batch = Math.min(FILL_CONCURRENCY, messages - done);
    await Promise.all(
      Array.from({ length: batch }, (_, i) =>
        store.appendMessage(id, { role: i % 2 ? 'assistant' : 'user', content: message(done + i) }),
      ),
    );
  }
  return id;
}

/**
 * A few sessions holding `size` messages each, used round-robin. The timed appends would grow a small
 * session well past its size, so small sessions are replaced (untimed) once each has taken one.
 */
export class BenchSessions {
  readonly #ids: string[] = [];
  #appendsSinceFill = 0;

  private constructor(
    private readonly store: SessionStore,
    readonly size: number,
  ) {}

  static async create(store: SessionStore, size: number, count: number): Promise<BenchSessions> {
    const sessions = new BenchSessions(store, size);
    for (let i = 0; i < count; i++) sessions.#ids.push(await sessionWith(store, size));
    return sessions;
  }

  pick(i: number): string {
    return this.#ids[i % this.#ids.length]!;
  }

  /** Call after each append to `pick(i)`: keeps every session within 10% (or one message) of its size. */
  async afterAppend(): Promise<void> {
    const allowed = this.#ids.length * Math.max(1, Math.floor(this.size / 10));
    if (++this.#appendsSinceFill < allowed) return;
    this.#appendsSinceFill = 0;
    await this.#replaceAll();
  }

  async delete(): Promise<void> {
    for (const id of this.#ids) await this.store.deleteSession(id);
  }

  async #replaceAll(): Promise<void> {
    for (let j = 0; j < this.#ids.length; j++) {
      await this.store.deleteSession(this.#ids[j]!);
      this.#ids[j] = await sessionWith(this.store, this.size);
    }
  }
}
