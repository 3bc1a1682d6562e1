import { sessionIdFor } from '@claude-code-server/agent';

/** Where a message was written and by whom, as the session rule sees it. */
export interface ConversationContext {
  /** The adapter's name in the Chat instance (`slack`, `discord`...). */
  platform: string;
  /** Chat SDK's thread id (`slack:C123:1700000000.000100`). */
  threadId: string;
  /** Chat SDK's channel id (`slack:C123`). */
  channelId: string;
  isDM: boolean;
  /** The platform's id of the sender. */
  userId: string;
}

/**
 * How messages map to agent sessions: `user` (one conversation per person on the platform), `thread`
 * (one per chat thread), `channel` (one per channel or DM), or a function returning a key of your own.
 */
export type SessionRule = 'user' | 'thread' | 'channel' | ((context: ConversationContext) => string);

/** The rule for direct messages and the one for channels. */
export interface SessionRules {
  /** Default `user`: each person has one conversation with the bot in DMs. */
  dm?: SessionRule;
  /** Default `thread`: each thread where the bot is mentioned is a conversation. */
  channel?: SessionRule;
}

/** The agent session a conversation runs in: its owner id in the store and its session id. */
export interface ConversationSession {
  /** The agent's `userId` (the session's owner in the store), e.g. `slack:thread:slack:C1:1700.1`. */
  userId: string;
  sessionId: string;
}

/** The session of a conversation under the rules (`dm: user`, `channel: thread` unless changed). */
export function conversationSession(rules: SessionRules, context: ConversationContext): ConversationSession {
  const rule = (context.isDM ? rules.dm : rules.channel) ?? (context.isDM ? 'user' : 'thread');
  let userId: string;
  if (typeof rule === 'function') userId = rule(context);
  else if (rule === 'user') userId = `${context.platform}:user:${context.userId}`;
  else if (rule === 'channel') userId = `${context.platform}:channel:${context.channelId}`;
  else userId = `${context.platform}:thread:${context.threadId}`;
  return { userId, sessionId: sessionIdFor(userId) };
}
