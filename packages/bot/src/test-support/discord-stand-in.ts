import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { type HttpStandIn, type Route, startHttpStandIn } from './http-stand-in.js';

export const DISCORD_APPLICATION_ID = '900000000000000001';
export const DISCORD_BOT_TOKEN = 'discord-bot-token-for-tests';

/** A message as the stand-in holds it, with every content it had, in order (post, then edits). */
export interface DiscordMessage {
  id: string;
  channelId: string;
  /** The interaction token, for an interaction's original response and its follow-ups. */
  interactionToken?: string;
  texts: string[];
  embeds?: unknown;
  components?: unknown;
}

/**
 * The Discord REST API (v10) routes Chat SDK's adapter calls, answered as Discord documents them:
 * channel messages (create, edit), typing, threads from a message, channels and users, and an
 * interaction's webhook (edit the deferred original, post follow-ups).
 */
export interface DiscordStandIn extends HttpStandIn {
  /** The base URL for the adapter's `apiUrl`. */
  apiUrl: string;
  messages: DiscordMessage[];
  messagesIn(channelId: string): DiscordMessage[];
  /** Tells the stand-in which channel an interaction (by token) happened in. */
  interactionIn(token: string, channelId: string): void;
}

let idCounter = 0;
function snowflake(): string {
  idCounter += 1;
  return `1${String(Date.now()).padStart(14, '0')}${String(idCounter).padStart(4, '0')}`;
}

function contentOf(body: Record<string, unknown>): string {
  return typeof body.content === 'string' ? body.content : '';
}

export async function startDiscordStandIn(): Promise<DiscordStandIn> {
  const messages: DiscordMessage[] = [];
  const interactionChannels = new Map<string, string>();
  /** Threads started from a message: thread id -> parent channel id. */
  const threads = new Map<string, string>();
  const asJson = (message: DiscordMessage) => ({
    id: message.id,
    channel_id: message.channelId,
    content: message.texts.at(-1) ?? '',
    embeds: message.embeds ?? [],
    components: message.components ?? [],
    author: { id: DISCORD_APPLICATION_ID, username: 'claude', bot: true },
    timestamp: new Date().toISOString(),
  });
  const create = (channelId: string, body: Record<string, unknown>, interactionToken?: string) => {
    const message: DiscordMessage = {
      id: snowflake(),
      channelId,
      interactionToken,
      texts: [contentOf(body)],
      embeds: body.embeds,
      components: body.components,
    };
    messages.push(message);
    return { body: asJson(message) };
  };
  const edit = (message: DiscordMessage | undefined, body: Record<string, unknown>) => {
    if (!message) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    message.texts.push('content' in body ? contentOf(body) : (message.texts.at(-1) ?? ''));
    if ('embeds' in body) message.embeds = body.embeds;
    if ('components' in body) message.components = body.components;
    return { body: asJson(message) };
  };
  const byId = (id: string | undefined) => messages.find((x) => x.id === id);
  /** Method and path pattern -> answer, tried in order. */
  const routes: Array<
    [string, RegExp, (match: string[], body: Record<string, unknown>) => ReturnType<Route>]
  > = [
    ['POST', /^\/channels\/([^/]+)\/messages$/, ([, channel], body) => create(channel as string, body)],
    ['PATCH', /^\/channels\/[^/]+\/messages\/([^/]+)$/, ([, id], body) => edit(byId(id), body)],
    [
      'POST',
      /^\/channels\/([^/]+)\/messages\/([^/]+)\/threads$/,
      ([, channel, id], body) => {
        // A thread started from a message has the message's id (Discord's rule).
        threads.set(id as string, channel as string);
        return { status: 201, body: { id, name: body.name, parent_id: channel, type: 11 } };
      },
    ],
    ['POST', /^\/channels\/[^/]+\/typing$/, () => ({ status: 204 })],
    [
      'GET',
      /^\/channels\/([^/]+)$/,
      ([, id]) => {
        const parent = threads.get(id as string);
        return { body: parent ? { id, type: 11, parent_id: parent } : { id, type: 0 } };
      },
    ],
    ['GET', /^\/users\/([^/]+)$/, ([, id]) => ({ body: { id, username: `user-${id}` } })],
    [
      'PATCH',
      /^\/webhooks\/[^/]+\/([^/]+)\/messages\/@original$/,
      ([, token], body) => {
        const original = messages.find((x) => x.interactionToken === token);
        return original
          ? edit(original, body)
          : create(interactionChannels.get(token as string) ?? '?', body, token);
      },
    ],
    [
      'POST',
      /^\/webhooks\/[^/]+\/([^/]+)$/,
      ([, token], body) => create(interactionChannels.get(token as string) ?? '?', body, token),
    ],
    ['PATCH', /^\/webhooks\/[^/]+\/[^/]+\/messages\/([^/]+)$/, ([, id], body) => edit(byId(id), body)],
  ];
  const route: Route = (call) => {
    const path = call.path.replace(/^\/api\/v10/, '');
    for (const [method, pattern, answer] of routes) {
      const match = pattern.exec(path);
      if (match && call.method === method) return answer(match, call.body);
    }
    return undefined;
  };
  const standIn = await startHttpStandIn(route);
  return {
    ...standIn,
    apiUrl: `${standIn.url}/api/v10`,
    messages,
    messagesIn: (channelId) => messages.filter((x) => x.channelId === channelId),
    interactionIn: (token, channelId) => interactionChannels.set(token, channelId),
  };
}

