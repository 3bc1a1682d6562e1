import type { LarkAdapter } from '@claude-code-server/chat-adapter-lark';
import type { WeChatOfficialAccountAdapter, WeComAdapter } from '@claude-code-server/chat-adapter-wechat';
import type { Adapter, Logger } from 'chat';
import { z } from 'zod';

/** A variable the platform needs; `oneOf` groups alternatives (any one of them will do). */
export interface PlatformVariable {
  name: string;
  /** What it is and where to find it on the platform's side. */
  what: string;
  oneOf?: string;
}

/** One chat platform: its config keys (never secrets), its variables, and how its adapter is made. */
export interface Platform<Options> {
  title: string;
  /** The platform's non-secret options under `platforms.<name>`. */
  options: z.ZodType<Options>;
  variables: PlatformVariable[];
  create(options: Options, env: NodeJS.ProcessEnv, logger: Logger): Promise<Adapter>;
  /** The HTTP methods its webhook takes (default POST; WeChat's callback URLs are checked by a GET). */
  methods?: string[];
  /** What `doctor` says besides the credentials (a mode the variables choose). */
  note?(env: NodeJS.ProcessEnv): string;
  /** A call to the platform with the credentials, for `doctor`; throws the platform's refusal. */
  checkCredentials?(adapter: Adapter): Promise<unknown>;
}

const url = z.url({ error: 'must be a URL' });
const optionalUrl = url.optional();

/** Keys that hold secrets are refused in the file: they come from the environment. */
export const SECRET_KEYS: Record<string, string[]> = {
  slack: ['bot_token', 'signing_secret', 'app_token', 'client_secret'],
  discord: ['bot_token', 'public_key'],
  teams: ['app_password'],
  gchat: ['credentials'],
  telegram: ['bot_token', 'secret_token'],
  lark: ['app_secret', 'encrypt_key', 'verification_token'],
  wecom: ['secret', 'token', 'encoding_aes_key'],
  wechat: ['app_secret', 'token', 'encoding_aes_key'],
};

const slack: Platform<{ api_url?: string }> = {
  title: 'Slack',
  options: z.strictObject({ api_url: optionalUrl }),
  variables: [
    { name: 'SLACK_BOT_TOKEN', what: 'the Bot User OAuth Token (xoxb-...), OAuth & Permissions' },
    { name: 'SLACK_SIGNING_SECRET', what: 'the Signing Secret, Basic Information > App Credentials' },
  ],
  async create(options, env, logger) {
    const { createSlackAdapter } = await import('@chat-adapter/slack');
    return createSlackAdapter({
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      apiUrl: options.api_url,
      logger: logger.child('slack'),
    });
  },
};

const discord: Platform<{ gateway: boolean; api_url?: string; mention_role_ids?: string[] }> = {
  title: 'Discord',
  options: z.strictObject({
    gateway: z.boolean().default(true),
    api_url: optionalUrl,
    mention_role_ids: z.array(z.string().min(1)).optional(),
  }),
  variables: [
    { name: 'DISCORD_BOT_TOKEN', what: 'the bot token, Developer Portal > Bot > Reset Token' },
    { name: 'DISCORD_PUBLIC_KEY', what: 'the Public Key, Developer Portal > General Information' },
    { name: 'DISCORD_APPLICATION_ID', what: 'the Application ID, Developer Portal > General Information' },
  ],
  async create(options, env, logger) {
    const { createDiscordAdapter } = await import('@chat-adapter/discord');
    return createDiscordAdapter({
      botToken: env.DISCORD_BOT_TOKEN,
      publicKey: env.DISCORD_PUBLIC_KEY,
      applicationId: env.DISCORD_APPLICATION_ID,
      apiUrl: options.api_url,
      mentionRoleIds: options.mention_role_ids,
      logger: logger.child('discord'),
    });
  },
};

const teams: Platform<{ app_type: 'MultiTenant' | 'SingleTenant'; api_url?: string }> = {
  title: 'Microsoft Teams',
  options: z.strictObject({
    app_type: z.enum(['MultiTenant', 'SingleTenant']).default('MultiTenant'),
    api_url: optionalUrl,
  }),
  variables: [
    { name: 'TEAMS_APP_ID', what: 'the Azure Bot resource Microsoft App ID' },
    { name: 'TEAMS_APP_PASSWORD', what: 'a client secret of that app registration' },
  ],
  async create(options, env, logger) {
    const { createTeamsAdapter } = await import('@chat-adapter/teams');
    return createTeamsAdapter({
      appId: env.TEAMS_APP_ID,
      appPassword: env.TEAMS_APP_PASSWORD,
      appTenantId: env.TEAMS_APP_TENANT_ID,
      appType: options.app_type,
      apiUrl: options.api_url,
      logger: logger.child('teams'),
    });
  },
};

