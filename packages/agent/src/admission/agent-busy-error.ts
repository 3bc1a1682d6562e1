import { AgentError } from '../errors.js';

/** What was full: the session's own queue, or the whole agent (every slot busy and `maxQueue` waiting). */
export type AgentBusyScope = 'session' | 'agent';

export interface AgentBusyDetails {
  scope: AgentBusyScope;
  /** The session the refused message was for, when known. */
  sessionId: string | undefined;
  /** Messages already waiting (in the session for `session`, in the agent for `agent`). */
  queued: number;
  /** Turns running at once at most (for the message of an `agent` refusal). */
  maxConcurrentTurns: number;
  retryAfterMs: number;
}

function describe(details: AgentBusyDetails): string {
  const { queued } = details;
  const messages = `${queued} message${queued === 1 ? '' : 's'} waiting`;
  const what =
    details.scope === 'session'
      ? `session ${details.sessionId} already has ${messages}`
      : `all ${details.maxConcurrentTurns} turn slots are busy and ${messages}`;
  return `${what}; retry in about ${details.retryAfterMs} ms`;
}

/** A message was refused because a queue is full (`scope` says which); try again after `retryAfterMs`. */
export class AgentBusyError extends AgentError {
  readonly scope: AgentBusyScope;
  readonly sessionId: string | undefined;
  readonly queued: number;
  readonly retryAfterMs: number;
  constructor(details: AgentBusyDetails) {
    super('AGENT_BUSY', describe(details));
    this.scope = details.scope;
    this.sessionId = details.sessionId;
    this.queued = details.queued;
    this.retryAfterMs = details.retryAfterMs;
  }
}
