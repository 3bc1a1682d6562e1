import type { AgentEvent, ClaudeAgent } from '@claude-code-server/agent';
import type { CanUseTool } from '@claude-code-server/core';
import { ClaudeCodeServerError } from '@claude-code-server/errors';
import {
  type ActionEvent,
  type Adapter,
  type Author,
  Chat,
  ConsoleLogger,
  type Logger,
  type LogLevel,
  type Message,
  type Postable,
  type SlashCommandEvent,
  type StateAdapter,
  type Thread,
} from 'chat';
import { answerText, splitByLength } from './answer-text.js';
import { type BotCommand, type CommandWords, commandOf, platformText } from './commands.js';
import { type ConversationContext, conversationSession, type SessionRules } from './conversations.js';
import { failureMessage } from './failure-message.js';
import { messageLimitFor } from './message-limits.js';
import { APPROVE_ACTION, type ApprovalOptions, DENY_ACTION, ToolApprovals } from './tool-approvals.js';

/** Who may talk to the bot. Entries are platform ids (`U123`) or platform-qualified (`slack:U123`). */
export interface AllowLists {
  /** Users who may talk to the bot; everyone when left out. */
  users?: string[];
  /** Channels where the bot answers (`C123`, `slack:C123`); every channel when left out. DMs are not channels. */
  channels?: string[];
}

/** Platform slash commands (`/claude ...`): which command asks, starts over, or stops. */
export interface SlashCommandNames {
  ask?: string;
  reset?: string;
  stop?: string;
}

export interface ClaudeBotOptions {
  /** The agent that answers; the caller owns it (close it after the bot). */
  agent: ClaudeAgent;
  /** The bot's name on the platforms (Chat SDK's `userName`). */
  userName: string;
  /** Chat SDK adapters by name (`{ slack: createSlackAdapter(), discord: ... }`): any adapter works. */
  adapters: Record<string, Adapter>;
  /** Chat SDK state: subscriptions, locks and de-duplication (memory, Redis or Postgres). */
  state: StateAdapter;
  logger?: Logger | LogLevel;
  /** How chats map to agent sessions (default: a session per DM user, per channel thread). */
  sessions?: SessionRules;
  approvals?: ApprovalOptions;
  allow?: AllowLists;
  /** Message texts that start over or stop the running answer (defaults: `new`/`reset`, `stop`). */
  commands?: CommandWords;
  /** Platform slash commands (defaults `/claude`, `/claude-new`, `/claude-stop`). */
  slashCommands?: SlashCommandNames;
  /** The agent project every turn runs in (default: the agent's default directory). */
  project?: string;
  /** Longest message per platform name, in characters; longer answers continue in a new message. */
  messageLimits?: Record<string, number>;
  /** Per-turn time limit, from when the turn starts (the agent's default otherwise). */
  turnTimeoutMs?: number;
  /** How long a delivered message id is remembered to drop platform retries (Chat SDK's, default 10 min). */
  dedupeTtlMs?: number;
  /** Post-and-edit streaming: least time between edits (Chat SDK's, default 500 ms). */
  streamingUpdateIntervalMs?: number;
}

/** One message (or slash command) to answer, wherever it came from. */
interface Ask {
  target: Postable;
  context: ConversationContext;
  author: Author;
  text: string;
  /** The message as the platform wrote it, when it differs (mentions as ids): commands are found in both. */
  platformText?: string;
}

const DEFAULT_SLASH_COMMANDS: Required<SlashCommandNames> = {
  ask: '/claude',
  reset: '/claude-new',
  stop: '/claude-stop',
};

function nameOf(author: Author): string {
  return author.fullName || author.userName || author.userId;
}

function listed(entries: readonly string[] | undefined, platform: string, id: string): boolean {
  if (!entries) return true;
  return entries.some((entry) => entry === id || entry === `${platform}:${id}`);
}

