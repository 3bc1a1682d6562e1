import {
  type AgentEvent,
  type AgentOverrides,
  type AgentResponse,
  type ClaudeAgent,
  sessionIdFor,
} from '@claude-code-server/agent';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';
import type { ChatRequestBody } from '../api/request-schemas.js';
import type { ApprovalBroker, ApprovalEvent } from '../approvals/approval-broker.js';
import type { Principal } from '../auth/principal.js';
import { badRequest, forbidden, HttpError } from '../errors/http-error.js';
import { toHttpError } from '../errors/map-error.js';
import type { TurnSlot, TurnSlots } from '../limits/turn-slots.js';
import type { AttachmentsConfig } from '../options/config-schema.js';
import {
  checkProjectAccess,
  checkUserAccess,
  resolveTurnOverrides,
  type TurnDefaults,
} from '../policy/turn-policy.js';
import { storedSessionId, storedUserId } from '../tenancy.js';
import type { RunningTurns } from '../turns/running-turns.js';
import { checkAttachments } from './attachment-limits.js';
import type { TurnObserver } from './turn-observer.js';

/** What a running turn tells its listener: the agent's events and its permission requests. */
export type TurnEvent = AgentEvent | ApprovalEvent;

/** A checked chat request, ready to run: the client's ids and the stored ones. */
export interface PreparedTurn {
  /** The request that asked for the turn (its X-Request-Id), for the turn's log lines. */
  requestId: string | undefined;
  message: string;
  tenant: string;
  keyName: string | null;
  userId: string;
  sessionId: string;
  storedUserId: string;
  storedSessionId: string;
  project: string;
  overrides: AgentOverrides;
  timeoutMs: number;
  /** Stored with the turn's user message (e.g. what an OpenAI-style request's message stands for). */
  meta?: Record<string, unknown>;
  /** Content blocks (images, files) sent after the message. */
  attachments?: Array<Record<string, unknown>>;
  /** The tools of the request's key: the ceiling of what a permission request may be about. */
  keyTools: readonly string[];
  /** Whether a tool that needs permission waits for an answer (else it is denied at once). */
  waitForApproval: boolean;
  /** The project's directory, the turn's working directory. */
  workDir: string;
  /** The key's `max_concurrent_turns`, held across nodes (undefined: none). */
  maxConcurrentTurns: number | undefined;
  /** The key's turn slot once `admit` took it (never stored with a task). */
  slot?: TurnSlot;
}

export interface TurnServiceDeps {
  agent: ClaudeAgent;
  store: SessionStore;
  running: RunningTurns;
  logger: Logger;
  /** Project names in config order. */
  projects: readonly string[];
  /** Project name -> its directory. */
  projectDirs: Readonly<Record<string, string>>;
  defaultProject: string;
  defaults: TurnDefaults;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  includeContent: boolean;
  /** Told about every turn (metrics). */
  observer?: TurnObserver;
  approvals: ApprovalBroker;
  attachments: AttachmentsConfig;
  /** Where the keys' `max_concurrent_turns` are counted. */
  slots: TurnSlots;
}

/** The reason a shutdown aborts running turns with; such a turn answers 503. */
export class ShutdownAbort extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'ShutdownAbort';
  }
}

/** Checks chat requests against the key's limits and runs them on the agent within the server's limits. */
export class TurnService {
  constructor(private readonly deps: TurnServiceDeps) {}

