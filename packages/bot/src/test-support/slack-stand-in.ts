import { createHmac } from 'node:crypto';
import { type HttpStandIn, type RecordedCall, startHttpStandIn } from './http-stand-in.js';

export const SLACK_BOT_USER = 'UBOT';
export const SLACK_SIGNING_SECRET = 'slack-signing-secret-for-tests';
export const SLACK_BOT_TOKEN = 'xoxb-test-token';

/** A message as the stand-in holds it, with every text it had, in order (post, appends, edits). */
export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  texts: string[];
  blocks?: unknown;
}

/**
 * The Slack Web API methods Chat SDK's adapter calls, answered as Slack documents them (`ok: true`
 * envelopes; `chat.postMessage`, `chat.update`, `chat.startStream` / `appendStream` / `stopStream`,
 * `chat.postEphemeral`, `auth.test`, `users.info`, `conversations.info`).
 */
export interface SlackStandIn extends HttpStandIn {
  /** The base URL for the adapter's `apiUrl` (ends with `/api/`). */
  apiUrl: string;
  messages: SlackMessage[];
  /** Messages in a channel (DM or channel id), oldest first. */
  messagesIn(channel: string): SlackMessage[];
  /** Ephemeral notices: `{ channel, user, text }`. */
  ephemerals: Array<{ channel: string; user: string; text: string }>;
}

let tsCounter = 0;
function nextTs(): string {
  tsCounter += 1;
  return `1800000000.${String(tsCounter).padStart(6, '0')}`;
}

function textOf(body: Record<string, unknown>): string {
  if (typeof body.markdown_text === 'string') return body.markdown_text;
  if (Array.isArray(body.chunks)) {
    return body.chunks
      .map((chunk: { type?: string; text?: string }) =>
        chunk.type === 'markdown_text' ? (chunk.text ?? '') : '',
      )
      .join('');
  }
  if (typeof body.text === 'string') return body.text;
  return '';
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const messages: SlackMessage[] = [];
  const ephemerals: SlackStandIn['ephemerals'] = [];
  const find = (channel: unknown, ts: unknown) => messages.find((m) => m.channel === channel && m.ts === ts);
  const route = (call: RecordedCall) => {
    const body = call.body;
    const method = call.path.replace(/^\/api\//, '');
    const channel = String(body.channel ?? '');
    switch (method) {
      case 'auth.test':
        return { body: { ok: true, user_id: SLACK_BOT_USER, bot_id: 'BBOT', user: 'claude', team_id: 'T1' } };
      case 'users.info':
        return {
          body: {
            ok: true,
            user: { id: body.user, name: `user-${body.user}`, real_name: `User ${body.user}` },
          },
        };
      case 'conversations.info':
        return {
          body: { ok: true, channel: { id: channel, is_im: channel.startsWith('D'), name: channel } },
        };
      case 'chat.postMessage':
      case 'chat.startStream': {
        const message: SlackMessage = {
          channel,
          ts: nextTs(),
          threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
          texts: [textOf(body)],
          blocks: body.blocks,
        };
        messages.push(message);
        return {
          body: { ok: true, channel, ts: message.ts, message: { ts: message.ts, text: textOf(body) } },
        };
      }
      case 'chat.appendStream':
      case 'chat.stopStream': {
        const message = find(channel, body.ts);
        if (!message) return { body: { ok: false, error: 'message_not_found' } };
        const last = message.texts.at(-1) ?? '';
        message.texts.push(last + textOf(body));
        return { body: { ok: true, channel, ts: message.ts } };
      }
      case 'chat.update': {
        const message = find(channel, body.ts);
        if (!message) return { body: { ok: false, error: 'message_not_found' } };
        message.texts.push(textOf(body));
        message.blocks = body.blocks;
        return { body: { ok: true, channel, ts: message.ts, text: textOf(body) } };
      }
      case 'chat.postEphemeral':
        ephemerals.push({ channel, user: String(body.user), text: textOf(body) });
        return { body: { ok: true, message_ts: nextTs() } };
      default:
        return { body: { ok: true } };
    }
  };
  const standIn = await startHttpStandIn(route);
  return {
    ...standIn,
    apiUrl: `${standIn.url}/api/`,
    messages,
    ephemerals,
    messagesIn: (channel) => messages.filter((m) => m.channel === channel),
  };
}

/** Headers of a request signed as Slack signs it: `v0=` HMAC-SHA256 of `v0:{timestamp}:{raw body}`. */
export function slackSignature(body: string, options: { secret?: string; timestamp?: number } = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const digest = createHmac('sha256', options.secret ?? SLACK_SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${digest}` };
}

let eventCounter = 0;

/** An Events API `event_callback` envelope around a message event, as Slack delivers it. */
export function slackMessageEvent(event: {
  channel: string;
  user: string;
  text: string;
  type?: 'message' | 'app_mention';
  ts?: string;
  threadTs?: string;
}): { eventId: string; ts: string; body: string } {
  eventCounter += 1;
  const ts = event.ts ?? nextTs();
  const eventId = `Ev${Date.now()}${eventCounter}`;
  const body = JSON.stringify({
    token: 'verification-token',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: event.type ?? 'message',
      channel: event.channel,
      channel_type: event.channel.startsWith('D') ? 'im' : 'channel',
      user: event.user,
      text: event.text,
      ts,
      event_ts: ts,
      team: 'T1',
      ...(event.threadTs ? { thread_ts: event.threadTs } : {}),
    },
  });
  return { eventId, ts, body };
}

/** A `block_actions` interaction payload (a button click), form-encoded as Slack posts it. */
export function slackButtonClick(click: {
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  actionId: string;
  value: string;
}): string {
  const payload = {
    type: 'block_actions',
    user: { id: click.user, username: `user-${click.user}`, name: `User ${click.user}`, team_id: 'T1' },
    api_app_id: 'A1',
    team: { id: 'T1', domain: 'test' },
    container: {
      type: 'message',
      message_ts: click.messageTs,
      channel_id: click.channel,
      is_ephemeral: false,
    },
    trigger_id: '1.2.3',
    channel: { id: click.channel, name: click.channel },
    message: {
      ts: click.messageTs,
      ...(click.threadTs ? { thread_ts: click.threadTs } : {}),
      type: 'message',
    },
    response_url: 'http://127.0.0.1:9/unused',
    actions: [
      {
        action_id: click.actionId,
        block_id: 'b1',
        value: click.value,
        type: 'button',
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