const gchat: Platform<{ endpoint_url?: string; project_number?: string; api_url?: string }> = {
  title: 'Google Chat',
  options: z
    .strictObject({
      endpoint_url: optionalUrl,
      project_number: z.string().regex(/^\d+$/, 'must be the project number (digits)').optional(),
      api_url: optionalUrl,
    })
    .refine((options) => options.endpoint_url !== undefined || options.project_number !== undefined, {
      message:
        'give project_number (the Chat app authenticates with the project number) or endpoint_url (with the HTTP endpoint URL): Google Chat requests are verified against one of them',
    }),
  variables: [
    { name: 'GOOGLE_CHAT_CREDENTIALS', what: 'the service account key JSON', oneOf: 'credentials' },
    {
      name: 'GOOGLE_CHAT_USE_ADC',
      what: 'true to use Application Default Credentials',
      oneOf: 'credentials',
    },
  ],
  async create(options, env, logger) {
    const { createGoogleChatAdapter } = await import('@chat-adapter/gchat');
    const credentials = env.GOOGLE_CHAT_CREDENTIALS ? JSON.parse(env.GOOGLE_CHAT_CREDENTIALS) : undefined;
    return createGoogleChatAdapter({
      ...(credentials ? { credentials } : { useApplicationDefaultCredentials: true }),
      endpointUrl: options.endpoint_url,
      googleChatProjectNumber: options.project_number,
      apiUrl: options.api_url,
      logger: logger.child('gchat'),
    } as Parameters<typeof createGoogleChatAdapter>[0]);
  },
};

const telegram: Platform<{ mode: 'webhook' | 'polling'; api_url?: string }> = {
  title: 'Telegram',
  options: z.strictObject({ mode: z.enum(['webhook', 'polling']).default('webhook'), api_url: optionalUrl }),
  variables: [
    { name: 'TELEGRAM_BOT_TOKEN', what: 'the token @BotFather gave for the bot' },
    {
      name: 'TELEGRAM_WEBHOOK_SECRET_TOKEN',
      what: 'a random secret you choose, given to setWebhook as secret_token',
    },
  ],
  async create(options, env, logger) {
    const { createTelegramAdapter } = await import('@chat-adapter/telegram');
    return createTelegramAdapter({
      botToken: env.TELEGRAM_BOT_TOKEN,
      secretToken: env.TELEGRAM_WEBHOOK_SECRET_TOKEN,
      mode: options.mode,
      apiUrl: options.api_url,
      logger: logger.child('telegram'),
    });
  },
};

const lark: Platform<{ domain: 'feishu' | 'lark'; api_url?: string; reply_in_thread: boolean }> = {
  title: 'Feishu / Lark',
  options: z.strictObject({
    domain: z.enum(['feishu', 'lark']).default('feishu'),
    api_url: optionalUrl,
    reply_in_thread: z.boolean().default(true),
  }),
  variables: [
    { name: 'LARK_APP_ID', what: 'the App ID, developer console > Credentials & Basic Info' },
    { name: 'LARK_APP_SECRET', what: 'the App Secret, developer console > Credentials & Basic Info' },
    {
      name: 'LARK_ENCRYPT_KEY',
      what: 'the Encrypt Key, Events & Callbacks > Encryption Strategy (recommended)',
      oneOf: 'event check',
    },
    {
      name: 'LARK_VERIFICATION_TOKEN',
      what: 'the Verification Token, Events & Callbacks > Encryption Strategy',
      oneOf: 'event check',
    },
  ],
  async create(options, env, logger) {
    const { createLarkAdapter } = await import('@claude-code-server/chat-adapter-lark');
    return createLarkAdapter({
      appId: env.LARK_APP_ID ?? '',
      appSecret: env.LARK_APP_SECRET ?? '',
      encryptKey: env.LARK_ENCRYPT_KEY || undefined,
      verificationToken: env.LARK_VERIFICATION_TOKEN || undefined,
      domain: options.domain,
      apiBaseUrl: options.api_url,
      replyInThread: options.reply_in_thread,
      logger: logger.child('lark'),
    });
  },
  checkCredentials: (adapter) => (adapter as LarkAdapter).checkCredentials(),
};