  /**
   * Validates a chat request for this principal: user, project, config, attachments and timeout
   * (400/403). `waitByDefault`: whether its tools wait for approval unless it says otherwise.
   */
  async prepare(
    principal: Principal,
    body: ChatRequestBody,
    requestId?: string,
    waitByDefault = false,
  ): Promise<PreparedTurn> {
    checkUserAccess(principal, body.user_id);
    const sessionId = body.session_id ?? sessionIdFor(body.user_id);
    const stored = storedSessionId(principal.tenant, sessionId);
    const userId = storedUserId(principal.tenant, body.user_id);
    const project = await this.projectFor(principal, body.project, stored, userId);
    const overrides = resolveTurnOverrides(principal, this.deps.defaults, body.config);
    const attachments = checkAttachments(body.attachments, this.deps.attachments);
    return {
      requestId,
      message: body.message,
      tenant: principal.tenant,
      keyName: principal.keyName,
      userId: body.user_id,
      sessionId,
      storedUserId: userId,
      storedSessionId: stored,
      project,
      overrides,
      timeoutMs: this.timeoutOf(body.timeout),
      ...(attachments
        ? { attachments: attachments.blocks, meta: { attachments: attachments.described } }
        : {}),
      keyTools: principal.tools,
      waitForApproval: body.wait_for_approval ?? waitByDefault,
      workDir: this.deps.projectDirs[project] as string,
      maxConcurrentTurns: principal.maxConcurrentTurns,
    };
  }

  /**
   * Throws the 429 (or 503) the turn would get if it were queued now, so a stream or a task is
   * refused with a plain JSON error before it is opened or stored. Nothing is queued.
   */
  checkAdmission(turn: PreparedTurn): void {
    const refusal = this.deps.agent.refusal(turn.storedSessionId);
    if (refusal) throw toHttpError(refusal);
  }

  /**
   * `checkAdmission`, then takes one of the key's turn slots for `run` (which gives it back), waiting
   * up to `waitMs` for one: 429 CONCURRENCY_LIMITED when the key's turns fill every slot on the nodes.
   */
  async admit(turn: PreparedTurn, waitMs = 0, signal?: AbortSignal): Promise<void> {
    this.checkAdmission(turn);
    await this.takeSlot(turn, waitMs, signal);
  }

  private async takeSlot(turn: PreparedTurn, waitMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (turn.slot || turn.maxConcurrentTurns === undefined || turn.keyName === null) return;
    turn.slot = await this.deps.slots.take(turn.keyName, turn.maxConcurrentTurns, waitMs, signal);
  }

  /**
   * Runs the turn once the agent's admission gives it a slot (`onStart` is called then). With
   * `onEvent`, the agent's events and the turn's permission requests are forwarded as they happen.
   * Aborting `signal` drops a waiting turn or interrupts a running one. The key's turn slot (taken
   * here unless `admit` took it) is given back when it ends.
   */
  async run(
    turn: PreparedTurn,
    signal?: AbortSignal,
    onEvent?: (event: TurnEvent) => void,
    onStart?: () => void,
  ): Promise<AgentResponse> {
    await this.takeSlot(turn, 0, signal);
    try {
      return await this.runAdmitted(turn, signal, onEvent, onStart);
    } finally {
      const slot = turn.slot;
      turn.slot = undefined;
      await slot?.release().catch(() => undefined);
    }
  }

  private async runAdmitted(
    turn: PreparedTurn,
    signal: AbortSignal | undefined,
    onEvent: ((event: TurnEvent) => void) | undefined,
    onStart: (() => void) | undefined,
  ): Promise<AgentResponse> {
    const controller = this.deps.running.start(signal);
    const started = Date.now();
    let slotAt: number | undefined;
    const observe = (report: (observer: TurnObserver) => void) => {
      try {
        if (this.deps.observer) report(this.deps.observer);
      } catch {
        // Metrics never disturb a turn.
      }
    };
    let deltaSeen = false;
    const forward =
      onEvent &&
      ((event: TurnEvent) => {
        if (!deltaSeen && event.type === 'text_delta' && slotAt !== undefined) {
          deltaSeen = true;
          const afterMs = Date.now() - slotAt;
          observe((observer) => observer.firstDelta(turn, afterMs));
        }
        onEvent(event);
      });
    const log = this.deps.logger.child({
      request_id: turn.requestId,
      tenant: turn.tenant,
      session_id: turn.sessionId,
      user_id: turn.userId,
    });
    if (this.deps.includeContent) log.info({ message: turn.message }, 'turn message');
    try {
      const response = await this.callAgent(turn, controller.signal, forward, () => {
        slotAt = Date.now();
        const waitedMs = slotAt - started;
        observe((observer) => observer.started(turn, waitedMs));
        this.deps.running.started(controller);
        onStart?.();
      });
      const runMs = Date.now() - (slotAt ?? started);
      observe((observer) => observer.finished(turn, response, runMs));
      log.info(
        {
          duration_ms: Date.now() - started,
          success: response.success,
          cost_usd: response.costUsd,
          warm: response.metadata.warm,
          ...(this.deps.includeContent ? { answer: response.content } : {}),
        },
        'turn finished',
      );
      return response;
    } catch (error) {
      const reason = controller.signal.reason;
      const failure =
        controller.signal.aborted && reason instanceof ShutdownAbort
          ? new HttpError(503, 'SHUTTING_DOWN', 'the server shut down before the turn finished', {
              cause: error,
            })
          : error;
      log.warn(
        { duration_ms: Date.now() - started, code: (failure as { code?: unknown }).code ?? 'UNKNOWN' },
        'turn failed',
      );
      const runMs = slotAt === undefined ? undefined : Date.now() - slotAt;
      observe((observer) => observer.failed(turn, toHttpError(failure), runMs));
      throw failure;
    } finally {
      this.deps.running.finish(controller);
    }
  }

