/** A tool call waiting for a person, as every node can see it. */
export interface PendingApproval {
  requestId: string;
  tenant: string;
  /** The client's ids (the API's), and the stored session id (`<tenant>:<session_id>`). */
  sessionId: string;
  storedSessionId: string;
  userId: string;
  toolName: string;
  toolUseId: string;
  input: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  /** The turn's project directory, against which an answer's `updated_input` paths are checked. */
  workDir?: string;
}

/** What a client answered, after the answering node checked the key (tenant, user, ceiling). */
export type ApprovalAnswer =
  | { behavior: 'allow'; updatedInput?: Record<string, unknown>; keyName: string | null }
  | { behavior: 'deny'; message: string; keyName: string | null };

/**
 * Hands a permission answer from the node that received it to the node whose turn waits for it. The
 * waiting node `open`s each request with a callback; any node can `get`/`list` the open requests and
 * `deliver` an answer. In one process a Map does it (InProcessApprovalHandOff); across nodes a
 * store- or pub/sub-backed implementation keeps the records where every node reads them and
 * publishes answers to the node that opened the request.
 */
export interface ApprovalHandOff {
  /** Registers a waiting request; `onAnswer` gets the first answer delivered for it (true: taken). */
  open(pending: PendingApproval, onAnswer: (answer: ApprovalAnswer) => boolean): Promise<void>;
  /** Forgets a request (answered, timed out or abandoned); later answers find nothing. */
  close(requestId: string): Promise<void>;
  /** An open request, or undefined. */
  get(requestId: string): Promise<PendingApproval | undefined>;
  /** The open requests of a stored session, oldest first. */
  list(storedSessionId: string): Promise<PendingApproval[]>;
  /** Hands an answer to the waiting turn; false when the request is no longer open. */
  deliver(requestId: string, answer: ApprovalAnswer): Promise<boolean>;
}
