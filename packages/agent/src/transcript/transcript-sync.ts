import { BoundedMap } from '@claude-code-server/core/internal';
import type { SessionStore } from '@claude-code-server/store';
import { completeLines, digestOf, readTranscriptFile, writeTranscriptFile } from './local-transcript.js';

/** What this agent knows the store holds for a session: equal to the first `bytes` of its local file. */
interface SyncedState {
  claudeSessionId: string;
  path: string;
  /** The session's turn counter when the store got this transcript. */
  turns: number;
  bytes: number;
  digest: string;
}

/** How the local transcript was made ready for a resume. */
export type RestoreOutcome = 'local' | 'restored' | 'missing';

/**
 * Keeps the CLI transcripts in the local config dir and in the store in step: saved to the store
 * after each turn (only the new lines when the store already has the rest), written back before a
 * process resumes a session whose local copy is missing or behind.
 */
export class TranscriptSync {
  /** Forgetting a session only costs a load from the store on its next resume. */
  private readonly synced = new BoundedMap<string, SyncedState>(10_000);

  constructor(private readonly store: SessionStore) {}

  /**
   * Saves the local transcript of a finished turn. `turnsBefore` is the session's turn counter when
   * the turn started and `turnsAfter` the one it will be stored with.
   */
  async save(
    sessionId: string,
    claudeSessionId: string,
    path: string,
    turnsBefore: number,
    turnsAfter: number,
  ): Promise<void> {
    const bytes = await readTranscriptFile(path);
    if (!bytes) return;
    const lines = completeLines(bytes);
    const known = this.synced.get(sessionId);
    const extendsKnown =
      known !== undefined &&
      known.claudeSessionId === claudeSessionId &&
      known.path === path &&
      known.turns === turnsBefore &&
      lines.length >= known.bytes &&
      digestOf(lines.subarray(0, known.bytes)) === known.digest;
    // Forget first: if the write fails we no longer know what the store holds.
    this.synced.delete(sessionId);
    if (extendsKnown) {
      const delta = lines.subarray(known.bytes);
      if (delta.length > 0) await this.store.appendTranscript(sessionId, delta.toString('utf8'));
    } else {
      await this.store.saveTranscript(sessionId, lines.toString('utf8'));
    }
    this.synced.set(sessionId, {
      claudeSessionId,
      path,
      turns: turnsAfter,
      bytes: lines.length,
      digest: digestOf(lines),
    });
  }

  /**
   * Makes the local transcript match the store before a process resumes it. The local file is kept
   * when it is the one this agent saved at the stored turn (or that plus lines written since).
   */
  async restore(
    sessionId: string,
    claudeSessionId: string,
    path: string,
    storedTurns: number,
  ): Promise<RestoreOutcome> {
    const known = this.synced.get(sessionId);
    if (
      known !== undefined &&
      known.claudeSessionId === claudeSessionId &&
      known.path === path &&
      known.turns === storedTurns
    ) {
      const local = await readTranscriptFile(path);
      if (local && local.length >= known.bytes && digestOf(local.subarray(0, known.bytes)) === known.digest) {
        return 'local';
      }
    }
    this.synced.delete(sessionId);
    const stored = await this.store.loadTranscript(sessionId);
    if (stored === null || stored.trim() === '') return 'missing';
    await writeTranscriptFile(path, stored);
    const bytes = Buffer.from(stored, 'utf8');
    this.synced.set(sessionId, {
      claudeSessionId,
      path,
      turns: storedTurns,
      bytes: bytes.length,
      digest: digestOf(bytes),
    });
    return 'restored';
  }

  /** Forgets what is known about a session (after it was cleared, or its state is in doubt). */
  forget(sessionId: string): void {
    this.synced.delete(sessionId);
  }
}