  private async callAgent(
    turn: PreparedTurn,
    signal: AbortSignal,
    onEvent: ((event: TurnEvent) => void) | undefined,
    onStart: () => void,
  ): Promise<AgentResponse> {
    const canUseTool = this.deps.approvals.canUseToolFor(turn, onEvent);
    const options = {
      canUseTool,
      ...(turn.attachments ? { attachments: turn.attachments } : {}),
      onStart,
      userId: turn.storedUserId,
      sessionId: turn.storedSessionId,
      project: turn.project,
      overrides: turn.overrides,
      timeoutMs: turn.timeoutMs,
      signal,
      ...(turn.meta ? { meta: turn.meta } : {}),
    };
    if (!onEvent) return this.deps.agent.chat(turn.message, options);
    let response: AgentResponse | undefined;
    for await (const event of this.deps.agent.stream(turn.message, options)) {
      if (event.type === 'done') response = event.response;
      else onEvent(event);
    }
    if (!response) throw new HttpError(502, 'PROTOCOL_ERROR', 'the turn ended without an answer');
    return response;
  }

  /** This node's directory of a project (a queued task may run on a node other than the one that took it). */
  workDirOf(project: string): string {
    const dir = this.deps.projectDirs[project];
    if (dir === undefined) {
      throw badRequest(
        'project',
        `unknown project ${JSON.stringify(project)} on this server (configured: ${this.deps.projects.join(', ')})`,
        'UNKNOWN_PROJECT',
      );
    }
    return dir;
  }

  /** The request's project, else the session's, else the default this key may use. */
  private async projectFor(
    principal: Principal,
    requested: string | undefined,
    stored: string,
    userId: string,
  ): Promise<string> {
    if (requested !== undefined) {
      if (!this.deps.projects.includes(requested)) {
        throw badRequest(
          'project',
          `unknown project ${JSON.stringify(requested)} (configured: ${this.deps.projects.join(', ')})`,
          'UNKNOWN_PROJECT',
        );
      }
      checkProjectAccess(principal, requested);
      return requested;
    }
    const record = await this.deps.store.getSession(stored);
    if (
      record &&
      record.userId === userId &&
      record.project !== null &&
      this.deps.projects.includes(record.project)
    ) {
      checkProjectAccess(principal, record.project);
      return record.project;
    }
    const candidates = [this.deps.defaultProject, ...this.deps.projects];
    const project = candidates.find((name) => principal.projects === null || principal.projects.has(name));
    if (project === undefined) throw forbidden('project', 'this key may use no configured project');
    return project;
  }

  private timeoutOf(seconds: number | undefined): number {
    if (seconds === undefined) return this.deps.defaultTimeoutMs;
    const ms = Math.ceil(seconds * 1000);
    if (ms > this.deps.maxTimeoutMs) {
      throw badRequest('timeout', `must be at most ${this.deps.maxTimeoutMs / 1000} seconds`);
    }
    return ms;
  }
}
