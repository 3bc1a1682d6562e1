import { randomUUID } from 'node:crypto';
import { pathsOutside } from '@claude-code-server/agent';
import type { CanUseTool, PermissionDecision } from '@claude-code-server/core';
import type {
  PermissionAnswerBody,
  PermissionAnsweredBody,
  PermissionRequestBody,
  PermissionResolvedBody,
} from '../api/permission-schemas.js';
import type { Principal } from '../auth/principal.js';
import { badRequest, forbidden, HttpError } from '../errors/http-error.js';
import { toolsCover } from '../policy/turn-policy.js';
import { storedSessionId } from '../tenancy.js';
import type { ApprovalAnswer, ApprovalHandOff, PendingApproval } from './approval-hand-off.js';

/** What a turn tells its listeners about its permission requests (as SSE and WS events). */
export type ApprovalEvent =
  | { type: 'permission_request'; request: PermissionRequestBody }
  | { type: 'permission_resolved'; resolution: PermissionResolvedBody };

/** The facts of a turn its permission requests need. */
export interface ApprovalTurn {
  tenant: string;
  sessionId: string;
  storedSessionId: string;
  userId: string;
  /** The tools of the key that started the turn: nothing beyond them is ever asked about. */
  keyTools: readonly string[];
  /** false: a tool that needs permission is denied at once (sync /chat by default). */
  waitForApproval: boolean;
  /** The turn's project directory: no approval grants a file tool a path outside it. */
  workDir: string;
}

/** The decision for a path outside the turn's working directory: never granted, nobody asked. */
function deniedOutside(toolName: string, path: string, workDir: string): PermissionDecision {
  return {
    behavior: 'deny',
    message: `${toolName} of ${path} is outside the working directory ${workDir}, and cannot be approved.`,
  };
}

const DEFAULT_DENY_MESSAGE = 'The user denied this tool call.';

const iso = (ms: number) => new Date(ms).toISOString();

/** A pending approval as the API shows it. */
export function permissionRequestBody(pending: PendingApproval): PermissionRequestBody {
  return {
    request_id: pending.requestId,
    session_id: pending.sessionId,
    user_id: pending.userId,
    tool_name: pending.toolName,
    tool_use_id: pending.toolUseId,
    input: pending.input,
    created_at: iso(pending.createdAt),
    expires_at: iso(pending.expiresAt),
  };
}

function notPending(requestId: string, sessionId: string | undefined): HttpError {
  const where = sessionId === undefined ? '' : ` in session ${sessionId}`;
  return new HttpError(
    404,
    'NOT_FOUND',
    `no pending permission request ${requestId}${where} (answered, expired, or not this key's)`,
    { details: { request_id: requestId, ...(sessionId === undefined ? {} : { session_id: sessionId }) } },
  );
}

/**
 * Turns a turn's permission callbacks into requests a person answers over the API: each waits in the
 * hand-off until an answer, the timeout (deny) or the end of the turn (deny). Answers are checked
 * against the answering key: its tenant, its users, and its tools (an allow never grants a tool the
 * key may not have; the permission mode never changes).
 */
export class ApprovalBroker {
  constructor(
    private readonly handOff: ApprovalHandOff,
    private readonly timeoutMs: number,
    /** Directories besides a turn's project that its tools may use (`claude.add_dirs`). */
    private readonly extraDirs: readonly string[] = [],
  ) {}

