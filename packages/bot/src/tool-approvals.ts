import { randomUUID } from 'node:crypto';
import type { CanUseTool, PermissionDecision } from '@claude-code-server/core';
import {
  type ActionEvent,
  Actions,
  type Author,
  Button,
  Card,
  CardText,
  type Postable,
  type SentMessage,
} from 'chat';

export const APPROVE_ACTION = 'ccs-approve';
export const DENY_ACTION = 'ccs-deny';

/** Who may answer tool approvals, and how long a request waits. */
export interface ApprovalOptions {
  /** Platform user ids (`U123`, or `slack:U123` for one platform) who may answer anyone's request. */
  approvers?: string[];
  /** An unanswered request is denied after this long (default 120000 ms; keep it below the CLI's 5 minutes). */
  timeoutMs?: number;
}

interface PendingApproval {
  asker: Author;
  platform: string;
  card: SentMessage;
  title: string;
  detail: string;
  settle(outcome: Outcome): void;
}

type Outcome =
  | { allowed: true; by: Author }
  | { allowed: false; by?: Author; reason: 'denied' | 'timeout' | 'cancelled' };

export const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000;
const DETAIL_MAX_CHARS = 600;

/** A tool input in a few lines for the card: the command, the path, else the JSON (shortened). */
function describeInput(input: Record<string, unknown>): string {
  const text = typeof input.command === 'string' ? input.command : JSON.stringify(input, null, 1);
  const shown = text.length > DETAIL_MAX_CHARS ? `${text.slice(0, DETAIL_MAX_CHARS)}…` : text;
  return `\`\`\`\n${shown.replaceAll('```', "'''")}\n\`\`\``;
}

function nameOf(author: Author): string {
  return author.fullName || author.userName || author.userId;
}

function outcomeLine(outcome: Outcome): string {
  if (outcome.allowed) return `Approved by ${nameOf(outcome.by)}.`;
  if (outcome.reason === 'timeout') return 'Denied: nobody answered in time.';
  if (outcome.reason === 'cancelled') return 'Cancelled: the answer was stopped.';
  return `Denied by ${outcome.by ? nameOf(outcome.by) : 'someone'}.`;
}

/**
 * Tool-permission requests as cards with Approve and Deny buttons. A click by the user who asked, or
 * by an approver, answers the turn's `canUseTool`; anyone else's click is refused; no answer in time
 * denies. The card is then edited to show the outcome. Requests live in this process: the click must
 * reach the process running the turn.
 */
export class ToolApprovals {
  private readonly pending = new Map<string, PendingApproval>();
  private readonly timeoutMs: number;

  constructor(private readonly options: ApprovalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  }

  /** A `canUseTool` that asks in `target` for `asker`'s turn. */
  callbackFor(target: () => Postable, platform: string, asker: Author): CanUseTool {
    return (toolName, input, context) => this.ask(target(), platform, asker, toolName, input, context.signal);
  }

  private async ask(
    target: Postable,
    platform: string,
    asker: Author,
    toolName: string,
    input: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<PermissionDecision> {
    const id = randomUUID();
    const title = `Allow ${toolName}?`;
    const detail = describeInput(input);
    const card = await target.post(
      Card({
        title,
        children: [
          CardText(`${nameOf(asker)} asked for this. ${detail}`),
          Actions([
            Button({ id: APPROVE_ACTION, label: 'Approve', style: 'primary', value: id }),
            Button({ id: DENY_ACTION, label: 'Deny', style: 'danger', value: id }),
          ]),
        ],
      }),
    );
    const outcome = await new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => settle({ allowed: false, reason: 'timeout' }), this.timeoutMs);
      const onAbort = () => settle({ allowed: false, reason: 'cancelled' });
      const settle = (result: Outcome) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      this.pending.set(id, { asker, platform, card, title, detail, settle });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    await card.edit(Card({ title, children: [CardText(`${detail}\n${outcomeLine(outcome)}`)] })).catch(() => {
      // The decision stands even if the platform refuses the edit.
    });
    if (outcome.allowed) return { behavior: 'allow' };
    const why = outcome.reason === 'timeout' ? 'nobody approved it in time' : 'the user denied it';
    return { behavior: 'deny', message: `Not allowed: ${why}.` };
  }

  private mayAnswer(request: PendingApproval, platform: string, user: Author): boolean {
    if (user.userId === request.asker.userId) return true;
    return (this.options.approvers ?? []).some(
      (entry) => entry === user.userId || entry === `${platform}:${user.userId}`,
    );
  }

  /** Handles a click on Approve or Deny; returns true when it answered a request. */
  async handleClick(event: ActionEvent): Promise<boolean> {
    const request = event.value ? this.pending.get(event.value) : undefined;
    const platform = event.adapter.name;
    const reply = (text: string) => event.thread?.post(text);
    if (!request) {
      await reply(
        `${event.thread?.mentionUser(event.user.userId) ?? ''} that request is no longer waiting for an answer.`,
      );
      return false;
    }
    if (request.platform !== platform || !this.mayAnswer(request, platform, event.user)) {
      const mention = event.thread?.mentionUser(event.user.userId) ?? nameOf(event.user);
      await reply(`${mention} only ${nameOf(request.asker)} or an approver can answer this request.`);
      return false;
    }
    request.settle(
      event.actionId === APPROVE_ACTION
        ? { allowed: true, by: event.user }
        : { allowed: false, by: event.user, reason: 'denied' },
    );
    return true;
  }

  /** Requests waiting for a click. */
  get waiting(): number {
    return this.pending.size;
  }
}
