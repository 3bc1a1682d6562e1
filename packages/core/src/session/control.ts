import { randomUUID } from 'node:crypto';
import { ProtocolError } from '../errors.js';
import type { CliControlResponse } from '../stream-json.js';

/** Writes one JSON message as a line on the CLI's stdin. */
export type WriteMessage = (message: Record<string, unknown>) => void;

interface PendingRequest {
  subtype: string;
  resolve: (payload: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Host-to-CLI requests of the control protocol (initialize, interrupt, set_model...): numbers them,
 * matches each `control_response` to its request, and fails them all when the process goes away.
 */
export class ControlChannel {
  private readonly pending = new Map<string, PendingRequest>();

  constructor(private readonly write: WriteMessage) {}

  /** Sends a control request; resolves with the CLI's response payload. */
  request(
    subtype: string,
    fields: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    const requestId = `ccs_${randomUUID()}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ProtocolError(`no answer to the control request within ${timeoutMs} ms`, subtype));
      }, timeoutMs);
      timer.unref();
      this.pending.set(requestId, { subtype, resolve, reject, timer });
      try {
        this.write({ type: 'control_request', request_id: requestId, request: { subtype, ...fields } });
      } catch (error) {
        this.settle(requestId);
        reject(error as Error);
      }
    });
  }

  /** Routes a `control_response` line to the request waiting for it; unknown ids are ignored. */
  handleResponse(message: CliControlResponse): void {
    const { request_id: requestId, subtype, error } = message.response;
    const pending = this.settle(requestId);
    if (!pending) return;
    if (subtype === 'error') {
      pending.reject(new ProtocolError(`the CLI refused the ${pending.subtype} request`, String(error)));
      return;
    }
    const payload = message.response.response;
    pending.resolve(
      typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {},
    );
  }

  /** Fails every request still waiting (the process exited). */
  failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
  }

  private settle(requestId: string): PendingRequest | undefined {
    const pending = this.pending.get(requestId);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(requestId);
    return pending;
  }
}
