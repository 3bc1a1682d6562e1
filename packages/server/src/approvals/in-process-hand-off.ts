import type { ApprovalAnswer, ApprovalHandOff, PendingApproval } from './approval-hand-off.js';

interface OpenRequest {
  pending: PendingApproval;
  onAnswer: (answer: ApprovalAnswer) => boolean;
}

/** The hand-off of a single server process: answers reach turns of this process only. */
export class InProcessApprovalHandOff implements ApprovalHandOff {
  private readonly requests = new Map<string, OpenRequest>();

  async open(pending: PendingApproval, onAnswer: (answer: ApprovalAnswer) => boolean): Promise<void> {
    this.requests.set(pending.requestId, { pending, onAnswer });
  }

  async close(requestId: string): Promise<void> {
    this.requests.delete(requestId);
  }

  async get(requestId: string): Promise<PendingApproval | undefined> {
    return this.requests.get(requestId)?.pending;
  }

  async list(storedSessionId: string): Promise<PendingApproval[]> {
    return [...this.requests.values()]
      .map((request) => request.pending)
      .filter((pending) => pending.storedSessionId === storedSessionId);
  }

  async deliver(requestId: string, answer: ApprovalAnswer): Promise<boolean> {
    const request = this.requests.get(requestId);
    return request ? request.onAnswer(answer) : false;
  }
}
