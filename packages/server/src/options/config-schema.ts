import { permissionModes } from '@claude-code-server/core';
import { z } from 'zod';
import { sha256 } from '../auth/digest.js';
import { claudeSectionSchema } from './claude-section.js';
import { attachmentsConfigSchema, permissionsSchema, websocketSchema } from './interaction-sections.js';
import {
  byteCount,
  byteSize,
  mappingOr,
  nonEmptyString,
  nonNegativeInt,
  oneOf,
  patterned,
  positiveInt,
  stringList,
  timerMs,
  typeError,
} from './zod-helpers.js';

/** Names of projects, API keys and tenants: safe in ids, URLs and logs. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const PROJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_PROBLEM = 'must start with a letter or digit and use only A-Z a-z 0-9 _ -';
/** The longest name of a project, API key or tenant. */
export const NAME_MAX_LENGTH = 64;

const permissionMode = oneOf(permissionModes);

export const projectSchema = z.strictObject({
  path: nonEmptyString,
  description: z.string().optional(),
});

export const rateLimitSchema = z.strictObject({
  requests_per_minute: z.number().positive('must be greater than 0'),
  /** Requests allowed at once after a quiet spell (default: one minute's worth). */
  burst: positiveInt.optional(),
});

const sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be the SHA-256 of the key as 64 hex characters')
  .transform((hex) => hex.toLowerCase());

export const apiKeySchema = z
  .strictObject({
    name: patterned(NAME_PATTERN, NAME_PROBLEM, NAME_MAX_LENGTH),
    /** Sessions and tasks are kept per tenant; keys sharing one (e.g. during rotation) share them. */
    tenant: patterned(NAME_PATTERN, NAME_PROBLEM, NAME_MAX_LENGTH).optional(),
    key: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(512, 'must be at most 512 characters')
      .optional(),
    sha256: sha256Hex.optional(),
    /** User ids this key may act for: exact ids or patterns with `*` (default any). */
    users: z.array(nonEmptyString).min(1, 'must name at least one user or pattern').default(['*']),
    max_permission_mode: permissionMode.optional(),
    /** Tools a request with this key may pre-approve (default `claude.allowed_tools`). */
    tools: stringList.optional(),
    /** Project names this key may use (default all). */
    projects: z.array(nonEmptyString).optional(),
    rate_limit: rateLimitSchema.optional(),
    /** Turns of this key running at once, counted across every node that shares the store. */
    max_concurrent_turns: positiveInt.max(1_000).optional(),
    allow_bypass: z.boolean().default(false),
  })
  .superRefine((key, ctx) => {
    if ((key.key === undefined) === (key.sha256 === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'give exactly one of key or sha256' });
    }
    if (key.max_permission_mode === 'bypassPermissions' && !key.allow_bypass) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_permission_mode'],
        message: 'bypassPermissions needs allow_bypass: true on this key',
      });
    }
  });

const noAuthSchema = z.literal('none', { error: typeError('must be none or { keys: [...] }') });
const keysAuthSchema = z.strictObject({
  keys: z
    .array(apiKeySchema, { error: typeError('must be a list of keys') })
    .min(1, 'must hold at least one key (or write auth: none)'),
});

/** `none`, or `{ keys }`: a mapping is checked as the keys form, so an error names the key inside it. */
export const authSchema = mappingOr(keysAuthSchema, noAuthSchema);

export const limitsSchema = z
  .strictObject({
    /** Turns running at once across the server (default: agent.max_live; never above it). */
    max_concurrent_turns: positiveInt.optional(),
    /** Messages that may wait while every turn slot is busy; beyond it, 429 SERVER_BUSY. */
    max_queue: nonNegativeInt.default(32),
    /** Messages that may wait behind one session's running turn; beyond it, 429 AGENT_BUSY. */
    max_queue_per_session: positiveInt.default(50),
    body_limit: byteSize.default('1mb'),
    default_timeout_ms: timerMs().default(300_000),
    max_timeout_ms: timerMs().default(1_800_000),
    /** The rate limit of keys that set none (and of every request with auth: none). */
    rate_limit: rateLimitSchema.optional(),
    /** An SSE comment is sent after this long without an event. */
    sse_heartbeat_ms: timerMs().default(15_000),
    /** A stream whose client leaves more than this unread is closed (its turn is interrupted). */
    sse_buffer_limit: byteCount.prefault('4mb'),
  })
  .refine((limits) => limits.default_timeout_ms <= limits.max_timeout_ms, {
    path: ['default_timeout_ms'],
    message: 'must not be above max_timeout_ms',
  });

/** An http(s) URL without query or fragment. */
const httpUrl = nonEmptyString.superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(text)} is not a URL (e.g. http://10.0.0.5:8000)`,
    });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `must be an http:// or https:// URL, got ${url.protocol}` });
  } else if (url.search !== '' || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: 'must have no query or fragment' });
  }
});

