import type { Metadata, SessionRecord, SessionStore } from '@claude-code-server/store';
import type { HeldLease } from '../lease.js';
import { readSessionState, withSessionState } from '../session-state.js';
import type { TranscriptSync } from '../transcript/transcript-sync.js';

export interface AnsweredTurnFacts {
  sessionId: string;
  /** When the session record was created: a session cleared and created again is another one. */
  sessionCreatedAt: number;
  /** The Claude session the turn ran in, and the one the record named before it. */
  claudeSessionId: string;
  previousClaudeSessionId: string | null;
  /** The session's turn counter when the turn started. */
  turnsBefore: number;
  /** The session's metadata to store (the caller's merged in). */
  metadata: Metadata;
  freshStarts: number;
  ownerId: string;
  ownerAddress: string | null;
  /** The seq of the last message the turn stored, and the record's before it (null: not recorded). */
  lastSeq: number;
  previousLastSeq: number | null;
  /** The local transcript file of the Claude session. */
  path: string;
}

/**
 * A turn whose answer is stored, and whose session counter and transcript still have to be. The
 * counter goes first: once it moved, every other agent treats its warm process as stale, so a
 * transcript that fails to follow can cost the last exchange, never mix two histories. The record's
 * `lastSeq` moves to this turn only once its transcript is stored too: until then the session's next
 * turn, on any agent, brings this turn's exchange along (see `missedMessages`).
 */
export class AnsweredTurn {
  private counterStored = false;
  private transcriptStored = false;

  constructor(
    private readonly store: SessionStore,
    private readonly sync: TranscriptSync,
    readonly facts: AnsweredTurnFacts,
    /** Called once the counter is stored: the process now matches the store. */
    private readonly onCounterStored?: (turns: number) => void,
  ) {}

  get turnsAfter(): number {
    return this.facts.turnsBefore + 1;
  }

  /** True when the stored record is still where this turn left it, so finishing it now is safe. */
  matches(record: SessionRecord): boolean {
    if (record.createdAt !== this.facts.sessionCreatedAt) return false;
    const turns = readSessionState(record).turns;
    return this.counterStored
      ? turns === this.turnsAfter && record.claudeSessionId === this.facts.claudeSessionId
      : turns === this.facts.turnsBefore && record.claudeSessionId === this.facts.previousClaudeSessionId;
  }

  /** Stores what is missing (the counter, the transcript, then where the turn ended), if the lease is still ours. */
  async save(lease: HeldLease): Promise<void> {
    const { facts } = this;
    await lease.confirm();
    if (!this.counterStored) {
      await this.storeState(facts.previousLastSeq);
      this.counterStored = true;
      this.onCounterStored?.(this.turnsAfter);
    }
    if (!this.transcriptStored) {
      await this.sync.save(
        facts.sessionId,
        facts.claudeSessionId,
        facts.path,
        facts.turnsBefore,
        this.turnsAfter,
      );
      this.transcriptStored = true;
    }
    await this.storeState(facts.lastSeq);
  }

  private async storeState(lastSeq: number | null): Promise<void> {
    const { facts } = this;
    await this.store.updateSession(facts.sessionId, {
      claudeSessionId: facts.claudeSessionId,
      metadata: withSessionState(facts.metadata, {
        turns: this.turnsAfter,
        lastOwner: facts.ownerId,
        lastOwnerAddress: facts.ownerAddress,
        freshStarts: facts.freshStarts,
        lastSeq,
      }),
    });
  }
}
