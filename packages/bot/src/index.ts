export { type AllowLists, ClaudeBot, type ClaudeBotOptions, type SlashCommandNames } from './claude-bot.js';
export { type BotCommand, type CommandWords, commandOf } from './commands.js';
export {
  type ConversationContext,
  type ConversationSession,
  conversationSession,
  type SessionRule,
  type SessionRules,
} from './conversations.js';
export { failureMessage } from './failure-message.js';
export { DEFAULT_MESSAGE_LIMITS, messageLimitFor } from './message-limits.js';
export {
  APPROVE_ACTION,
  type ApprovalOptions,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  DENY_ACTION,
} from './tool-approvals.js';
export { type WebhookListenerOptions, webhookPlatform, webhookRequestListener } from './webhook-listener.js';