/** Several nodes behind one load balancer, on one shared store. */
export const clusterSchema = z.strictObject({
  /**
   * This node's own URL as the other nodes reach it (not the load balancer's). With it, a message for
   * a session whose last turn ran on another node is forwarded to that node's warm process.
   */
  advertise_url: httpUrl.optional(),
  /** How long a node tries to reach a session's node before it answers the message itself. */
  forward_connect_timeout_ms: timerMs(1).default(1_000),
});

export const TASK_QUEUES = ['auto', 'in-process', 'bullmq', 'pg-boss'] as const;

export const tasksSchema = z.strictObject({
  /** A finished task is kept this long, then deleted. */
  retention_ms: positiveInt.default(86_400_000),
  /** How often a running task's record shows it is alive; three missed beats mean its server died. */
  heartbeat_ms: timerMs(100).default(10_000),
  /** How many async tasks this node runs at once; 0: it only takes them, other nodes of a shared queue run them. */
  concurrency: z.number().int().min(0).max(1000).default(16),
  /**
   * Which job queue tasks go through: `in-process`, `bullmq` or `pg-boss`; `auto` (default) takes the
   * store's (apps/server builds it). createServer uses its `taskQueue` option, or the in-process queue.
   */
  queue: z
    .enum(TASK_QUEUES, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a queue: must be one of ${TASK_QUEUES.join(', ')}`,
    })
    .default('auto'),
});

export const corsSchema = z.strictObject({
  /** Origins allowed to call the API from a browser (`*` for any); empty: CORS off. */
  origins: z.array(nonEmptyString).default([]),
});

export const logSchema = z.strictObject({
  level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Log prompts and answers (never API keys). Off by default. */
  include_content: z.boolean().default(false),
});

/** GET /metrics: off unless enabled, and then behind its own token unless explicitly public. */
export const metricsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The token a scraper sends as `Authorization: Bearer <token>` (never an API key). */
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(512, 'must be at most 512 characters')
      .optional(),
    /** The SHA-256 hex digest of the token, instead of the token itself. */
    token_sha256: sha256Hex.optional(),
    /** Serve /metrics without a token (only behind a network you trust). */
    public: z.boolean().default(false),
  })
  .superRefine((metrics, ctx) => {
    const tokens = Number(metrics.token !== undefined) + Number(metrics.token_sha256 !== undefined);
    if (tokens > 1) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'give at most one of token or token_sha256' });
    } else if (tokens === 1 && metrics.public) {
      ctx.addIssue({ code: 'custom', path: ['public'], message: 'cannot be combined with a token' });
    } else if (tokens === 0 && metrics.enabled && !metrics.public) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message:
          'is required when metrics are enabled (or set metrics.public: true to serve them without one)',
      });
    }
  });

/** The OpenAI-compatible endpoints (/v1/chat/completions, /v1/models). */
export const openaiSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The user of requests that name none (neither the `user` field nor X-User-Id). */
  default_user: nonEmptyString.default('openai'),
});

/** A key that moved: absent is fine, any value is an error that names where it lives now. */
function movedTo(key: string) {
  return z.never({ error: `has moved: set ${key} instead` }).optional();
}

/** How the server builds its ClaudeAgent (ignored when an agent instance is passed). */
export const agentSectionSchema = z.strictObject({
  /** Most CLI processes alive at once. */
  max_live: positiveInt.default(4),
  /** Most resident memory of the live CLI processes and their helpers (bytes, or `8gb`); default none. */
  max_memory: byteCount.optional(),
  /** Processes started ahead of time for new conversations. */
  spares: nonNegativeInt.default(0),
  idle_timeout_ms: timerMs().optional(),
  max_queue: movedTo('limits.max_queue'),
  max_queue_per_session: movedTo('limits.max_queue_per_session'),
  lease_ttl_ms: positiveInt.optional(),
  lease_wait_ms: timerMs(0).optional(),
  owner_id: nonEmptyString.optional(),
  formatter: oneOf(['plain', 'with-sender']).optional(),
  allowed_models: stringList.optional(),
});

const projectsSchema = z
  .record(
    patterned(
      PROJECT_NAME_PATTERN,
      'must start with a letter or digit and use only A-Z a-z 0-9 . _ -',
      NAME_MAX_LENGTH,
    ),
    projectSchema,
  )
  .refine((projects) => Object.keys(projects).length > 0, 'must name at least one project');

/** The keys of the server's options that can come from a config file (snake_case). */
export const serverConfigShape = {
  claude: claudeSectionSchema.default(() => claudeSectionSchema.parse({})),
  projects: projectsSchema,
  /** The project of requests that name none (default: the first one). */
  default_project: nonEmptyString.optional(),
  auth: authSchema.default('none'),
  limits: limitsSchema.default(() => limitsSchema.parse({})),
  tasks: tasksSchema.default(() => tasksSchema.parse({})),
  cors: corsSchema.default(() => corsSchema.parse({})),
  log: logSchema.default(() => logSchema.parse({})),
  metrics: metricsSchema.default(() => metricsSchema.parse({})),
  openai: openaiSchema.default(() => openaiSchema.parse({})),
  agent: agentSectionSchema.default(() => agentSectionSchema.parse({})),
  permissions: permissionsSchema.default(() => permissionsSchema.parse({})),
  attachments: attachmentsConfigSchema.default(() => attachmentsConfigSchema.parse({})),
  websocket: websocketSchema.default(() => websocketSchema.parse({})),
  cluster: clusterSchema.default(() => clusterSchema.parse({})),
  /** Modules of the operator's in-process tools and hooks (`export toolServers` / `hooks`), loaded at start. */
  plugins: z.array(nonEmptyString, { error: typeError('must be a list of module paths') }).default([]),
};

type ConfigLike = Pick<
  z.output<z.ZodObject<typeof serverConfigShape>>,
  'projects' | 'default_project' | 'auth'
>;

/** Checks between keys: projects named by other keys exist, key names and secrets are unique. */
function checkConfigReferences(config: ConfigLike, ctx: z.RefinementCtx): void {
  const names = Object.keys(config.projects);
  const known = `configured: ${names.join(', ')}`;
  if (config.default_project !== undefined && !names.includes(config.default_project)) {
    ctx.addIssue({
      code: 'custom',
      path: ['default_project'],
      message: `unknown project ${JSON.stringify(config.default_project)} (${known})`,
    });
  }
  if (config.auth === 'none') return;
  const seen = new Map<string, number>();
  const secrets = new Map<string, number>();
  config.auth.keys.forEach((key, index) => {
    const digest = key.sha256 ?? (key.key === undefined ? undefined : sha256(key.key));
    const same = digest === undefined ? undefined : secrets.get(digest);
    if (same !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'keys', index, key.sha256 ? 'sha256' : 'key'],
        message: `is the same key as auth.keys[${same}]`,
      });
    }
    if (digest !== undefined) secrets.set(digest, index);
    const first = seen.get(key.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'keys', index, 'name'],
        message: `duplicate of auth.keys[${first}].name`,
      });
    }
    seen.set(key.name, index);
    key.projects?.forEach((project, j) => {
      if (project !== '*' && !names.includes(project)) {
        ctx.addIssue({
          code: 'custom',
          path: ['auth', 'keys', index, 'projects', j],
          message: `unknown project ${JSON.stringify(project)} (${known})`,
        });
      }
    });
  });
}

/** Everything of the server's options that can come from a config file (snake_case keys). */
/** Each running turn holds a CLI process, so the agent must be allowed as many as the turn slots. */
function checkTurnSlots(
  config: { limits: LimitsConfig; agent: AgentSectionConfig | object },
  ctx: z.RefinementCtx,
): void {
  const slots = config.limits.max_concurrent_turns;
  const maxLive = 'max_live' in config.agent ? config.agent.max_live : undefined;
  if (slots === undefined || maxLive === undefined || slots <= maxLive) return;
  ctx.addIssue({
    code: 'custom',
    path: ['limits', 'max_concurrent_turns'],
    message: `must not be above agent.max_live (${maxLive}): each running turn holds a CLI process`,
  });
}

/** The checks between keys of a config (and of createServer's options, which add an agent instance). */
export function checkConfig(
  config: ConfigLike & { limits: LimitsConfig; agent: AgentSectionConfig | object },
  ctx: z.RefinementCtx,
): void {
  checkConfigReferences(config, ctx);
  checkTurnSlots(config, ctx);
}

export const serverConfigSchema = z.strictObject(serverConfigShape).superRefine(checkConfig);

/** The config as written (defaults optional). */
export type ServerConfig = z.input<typeof serverConfigSchema>;
/** The config with defaults filled in. */
export type ParsedServerConfig = z.output<typeof serverConfigSchema>;
export type ApiKeyConfig = z.output<typeof apiKeySchema>;
export type RateLimitConfig = z.output<typeof rateLimitSchema>;
export type LimitsConfig = z.output<typeof limitsSchema>;
export type AgentSectionConfig = z.output<typeof agentSectionSchema>;
export type MetricsConfig = z.output<typeof metricsSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type OpenAiConfig = z.output<typeof openaiSchema>;
export type {
  AttachmentsConfig,
  PermissionsConfig,
  WebSocketConfig,
} from './interaction-sections.js';
