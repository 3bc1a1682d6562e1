import type { AgentResponse } from '@claude-code-server/agent';
import type { HttpError } from '../errors/http-error.js';
import type { PreparedTurn } from './turn-service.js';

/** What the turn service reports about each turn it runs (for metrics); a throwing observer is ignored. */
export interface TurnObserver {
  /** The turn took its slot after waiting `waitedMs` in the agent's admission. */
  started(turn: PreparedTurn, waitedMs: number): void;
  /** The first answer text of a streamed turn arrived, `afterMs` after the turn started. */
  firstDelta(turn: PreparedTurn, afterMs: number): void;
  /** The turn answered (an error result too: `response.success` is false); `runMs` from its start. */
  finished(turn: PreparedTurn, response: AgentResponse, runMs: number): void;
  /** The turn failed, as the client is told; `runMs` is undefined when it never started. */
  failed(turn: PreparedTurn, error: HttpError, runMs: number | undefined): void;
}
