import type { Metadata, SessionRecord } from '@claude-code-server/store';

/** The key under which the agent keeps its own bookkeeping in a session's metadata. */
export const AGENT_METADATA_KEY = 'claudeAgent';

/** What the agent records about a session besides its messages. */
export interface AgentSessionState {
  /** Turns whose transcript reached the store; any agent that runs a turn increments it. */
  turns: number;
  /** `ownerId` of the agent that ran the last turn (with an `ownerAddress`: that runs it, from its start). */
  lastOwner: string | null;
  /** Where that agent said it can be reached (its `ownerAddress`), or null. */
  lastOwnerAddress: string | null;
  /** How many times the conversation had to start over because its transcript was gone. */
  freshStarts: number;
  /**
   * The seq of the last message of the last turn whose transcript is stored (0 before any turn;
   * null: a session from before it was recorded). Messages after it that a new turn finds before its
   * own were stored by a turn whose agent died before it stored the rest: the CLI never saw them, so
   * the turn brings them along.
   */
  lastSeq: number | null;
}

function asCount(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/** The agent's state of a session (zeros for a new one). */
export function readSessionState(record: SessionRecord): AgentSessionState {
  const raw = record.metadata[AGENT_METADATA_KEY];
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const turns = asCount(value.turns);
  return {
    turns,
    lastOwner: typeof value.lastOwner === 'string' ? value.lastOwner : null,
    lastOwnerAddress: typeof value.lastOwnerAddress === 'string' ? value.lastOwnerAddress : null,
    freshStarts: asCount(value.freshStarts),
    lastSeq:
      typeof value.lastSeq === 'number' && Number.isInteger(value.lastSeq)
        ? value.lastSeq
        : turns === 0
          ? 0
          : null,
  };
}

/** The session's metadata with the agent's state replaced. */
export function withSessionState(metadata: Metadata, state: AgentSessionState): Metadata {
  return { ...metadata, [AGENT_METADATA_KEY]: { ...state } };
}

/** A caller's metadata merged over the stored one; the agent's own key cannot be overwritten. */
export function mergeCallerMetadata(metadata: Metadata, update: Metadata | undefined): Metadata {
  if (!update) return metadata;
  const { [AGENT_METADATA_KEY]: _ignored, ...rest } = update;
  return { ...metadata, ...rest };
}
