import { ClaudeAgent } from '@claude-code-server/agent';
import type { Hooks, ToolServer } from '@claude-code-server/core';
import { snakeCase } from '@claude-code-server/core/internal';
import type { JobQueue } from '@claude-code-server/jobs';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ApprovalHandOff } from '../approvals/approval-hand-off.js';
import { InvalidServerOptionsError } from '../errors/server-error.js';
import type { SharedRateLimits } from '../limits/rate-limiter.js';
import { agentSectionSchema, checkConfig, serverConfigShape } from './config-schema.js';
import { mappingOr, typeError } from './zod-helpers.js';
import { type IssueProblem, issueProblems, problemLine, safeParsePlain } from './zod-issues.js';

const STORE_METHODS = [
  'getSession',
  'createSession',
  'updateSession',
  'listSessions',
  'appendMessage',
] as const;

function isSessionStore(value: unknown): value is SessionStore {
  if (typeof value !== 'object' || value === null) return false;
  return STORE_METHODS.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const logger = value as Record<string, unknown>;
  return ['info', 'warn', 'error', 'child'].every((name) => typeof logger[name] === 'function');
}

function isApprovalHandOff(value: unknown): value is ApprovalHandOff {
  if (typeof value !== 'object' || value === null) return false;
  return ['open', 'close', 'get', 'list', 'deliver'].every(
    (name) => typeof (value as Record<string, unknown>)[name] === 'function',
  );
}

function isJobQueue(value: unknown): value is JobQueue {
  if (typeof value !== 'object' || value === null) return false;
  return ['enqueue', 'work', 'cancel', 'get', 'close'].every(
    (name) => typeof (value as Record<string, unknown>)[name] === 'function',
  );
}

function isSharedRateLimits(value: unknown): value is SharedRateLimits {
  if (typeof value !== 'object' || value === null) return false;
  const shared = value as Record<string, unknown>;
  return (
    (shared.type === 'redis' && typeof shared.client === 'object' && shared.client !== null) ||
    (shared.type === 'postgres' && typeof shared.pool === 'object' && shared.pool !== null)
  );
}

const agentInstanceSchema = z.instanceof(ClaudeAgent, { error: 'must be a ClaudeAgent or agent options' });

/**
 * Everything `createServer` takes: the config-file keys plus what only code can give (the store, an
 * agent instance, a pino logger).
 */
export const serverOptionsSchema = z
  .strictObject({
    ...serverConfigShape,
    store: z.custom<SessionStore>(isSessionStore, 'must be a SessionStore (e.g. from a store package)'),
    agent: mappingOr(agentSectionSchema, agentInstanceSchema).default(() => agentSectionSchema.parse({})),
    logger: z.custom<Logger>(isLogger, 'must be a pino logger').optional(),
    /** Where pending permission requests wait and answers are handed over (default: this process). */
    approvals: z.custom<ApprovalHandOff>(isApprovalHandOff, 'must be an ApprovalHandOff').optional(),
    /**
     * A job queue the nodes share (BullMQ, pg-boss from the jobs packages): async tasks run on whichever
     * node works it, and wait there across restarts. The server works it and closes it at shutdown.
     * Default: an in-process queue (tasks run where they were taken).
     */
    taskQueue: z.custom<JobQueue>(isJobQueue, 'must be a JobQueue (e.g. from a jobs package)').optional(),
    /**
     * Where the per-key rate limits are counted across nodes: `{ type: 'redis', client }` (ioredis) or
     * `{ type: 'postgres', pool }` (pg). Default: in this process's memory.
     */
    rateLimits: z
      .custom<SharedRateLimits>(
        isSharedRateLimits,
        "must be { type: 'redis', client } or { type: 'postgres', pool }",
      )
      .optional(),
    /** In-process tool servers (core's createToolServer) every session gets, beside the plugins'. */
    toolServers: z
      .array(z.custom<ToolServer>(), { error: typeError('must be an array of tool servers') })
      .optional(),
    /** Hook callbacks (core's Hooks) every session gets, beside the plugins'. */
    hooks: z.custom<Hooks>().optional(),
  })
  .superRefine(checkConfig)
  .superRefine((options, ctx) => {
    const queue = options.tasks.queue;
    if (options.taskQueue === undefined && (queue === 'bullmq' || queue === 'pg-boss')) {
      ctx.addIssue({
        code: 'custom',
        path: ['tasks', 'queue'],
        message: `${queue} needs a taskQueue (e.g. from @claude-code-server/jobs-${queue === 'bullmq' ? 'bullmq' : 'pgboss'})`,
      });
    }
    if (options.taskQueue !== undefined && queue === 'in-process') {
      ctx.addIssue({
        code: 'custom',
        path: ['tasks', 'queue'],
        message: 'in-process does not go with a taskQueue: leave one of them out',
      });
    }
    if (options.tasks.concurrency === 0 && options.taskQueue === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tasks', 'concurrency'],
        message:
          '0 needs a taskQueue other nodes work (BullMQ, pg-boss): with the in-process queue no task would run',
      });
    }
  });

export type ServerOptions = z.input<typeof serverOptionsSchema>;
export type ParsedServerOptions = z.output<typeof serverOptionsSchema>;

/** The agent options that `limits` sizes for an agent the server builds. */
const ADMISSION_OPTIONS = ['maxConcurrentTurns', 'maxQueue', 'maxQueuePerSession'] as const;

/** A ClaudeAgent passed in admits its own turns: the limits that would size it are refused, not ignored. */
function admissionKeysBesideAnInstance(input: unknown): IssueProblem[] {
  if (typeof input !== 'object' || input === null) return [];
  const { agent, limits } = input as { agent?: unknown; limits?: unknown };
  if (!(agent instanceof ClaudeAgent) || typeof limits !== 'object' || limits === null) return [];
  return ADMISSION_OPTIONS.filter(
    (option) => (limits as Record<string, unknown>)[snakeCase(option)] !== undefined,
  ).map((option) => ({
    path: `limits.${snakeCase(option)}`,
    problem: `does not apply to an agent instance: set ${option} on the ClaudeAgent you pass`,
  }));
}

/** Validates `createServer` options; throws InvalidServerOptionsError naming every bad key. */
export function parseServerOptions(input: unknown): ParsedServerOptions {
  const parsed = safeParsePlain(serverOptionsSchema, input);
  const problems = parsed.success ? [] : issueProblems(parsed.error.issues);
  problems.push(...admissionKeysBesideAnInstance(input));
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new InvalidServerOptionsError(problems.map(problemLine), problems[0]?.path ?? '');
}