/** An Ed25519 key pair as a Discord application has one: the public key as 64 hex characters. */
export function discordKeyPair(): { publicKeyHex: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { publicKeyHex: der.subarray(der.length - 32).toString('hex'), privateKey };
}

/** Headers of an interaction signed as Discord signs it: Ed25519 over timestamp + raw body. */
export function discordSignature(
  body: string,
  privateKey: KeyObject,
  timestamp = String(Math.floor(Date.now() / 1000)),
) {
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
}

interface DiscordUser {
  id: string;
  name?: string;
}

function userJson(user: DiscordUser) {
  return {
    id: user.id,
    username: `user-${user.id}`,
    global_name: user.name ?? `User ${user.id}`,
    bot: false,
  };
}

/** Where an interaction happens: a DM, or a guild channel. */
function placeJson(channelId: string, guildId: string | undefined, user: DiscordUser) {
  return guildId
    ? {
        channel_id: channelId,
        channel: { id: channelId, type: 0 },
        guild_id: guildId,
        member: { user: userJson(user) },
      }
    : { channel_id: channelId, channel: { id: channelId, type: 1 }, user: userJson(user) };
}

/** An APPLICATION_COMMAND interaction (type 2): a slash command with one string option `prompt`. */
export function discordSlashCommand(command: {
  name: string;
  prompt?: string;
  channelId: string;
  guildId?: string;
  user: DiscordUser;
  token: string;
}): string {
  return JSON.stringify({
    id: snowflake(),
    application_id: DISCORD_APPLICATION_ID,
    type: 2,
    token: command.token,
    version: 1,
    data: {
      id: snowflake(),
      name: command.name,
      type: 1,
      ...(command.prompt === undefined
        ? {}
        : { options: [{ name: 'prompt', type: 3, value: command.prompt }] }),
    },
    ...placeJson(command.channelId, command.guildId, command.user),
  });
}

/** A MESSAGE_COMPONENT interaction (type 3): a button click on a message. */
export function discordButtonClick(click: {
  customId: string;
  messageId: string;
  channelId: string;
  guildId?: string;
  user: DiscordUser;
  token: string;
}): string {
  return JSON.stringify({
    id: snowflake(),
    application_id: DISCORD_APPLICATION_ID,
    type: 3,
    token: click.token,
    version: 1,
    data: { custom_id: click.customId, component_type: 2 },
    message: { id: click.messageId, channel_id: click.channelId },
    ...placeJson(click.channelId, click.guildId, click.user),
  });
}

/** A MESSAGE_CREATE as the adapter's Gateway listener forwards it (`x-discord-gateway-token`). */
export function discordGatewayMessage(message: {
  channelId: string;
  guildId?: string;
  user: DiscordUser;
  content: string;
  mentionsBot?: boolean;
  id?: string;
}): { id: string; body: string } {
  const id = message.id ?? snowflake();
  const body = JSON.stringify({
    type: 'GATEWAY_MESSAGE_CREATE',
    timestamp: Date.now(),
    data: {
      id,
      channel_id: message.channelId,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
      channel_type: message.guildId ? 0 : 1,
      author: userJson(message.user),
      content: message.content,
      timestamp: new Date().toISOString(),
      mentions: message.mentionsBot ? [{ id: DISCORD_APPLICATION_ID, username: 'claude', bot: true }] : [],
      mention_roles: [],
      attachments: [],
    },
  });
  return { id, body };
}