/** Chat SDK ids are `platform:...`; an allowlist entry may name the id with or without the prefix. */
function channelListed(entries: readonly string[] | undefined, platform: string, channelId: string): boolean {
  if (!entries) return true;
  const bare = channelId.startsWith(`${platform}:`) ? channelId.slice(platform.length + 1) : channelId;
  return entries.some(
    (entry) =>
      entry === channelId ||
      entry === bare ||
      channelId.endsWith(`:${entry}`) ||
      entry === `${platform}:${bare}`,
  );
}

/** Reads one item so a caller can wait for it, then yields it and the rest. */
async function firstAndRest<T>(source: AsyncIterable<T>): Promise<{ done: boolean; rest: AsyncIterable<T> }> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const rest = (async function* () {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  return { done: first.done === true, rest };
}

/**
 * Claude Code behind a Chat SDK bot: each chat maps to an agent session, answers stream into the
 * platform, tool approvals become cards with buttons. `handleWebhook` answers a platform's request at
 * once (the turn goes on in the background), so its ack deadline is met however long the answer takes.
 */
export class ClaudeBot {
  readonly chat: Chat;
  private readonly agent: ClaudeAgent;
  private readonly approvals: ToolApprovals;
  private readonly logger: Logger;
  private readonly slash: Required<SlashCommandNames>;
  private readonly background = new Set<Promise<unknown>>();
  /** Running and waiting answers by session, so `stop` can interrupt them. */
  private readonly running = new Map<string, Set<AbortController>>();
  /** Where a session's approval cards go: the place of its latest message. */
  private readonly targets = new Map<string, Postable>();
  private readonly callbacks = new Map<string, CanUseTool>();
  /** Sessions whose turn was claimed by one caller in the current tick (merged messages post once). */
  private readonly claimed = new Set<string>();
  private closing = false;

  constructor(private readonly options: ClaudeBotOptions) {
    this.agent = options.agent;
    this.logger =
      typeof options.logger === 'object' ? options.logger : new ConsoleLogger(options.logger ?? 'info');
    this.approvals = new ToolApprovals(options.approvals);
    this.slash = { ...DEFAULT_SLASH_COMMANDS, ...options.slashCommands };
    this.chat = new Chat({
      userName: options.userName,
      adapters: options.adapters,
      state: options.state,
      logger: this.logger,
      // Ordering and merging of bursts are the agent's (debounceMs); a lock held for a whole turn
      // would also hold back the `stop` command.
      concurrency: 'concurrent',
      dedupeTtlMs: options.dedupeTtlMs,
      streamingUpdateIntervalMs: options.streamingUpdateIntervalMs,
      // The answer is posted once its first words exist, so post-and-edit needs no "..." first.
      fallbackStreamingPlaceholderText: null,
    });
    this.chat.onDirectMessage((thread, message) => this.onMessage(thread, message, true));
    this.chat.onNewMention((thread, message) => this.onMessage(thread, message, true));
    this.chat.onSubscribedMessage((thread, message) =>
      this.onMessage(thread, message, message.isMention === true),
    );
    this.chat.onAction([APPROVE_ACTION, DENY_ACTION], (event) => this.onClick(event));
    this.chat.onSlashCommand((event) => this.onSlashCommand(event));
  }

  /** The platforms (adapter names) this bot serves. */
  get platforms(): string[] {
    return Object.keys(this.options.adapters);
  }

  /**
   * Answers a platform's webhook request (`platform` is the adapter's name): verified and acknowledged
   * at once, the answer goes on in the background. 404 for a platform the bot does not serve.
   */
  async handleWebhook(platform: string, request: Request): Promise<Response> {
    if (this.closing) return new Response('shutting down', { status: 503 });
    const webhook = (this.chat.webhooks as Record<string, (r: Request, o: object) => Promise<Response>>)[
      platform
    ];
    if (!webhook) return new Response(`no such platform: ${platform}`, { status: 404 });
    return webhook(request, { waitUntil: (task: Promise<unknown>) => this.track(task) });
  }

  /** Resolves once every webhook's background work (answers, clicks) has ended. */
  async whenIdle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Keeps a background task so `close()` can wait for it. */
  private track(task: Promise<unknown>): void {
    const tracked = task.catch(() => {});
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private async onMessage(thread: Thread, message: Message, addressed: boolean): Promise<void> {
    const platform = thread.adapter.name;
    if (!thread.isDM && !channelListed(this.options.allow?.channels, platform, thread.channelId)) return;
    if (!listed(this.options.allow?.users, platform, message.author.userId)) {
      if (addressed) await this.say(thread, 'Sorry, you are not allowed to use this bot.');
      return;
    }
    if (!thread.isDM && addressed) await thread.subscribe();
    await this.ask({
      target: thread,
      author: message.author,
      text: message.text.trim(),
      platformText: platformText(message.raw),
      context: {
        platform,
        threadId: thread.id,
        channelId: thread.channelId,
        isDM: thread.isDM,
        userId: message.author.userId,
      },
    });
  }

  private async onSlashCommand(event: SlashCommandEvent): Promise<void> {
    const platform = event.adapter.name;
    const channel = event.channel;
    const command =
      event.command === this.slash.ask
        ? undefined
        : event.command === this.slash.reset
          ? 'reset'
          : event.command === this.slash.stop
            ? 'stop'
            : null;
    if (command === null) return;
    if (!channel.isDM && !channelListed(this.options.allow?.channels, platform, channel.id)) {
      await this.say(channel, 'I do not answer in this channel.');
      return;
    }
    if (!listed(this.options.allow?.users, platform, event.user.userId)) {
      await this.say(channel, 'Sorry, you are not allowed to use this bot.');
      return;
    }
    const context = {
      platform,
      threadId: channel.id,
      channelId: channel.id,
      isDM: channel.isDM,
      userId: event.user.userId,
    };
    // A thread handle on the channel streams by post-and-edit (a channel's post buffers a stream); on
    // Discord its first post is the interaction's deferred response.
    const ask = {
      target: this.chat.thread(channel.id),
      author: event.user,
      text: event.text.trim(),
      context,
    };
    if (command) await this.runCommand(command, ask);
    else if (ask.text) await this.ask(ask);
    else await this.say(channel, `Tell me what to do: ${this.slash.ask} <your request>`);
  }

  private async onClick(event: ActionEvent): Promise<void> {
    try {
      await this.approvals.handleClick(event);
    } catch (error) {
      this.logger.error('approval click failed', { error: (error as Error).message });
    }
  }

  /** Posts a short line; a platform that refuses it is logged, never thrown at the caller. */
  private async say(target: Postable, text: string): Promise<void> {
    try {
      await target.post(text);
    } catch (error) {
      this.logger.error('could not post to the chat', { error: (error as Error).message });
    }
  }

  private async ask(ask: Ask): Promise<void> {
    const command = commandOf([ask.text, ask.platformText ?? ''], this.options.commands);
    if (command) {
      await this.runCommand(command, ask);
      return;
    }
    if (!ask.text) return;
    await this.answer(ask);
  }

  private async runCommand(command: BotCommand, ask: Ask): Promise<void> {
    const session = conversationSession(this.options.sessions ?? {}, ask.context);
    const stopped = this.stopSession(session.sessionId);
    if (command === 'stop') {
      await this.say(ask.target, stopped > 0 ? 'Stopped.' : 'Nothing is running.');
      return;
    }
    try {
      await this.agent.clearSession(session.userId, session.sessionId);
      this.forgetSession(session.sessionId);
      await this.say(ask.target, 'Starting over: this conversation is forgotten.');
    } catch (error) {
      this.logFailure('reset failed', session.sessionId, error);
      await this.say(ask.target, failureMessage(error));
    }
  }

  private stopSession(sessionId: string): number {
    const controllers = this.running.get(sessionId);
    if (!controllers) return 0;
    for (const controller of controllers) controller.abort();
    return controllers.size;
  }

  private forgetSession(sessionId: string): void {
    for (const key of this.callbacks.keys()) if (key.startsWith(`${sessionId}\n`)) this.callbacks.delete(key);
  }

  /** One callback per session and asker, so the agent can merge a burst of that person's messages. */
  private canUseToolFor(sessionId: string, platform: string, asker: Author): CanUseTool {
    const key = `${sessionId}\n${asker.userId}`;
    let callback = this.callbacks.get(key);
    if (!callback) {
      callback = this.approvals.callbackFor(
        () => this.targets.get(sessionId) ?? raise(new Error('no chat to ask in')),
        platform,
        asker,
      );
      this.callbacks.set(key, callback);
    }
    return callback;
  }

  /** True for the first caller of a turn that starts now; the others' messages were merged into it. */
  private claimTurn(sessionId: string): boolean {
    if (this.claimed.has(sessionId)) return false;
    this.claimed.add(sessionId);
    // Every caller of one turn hears onStart in the same tick.
    queueMicrotask(() => this.claimed.delete(sessionId));
    return true;
  }

  private async answer(ask: Ask): Promise<void> {
    const session = conversationSession(this.options.sessions ?? {}, ask.context);
    const controller = new AbortController();
    const controllers = this.running.get(session.sessionId) ?? new Set<AbortController>();
    controllers.add(controller);
    this.running.set(session.sessionId, controllers);
    this.targets.set(session.sessionId, ask.target);
    /** Set when the turn carrying this message starts: whether this caller posts its answer. */
    let role: 'first' | 'merged' | undefined;
    try {
      const events: AsyncIterable<AgentEvent> = this.agent.stream(ask.text, {
        userId: session.userId,
        sessionId: session.sessionId,
        project: this.options.project,
        meta: { userName: nameOf(ask.author), platform: ask.context.platform, chatUserId: ask.author.userId },
        canUseTool: this.canUseToolFor(session.sessionId, ask.context.platform, ask.author),
        signal: controller.signal,
        timeoutMs: this.options.turnTimeoutMs,
        onStart: () => {
          role = this.claimTurn(session.sessionId) ? 'first' : 'merged';
        },
      });
      const text = answerText(events, () => {});
      // Nothing is posted before the first words: a turn that fails at once leaves no empty message.
      const { done, rest } = await firstAndRest(text);
      if (role === 'merged') {
        for await (const _ of rest) {
          // A merged message: the first message's caller posts the answer.
        }
        return;
      }
      if (done) return;
      const limit = messageLimitFor(ask.context.platform, this.options.messageLimits);
      for await (const part of splitByLength(rest, limit)) await ask.target.post(part);
    } catch (error) {
      // A merged message's turn is reported once, by the first message's caller.
      if (controller.signal.aborted || role === 'merged') return;
      this.logFailure('turn failed', session.sessionId, error);
      await this.say(ask.target, failureMessage(error));
    } finally {
      controllers.delete(controller);
      if (controllers.size === 0) {
        // Nothing of this session runs or waits: what only its turns used can go.
        this.running.delete(session.sessionId);
        this.targets.delete(session.sessionId);
        this.forgetSession(session.sessionId);
      }
    }
  }

  private logFailure(what: string, sessionId: string, error: unknown): void {
    const code = error instanceof ClaudeCodeServerError ? error.code : undefined;
    this.logger.error(what, {
      sessionId,
      code,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  /** Stops taking webhooks, lets running answers finish for `graceMs` (default 10 s), then stops them and shuts Chat SDK down. */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    this.closing = true;
    const settled = () => Promise.allSettled([...this.background]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => {
      timer = setTimeout(resolve, options.graceMs ?? 10_000);
    });
    await Promise.race([settled(), grace]);
    clearTimeout(timer);
    for (const sessionId of [...this.running.keys()]) this.stopSession(sessionId);
    await settled();
    await this.chat.shutdown();
  }
}

function raise(error: Error): never {
  throw error;
}
