import type { ClaudeAgent } from '@claude-code-server/agent';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';
import type { ApprovalBroker } from '../approvals/approval-broker.js';
import type { TurnService } from '../chat/turn-service.js';
import type { HealthCheck } from '../health/health-check.js';
import type { TaskRunner } from '../tasks/task-runner.js';

/** What the route handlers share. */
export interface RouteContext {
  agent: ClaudeAgent;
  store: SessionStore;
  turns: TurnService;
  tasks: TaskRunner;
  approvals: ApprovalBroker;
  health: HealthCheck;
  logger: Logger;
  sseHeartbeatMs: number;
  /** Bytes a stream may hold unsent before it is closed (limits.sse_buffer_limit). */
  sseBufferLimit: number;
  /** True once shutdown began: new requests get 503. */
  isDraining(): boolean;
}
