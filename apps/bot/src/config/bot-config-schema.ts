import { claudeSectionSchema } from '@claude-code-server/server/internal';
import { z } from 'zod';
import { PLATFORMS } from '../platforms/platform-table.js';
import { DEFAULT_SQLITE_PATH, storeConfigSchema } from './server-app.js';

export const DEFAULT_BOT_PORT = 8100;
export const DEFAULT_BASE_PATH = '/webhooks';
export const DEFAULT_PROJECT = { name: 'default', path: './data/projects/default' } as const;

const id = z.string().min(1, 'must not be empty');
const ids = z.array(id);
const ms = (max = 2_147_483_647) => z.number().int().positive().max(max);

const listenSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(DEFAULT_BOT_PORT),
  base_path: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /webhooks')
    .default(DEFAULT_BASE_PATH),
  shutdown_deadline_ms: z.number().int().nonnegative().max(3_600_000).default(30_000),
});

/** Chat SDK's state: subscriptions, locks, de-duplication. Memory keeps nothing across a restart. */
const stateSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('memory') }),
  z.strictObject({
    type: z.literal('redis'),
    url: z.string().min(1).optional(),
    key_prefix: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal('postgres'),
    url: z.string().min(1).optional(),
    key_prefix: z.string().min(1).optional(),
  }),
]);

const sessionRule = z.enum(['user', 'thread', 'channel']);

const botSchema = z.strictObject({
  user_name: z.string().min(1).default('claude'),
  sessions: z
    .strictObject({ dm: sessionRule.default('user'), channel: sessionRule.default('thread') })
    .default({
      dm: 'user',
      channel: 'thread',
    }),
  approvers: ids.default([]),
  approval_timeout_ms: ms(290_000).default(120_000),
  allow: z.strictObject({ users: ids.optional(), channels: ids.optional() }).default({}),
  commands: z.strictObject({ reset: ids.min(1).optional(), stop: ids.min(1).optional() }).default({}),
  slash_commands: z
    .strictObject({
      ask: z
        .string()
        .regex(/^\/\S+$/, 'must be a slash command such as /claude')
        .optional(),
      reset: z
        .string()
        .regex(/^\/\S+$/, 'must be a slash command such as /claude-new')
        .optional(),
      stop: z
        .string()
        .regex(/^\/\S+$/, 'must be a slash command such as /claude-stop')
        .optional(),
    })
    .default({}),
  debounce_ms: z.number().int().nonnegative().max(60_000).default(1500),
  turn_timeout_ms: ms().optional(),
  message_limits: z.record(z.string(), z.number().int().min(100)).optional(),
});

// Left out, it is an empty mapping, so the message below says what to do.
const platformsSchema = z.preprocess(
  (value) => value ?? {},
  z
    .strictObject(
      Object.fromEntries(
        Object.entries(PLATFORMS).map(([name, platform]) => [name, platform.options.optional()]),
      ) as {
        [K in keyof typeof PLATFORMS]: z.ZodOptional<(typeof PLATFORMS)[K]['options']>;
      },
    )
    .refine((platforms) => Object.values(platforms).some((value) => value !== undefined), {
      message: `enable at least one platform: ${Object.keys(PLATFORMS).join(', ')} (e.g. \`platforms: { slack: {} }\`)`,
    }),
);

/** The bot service's config file, validated. */
export const botConfigSchema = z.strictObject({
  server: listenSchema.default(() => listenSchema.parse({})),
  store: storeConfigSchema.default({ type: 'sqlite', path: DEFAULT_SQLITE_PATH }),
  state: stateSchema.default({ type: 'memory' }),
  claude: claudeSectionSchema.default(() => claudeSectionSchema.parse({})),
  project: z
    .strictObject({ name: id.default(DEFAULT_PROJECT.name), path: id.default(DEFAULT_PROJECT.path) })
    .default({
      ...DEFAULT_PROJECT,
    }),
  agent: z
    .strictObject({ max_live: z.number().int().positive().max(1000).default(4) })
    .default({ max_live: 4 }),
  bot: botSchema.default(() => botSchema.parse({})),
  platforms: platformsSchema,
  log: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
      pretty: z.boolean().default(false),
    })
    .default({ level: 'info', pretty: false }),
});

export type BotConfig = z.output<typeof botConfigSchema>;
