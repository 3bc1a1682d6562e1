import type { CliControlRequest } from '../stream-json.js';
import type { WriteMessage } from './control.js';
import { PermissionTimeoutError } from './errors.js';

/** What a permission callback learns besides the tool name and input. */
export interface PermissionContext {
  /** The id of the tool_use block the model sent. */
  toolUseId: string;
  /** Aborted when the request is abandoned: the turn was interrupted, timed out, or the answer is too late. */
  signal: AbortSignal;
  /** Permission updates the CLI suggests (e.g. switch to acceptEdits), as the CLI sent them. */
  suggestions: unknown[];
}

/** Let the tool run, optionally with changed input. */
export interface PermissionAllow {
  behavior: 'allow';
  updatedInput?: Record<string, unknown>;
}

/** Refuse the tool; the model sees `message`. `interrupt: true` also ends the turn. */
export interface PermissionDeny {
  behavior: 'deny';
  message: string;
  interrupt?: boolean;
}

export type PermissionDecision = PermissionAllow | PermissionDeny;

/** Decides whether a tool may run; may take as long as a human needs (up to `permissionTimeoutMs`). */
export type CanUseTool = (
  toolName: string,
  input: Record<string, unknown>,
  context: PermissionContext,
) => PermissionDecision | Promise<PermissionDecision>;

/** How long an unanswered permission request waits before it is denied. */
export const DEFAULT_PERMISSION_TIMEOUT_MS = 5 * 60_000;

const NO_CALLBACK_MESSAGE = 'Permission to use this tool was not granted (no canUseTool callback is set).';

/** The deny message a failing callback turns into. */
function failureMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `Permission check failed: ${text}`;
}

function toWireDecision(decision: unknown, originalInput: Record<string, unknown>): Record<string, unknown> {
  const value = decision as
    | { behavior?: unknown; updatedInput?: unknown; message?: unknown; interrupt?: unknown }
    | undefined;
  if (value?.behavior === 'allow') {
    const updated = value.updatedInput;
    const valid = typeof updated === 'object' && updated !== null && !Array.isArray(updated);
    return { behavior: 'allow', updatedInput: valid ? updated : originalInput };
  }
  if (value?.behavior === 'deny') {
    const message = typeof value.message === 'string' && value.message ? value.message : 'Denied.';
    return value.interrupt ? { behavior: 'deny', message, interrupt: true } : { behavior: 'deny', message };
  }
  return {
    behavior: 'deny',
    message: failureMessage(new Error('canUseTool returned neither allow nor deny')),
  };
}

interface OpenRequest {
  controller: AbortController;
  timer: NodeJS.Timeout;
}

/**
 * Answers the CLI's `can_use_tool` requests (sent because the process runs with
 * `--permission-prompt-tool stdio`) by calling the turn's callback. Every request gets exactly one
 * answer: the callback's, a deny when it throws, or a deny after `timeoutMs`. A request the CLI cancels
 * gets none.
 */
export class PermissionBroker {
  private readonly open = new Map<string, OpenRequest>();

  constructor(private readonly write: WriteMessage) {}

  /** Starts answering one `can_use_tool` request. */
  handle(message: CliControlRequest, canUseTool: CanUseTool | undefined, timeoutMs: number): void {
    const requestId = message.request_id;
    const request = message.request;
    const toolName = String(request.tool_name ?? '');
    const input = (request.input ?? {}) as Record<string, unknown>;
    if (!canUseTool) {
      this.answer(requestId, { behavior: 'deny', message: NO_CALLBACK_MESSAGE });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const error = new PermissionTimeoutError(toolName, timeoutMs);
      if (this.close(requestId, error)) this.answer(requestId, { behavior: 'deny', message: error.message });
    }, timeoutMs);
    timer.unref();
    this.open.set(requestId, { controller, timer });

    const context: PermissionContext = {
      toolUseId: String(request.tool_use_id ?? ''),
      signal: controller.signal,
      suggestions: Array.isArray(request.permission_suggestions) ? request.permission_suggestions : [],
    };
    Promise.resolve()
      .then(() => canUseTool(toolName, input, context))
      .then(
        (decision) => toWireDecision(decision, input),
        (error: unknown) => ({ behavior: 'deny', message: failureMessage(error) }),
      )
      .then((wire) => {
        if (this.close(requestId)) this.answer(requestId, wire);
      });
  }

  /** The CLI no longer wants an answer (control_cancel_request): abort the callback's signal. */
  cancel(requestId: string, reason: Error): void {
    this.close(requestId, reason);
  }

  /** Abandons every open request (the process exited or the session closed). */
  cancelAll(reason: Error): void {
    for (const id of [...this.open.keys()]) this.close(id, reason);
  }

  /** Removes an open request; true when it was still open (so it still needs its one answer). */
  private close(requestId: string, abortReason?: Error): boolean {
    const open = this.open.get(requestId);
    if (!open) return false;
    this.open.delete(requestId);
    clearTimeout(open.timer);
    if (abortReason) open.controller.abort(abortReason);
    return true;
  }

  private answer(requestId: string, response: Record<string, unknown>): void {
    try {
      this.write({
        type: 'control_response',
        response: { subtype: 'success', request_id: requestId, response },
      });
    } catch {
      // The process is gone; its turn already fails with the exit error.
    }
  }
}