const wecom: Platform<{ corp_id: string; agent_id: string | number; api_url?: string }> = {
  title: 'WeCom',
  methods: ['GET', 'POST'],
  options: z.strictObject({
    corp_id: z.string().min(1, 'must be the CorpID (My Company > Company Information)'),
    agent_id: z.union([
      z.number().int().positive(),
      z.string().regex(/^\d+$/, 'must be the AgentId (digits)'),
    ]),
    api_url: optionalUrl,
  }),
  variables: [
    { name: 'WECOM_SECRET', what: "the app's Secret, App Management > your app" },
    { name: 'WECOM_TOKEN', what: 'the Token, your app > Receive Messages > Set API Reception' },
    {
      name: 'WECOM_ENCODING_AES_KEY',
      what: 'the EncodingAESKey, your app > Receive Messages > Set API Reception',
    },
  ],
  async create(options, env, logger) {
    const { createWeComAdapter } = await import('@claude-code-server/chat-adapter-wechat');
    return createWeComAdapter({
      corpId: options.corp_id,
      agentId: options.agent_id,
      secret: env.WECOM_SECRET ?? '',
      token: env.WECOM_TOKEN ?? '',
      encodingAESKey: env.WECOM_ENCODING_AES_KEY ?? '',
      apiBaseUrl: options.api_url,
      logger: logger.child('wecom'),
    });
  },
  checkCredentials: (adapter) => (adapter as WeComAdapter).checkCredentials(),
};

const wechat: Platform<{ app_id: string; passive_reply_window_ms?: number; api_url?: string }> = {
  title: 'WeChat Official Account',
  methods: ['GET', 'POST'],
  options: z.strictObject({
    app_id: z.string().min(1, 'must be the AppID (Settings & Development > Basic Configuration)'),
    passive_reply_window_ms: z
      .number()
      .int()
      .min(0)
      .max(4999, 'must be below 5000: WeChat waits 5 s for a passive reply')
      .optional(),
    api_url: optionalUrl,
  }),
  variables: [
    { name: 'WECHAT_APP_SECRET', what: 'the AppSecret, Settings & Development > Basic Configuration' },
    { name: 'WECHAT_TOKEN', what: 'the Token of Basic Configuration > Server Configuration' },
  ],
  async create(options, env, logger) {
    const { createWeChatOfficialAccountAdapter } = await import('@claude-code-server/chat-adapter-wechat');
    return createWeChatOfficialAccountAdapter({
      appId: options.app_id,
      appSecret: env.WECHAT_APP_SECRET ?? '',
      token: env.WECHAT_TOKEN ?? '',
      // Set: safe mode (encrypted callbacks); unset: plain mode.
      encodingAESKey: env.WECHAT_ENCODING_AES_KEY || undefined,
      passiveReplyWindowMs: options.passive_reply_window_ms,
      apiBaseUrl: options.api_url,
      logger: logger.child('wechat'),
    });
  },
  note: (env) =>
    env.WECHAT_ENCODING_AES_KEY
      ? 'safe mode'
      : 'plain mode: callbacks are not encrypted (set WECHAT_ENCODING_AES_KEY for safe mode)',
  checkCredentials: (adapter) => (adapter as WeChatOfficialAccountAdapter).checkCredentials(),
};

/** Every platform the service can enable, by its key under `platforms` (also its webhook route). */
export const PLATFORMS = { slack, discord, teams, gchat, telegram, lark, wecom, wechat } as const;

export type PlatformName = keyof typeof PLATFORMS;
export const PLATFORM_NAMES = Object.keys(PLATFORMS) as PlatformName[];

/** The variables of a platform that are not set (a `oneOf` group counts once, when none of it is). */
export function missingVariables(name: PlatformName, env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  const groups = new Map<string, string[]>();
  for (const variable of PLATFORMS[name].variables) {
    const set = Boolean(env[variable.name]);
    if (variable.oneOf) {
      const group = groups.get(variable.oneOf) ?? [];
      if (!set) group.push(variable.name);
      else group.push('');
      groups.set(variable.oneOf, group);
    } else if (!set) missing.push(variable.name);
  }
  for (const group of groups.values()) {
    if (!group.includes('')) missing.push(group.join(' or '));
  }
  return missing;
}
