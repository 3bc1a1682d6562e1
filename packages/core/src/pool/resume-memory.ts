import { BoundedMap } from '../bounded-map.js';
import type { ClaudeSession } from '../session/session.js';

/** The Claude session id each key continues with once its process is gone (evicted, crashed), newest kept. */
export class ResumeMemory {
  private readonly ids: BoundedMap<string, string>;

  constructor(capacity: number) {
    this.ids = new BoundedMap(capacity);
  }

  get(key: string): string | undefined {
    return this.ids.get(key);
  }

  /** Remembers the key's conversation, if it has a transcript to resume. */
  remember(key: string, session: ClaudeSession): void {
    if (session.resumable) this.ids.set(key, session.sessionId);
  }

  forget(key: string): void {
    this.ids.delete(key);
  }

  /** The key, among those `withoutProcess` says have none, that remembers `sessionId`. */
  keyRemembering(sessionId: string, withoutProcess: (key: string) => boolean): string | undefined {
    for (const [key, remembered] of this.ids.entries()) {
      if (remembered === sessionId && withoutProcess(key)) return key;
    }
    return undefined;
  }
}