  /** The permission callback of one turn; `listener` hears of each request and how it ended. */
  canUseToolFor(turn: ApprovalTurn, listener?: (event: ApprovalEvent) => void): CanUseTool {
    const tell = (event: ApprovalEvent) => {
      try {
        listener?.(event);
      } catch {
        // A listener (a closed stream, a task record) never decides a permission.
      }
    };
    return (toolName, input, context) => {
      if (!toolsCover(turn.keyTools, toolName)) {
        return {
          behavior: 'deny',
          message: `${toolName} needs permission, and this API key may not grant it.`,
        };
      }
      const outside = pathsOutside(turn.workDir, input, { toolName, extraDirs: this.extraDirs })[0];
      if (outside) {
        return deniedOutside(toolName, outside.path, turn.workDir);
      }
      if (!turn.waitForApproval) {
        return {
          behavior: 'deny',
          message: `${toolName} needs permission, and this request does not wait for approval.`,
        };
      }
      const now = Date.now();
      const pending: PendingApproval = {
        requestId: `perm_${randomUUID()}`,
        tenant: turn.tenant,
        sessionId: turn.sessionId,
        storedSessionId: turn.storedSessionId,
        userId: turn.userId,
        toolName,
        toolUseId: context.toolUseId,
        input,
        createdAt: now,
        expiresAt: now + this.timeoutMs,
        workDir: turn.workDir,
      };
      return new Promise<PermissionDecision>((resolve) => {
        let settled = false;
        const finish = (
          decision: PermissionDecision,
          decidedBy: PermissionResolvedBody['decided_by'],
        ): boolean => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          context.signal.removeEventListener('abort', onAbort);
          void this.handOff.close(pending.requestId).catch(() => undefined);
          const changed = decision.behavior === 'allow' ? decision.updatedInput : undefined;
          tell({
            type: 'permission_resolved',
            resolution: {
              request_id: pending.requestId,
              session_id: pending.sessionId,
              tool_name: toolName,
              behavior: decision.behavior,
              decided_by: decidedBy,
              message: decision.behavior === 'deny' ? decision.message : null,
              updated_input: changed ?? null,
            },
          });
          resolve(decision);
          return true;
        };
        const timer = setTimeout(() => {
          const seconds = Math.round(this.timeoutMs / 1000);
          finish(
            { behavior: 'deny', message: `Nobody approved ${toolName} within ${seconds} s.` },
            'timeout',
          );
        }, this.timeoutMs);
        timer.unref();
        const onAbort = () =>
          finish({ behavior: 'deny', message: 'The turn ended before an answer came.' }, 'abandoned');
        context.signal.addEventListener('abort', onAbort, { once: true });
        if (context.signal.aborted) return onAbort();
        this.handOff
          .open(pending, (answer: ApprovalAnswer) => {
            // The answering node refuses such an answer (400); checked here too, where the turn runs.
            const outsideAnswer =
              answer.behavior === 'allow'
                ? pathsOutside(turn.workDir, answer.updatedInput, { toolName, extraDirs: this.extraDirs })[0]
                : undefined;
            return finish(
              outsideAnswer
                ? deniedOutside(toolName, outsideAnswer.path, turn.workDir)
                : answer.behavior === 'allow'
                  ? {
                      behavior: 'allow',
                      ...(answer.updatedInput ? { updatedInput: answer.updatedInput } : {}),
                    }
                  : { behavior: 'deny', message: answer.message },
              'answer',
            );
          })
          .then(
            () => {
              if (!settled) tell({ type: 'permission_request', request: permissionRequestBody(pending) });
            },
            (error: unknown) =>
              finish(
                { behavior: 'deny', message: `The permission request could not be opened: ${String(error)}` },
                'abandoned',
              ),
          );
      });
    };
  }

  /** The requests waiting in a session of this key's tenant, for users the key may act for. */
  async pending(principal: Principal, sessionId: string): Promise<PermissionRequestBody[]> {
    const open = await this.handOff.list(storedSessionId(principal.tenant, sessionId));
    return open.filter((pending) => principal.users.allows(pending.userId)).map(permissionRequestBody);
  }

  /**
   * Answers a request: 404 unless it waits (in `sessionId`, when given) in the key's tenant for a user
   * the key may act for; 403 for an allow of a tool beyond the key's tools (the request stays open).
   */
  async answer(
    principal: Principal,
    sessionId: string | undefined,
    requestId: string,
    body: PermissionAnswerBody,
  ): Promise<PermissionAnsweredBody> {
    const pending = await this.handOff.get(requestId);
    if (
      !pending ||
      pending.tenant !== principal.tenant ||
      (sessionId !== undefined && pending.sessionId !== sessionId) ||
      !principal.users.allows(pending.userId)
    ) {
      throw notPending(requestId, sessionId);
    }
    if (body.behavior === 'allow' && !toolsCover(principal.tools, pending.toolName)) {
      throw forbidden(
        'behavior',
        `this key may not approve ${pending.toolName} (it is beyond the key's tools)`,
        {
          tool_name: pending.toolName,
          request_id: requestId,
        },
      );
    }
    const outsideInput =
      body.behavior === 'allow' && pending.workDir !== undefined
        ? pathsOutside(pending.workDir, body.updated_input, {
            toolName: pending.toolName,
            extraDirs: this.extraDirs,
          })[0]
        : undefined;
    if (outsideInput) {
      throw badRequest(
        `updated_input.${outsideInput.field}`,
        `${outsideInput.path} is outside the working directory ${pending.workDir} of this turn`,
      );
    }
    const answer: ApprovalAnswer =
      body.behavior === 'allow'
        ? {
            behavior: 'allow',
            keyName: principal.keyName,
            ...(body.updated_input ? { updatedInput: body.updated_input } : {}),
          }
        : { behavior: 'deny', keyName: principal.keyName, message: body.message ?? DEFAULT_DENY_MESSAGE };
    if (!(await this.handOff.deliver(requestId, answer))) throw notPending(requestId, sessionId);
    return { success: true, request_id: requestId, session_id: pending.sessionId, behavior: body.behavior };
  }
}
