import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDiscordAdapter } from '@chat-adapter/discord';
import { createIoRedisState } from '@chat-adapter/state-ioredis';
import { createMemoryState } from '@chat-adapter/state-memory';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DISCORD_APPLICATION_ID,
  DISCORD_BOT_TOKEN,
  type DiscordMessage,
  type DiscordStandIn,
  discordButtonClick,
  discordGatewayMessage,
  discordKeyPair,
  discordSignature,
  discordSlashCommand,
  startDiscordStandIn,
} from './test-support/discord-stand-in.js';
import {
  type BotHarness,
  eventually,
  quietLogger,
  type RunningBot,
  startBotHarness,
} from './testing/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keys = discordKeyPair();

let h: BotHarness;
let discord: DiscordStandIn;
let running: RunningBot;
let tokenCounter = 0;

const discordAdapter = () => ({
  discord: createDiscordAdapter({
    botToken: DISCORD_BOT_TOKEN,
    publicKey: keys.publicKeyHex,
    applicationId: DISCORD_APPLICATION_ID,
    apiUrl: discord.apiUrl,
    logger: quietLogger,
  }),
});

/** POSTs a signed interaction. */
function interact(bot: RunningBot, body: string, signature = discordSignature(body, keys.privateKey)) {
  return fetch(bot.webhookUrl('discord'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signature },
    body,
  });
}

/** A slash command `/claude prompt:<text>` in a DM channel; returns the HTTP answer and the token. */
async function ask(bot: RunningBot, channelId: string, user: string, prompt: string) {
  const token = `token-${++tokenCounter}`;
  discord.interactionIn(token, channelId);
  const response = await interact(
    bot,
    discordSlashCommand({ name: 'claude', prompt, channelId, user: { id: user }, token }),
  );
  return { response, token };
}

/** A Gateway message as the adapter's listener forwards it. */
function forward(bot: RunningBot, body: string, token = DISCORD_BOT_TOKEN) {
  return fetch(bot.webhookUrl('discord'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-discord-gateway-token': token },
    body,
  });
}

const lastText = (message: DiscordMessage | undefined) => message?.texts.at(-1) ?? '';
const messageWith = (channelId: string, needle: string) =>
  discord.messagesIn(channelId).find((m) => lastText(m).includes(needle));

function approvalCard(channelId: string): { message: DiscordMessage; requestId: string } | undefined {
  for (const message of discord.messagesIn(channelId)) {
    const match = /"custom_id":"ccs-approve\\n([^"]+)"/.exec(JSON.stringify(message.components ?? []));
    if (match) return { message, requestId: match[1] as string };
  }
  return undefined;
}

function click(
  bot: RunningBot,
  card: { message: DiscordMessage; requestId: string },
  user: string,
  action: string,
) {
  return interact(
    bot,
    discordButtonClick({
      customId: `${action}\n${card.requestId}`,
      messageId: card.message.id,
      channelId: card.message.channelId,
      user: { id: user },
      token: `click-${++tokenCounter}`,
    }),
  );
}

const realFetch = globalThis.fetch;

beforeAll(async () => {
  h = await startBotHarness();
  discord = await startDiscordStandIn();
  // The adapter (4.41.0) sends an interaction's responses (the deferred original, follow-ups) to
  // discord.com whatever `apiUrl` says: route those to the stand-in too.
  const discordApi = 'https://discord.com/api/v10';
  globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return realFetch(
      url.startsWith(discordApi) ? discord.apiUrl + url.slice(discordApi.length) : input,
      init,
    );
  };
  running = await h.startBot(discordAdapter, () => createMemoryState());
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await h?.close();
  await discord?.close();
});

describe('Discord', () => {
  it('refuses a bad signature and a wrong gateway token, and nothing reaches the agent', async () => {
    const other = discordKeyPair();
    const body = discordSlashCommand({
      name: 'claude',
      prompt: 'forged',
      channelId: '100',
      user: { id: '1' },
      token: 'forged',
    });
    expect((await interact(running, body, discordSignature(body, other.privateKey))).status).toBe(401);
    const tampered = body.replace('forged', 'tampered');
    expect((await interact(running, tampered, discordSignature(body, keys.privateKey))).status).toBe(401);
    const gateway = discordGatewayMessage({ channelId: '100', user: { id: '1' }, content: 'forged' });
    expect((await forward(running, gateway.body, 'not-the-token')).status).toBe(401);
    // A genuine request after them is answered; the forged ones never were.
    const { response } = await ask(running, '100', '1', 'genuine');
    expect(response.status).toBe(200);
    await eventually(() => messageWith('100', 'echo: genuine'));
    expect(h.fake.conversationRequests().some((r) => /forged|tampered/.test(r.lastUserText))).toBe(false);
  });

  it('answers a slash command in a DM through the interaction, and a DM from the Gateway', async () => {
    const { response } = await ask(running, '200', '2', 'hello there');
    // Deferred: Discord shows "thinking" until the answer edits the original response.
    expect(await response.json()).toEqual({ type: 5 });
    const answer = await eventually(() => messageWith('200', 'echo: hello there'));
    expect(answer.interactionToken).toBeDefined();
    const dm = discordGatewayMessage({ channelId: '200', user: { id: '2' }, content: 'and a plain message' });
    expect((await forward(running, dm.body)).status).toBe(200);
    await eventually(() => messageWith('200', 'echo: and a plain message'));
  });

  it('ignores a channel message without a mention, and answers a mention in a thread of its own', async () => {
    const plain = discordGatewayMessage({
      channelId: '300',
      guildId: '77',
      user: { id: '3' },
      content: 'humans talking',
    });
    await forward(running, plain.body);
    const mention = discordGatewayMessage({
      channelId: '300',
      guildId: '77',
      user: { id: '3' },
      content: `<@${DISCORD_APPLICATION_ID}> what now`,
      mentionsBot: true,
    });
    await forward(running, mention.body);
    // The thread started from the mention has the mention's id.
    await eventually(() => messageWith(mention.id, 'what now'));
    await running.bot.whenIdle();
    expect(h.fake.conversationRequests().some((r) => r.lastUserText.includes('humans talking'))).toBe(false);
    expect(discord.messages.some((m) => lastText(m).includes('humans talking'))).toBe(false);
  });

  it('streams by editing: each edit extends the one before, the last is the whole answer', async () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i} streams`);
    const whole = words.join(' ');
    h.fake.enqueue(
      replies.text(whole, { chunks: words.map((w, i) => (i === 0 ? w : ` ${w}`)), delayMs: 40 }),
    );
    await ask(running, '400', '4', 'stream please');
    const message = await eventually(() => discord.messagesIn('400').find((m) => lastText(m) === whole));
    expect(message.texts.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < message.texts.length; i++) {
      expect(message.texts[i]?.startsWith(message.texts[i - 1] ?? '')).toBe(true);
    }
  });

  it('splits an answer longer than a Discord message (2000 characters) into several messages', async () => {
    const paragraph = 'This sentence is part of a long answer. '.repeat(30).trim();
    const whole = Array.from({ length: 4 }, () => paragraph).join('\n\n');
    h.fake.enqueue(replies.text(whole, { chunks: 40 }));
    await ask(running, '450', '45', 'a long one please');
    const parts = await eventually(() => {
      const found = discord.messagesIn('450');
      const joined = found.map(lastText).join('');
      return joined.replace(/\s+/g, '') === whole.replace(/\s+/g, '') ? found : undefined;
    });
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) expect(lastText(part).length).toBeLessThanOrEqual(2000);
  });

  it('asks for approval with a card: another user is refused, the asker approves, the file is written', async () => {
    const file = join(h.workDir, 'discord-approved.txt');
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'yes' }),
      replies.text('Written it.'),
    );
    await ask(running, '500', '5', 'write the file');
    const card = await eventually(() => approvalCard('500'));
    const refused = await click(running, card, '6', 'ccs-approve');
    expect(refused.status).toBe(200);
    await eventually(() => messageWith('500', 'only User 5 or an approver'));
    expect(existsSync(file)).toBe(false);
    await click(running, card, '5', 'ccs-approve');
    await eventually(() => messageWith('500', 'Written it.'));
    expect(existsSync(file)).toBe(true);
    expect(JSON.stringify(card.message.embeds)).toContain('Approved by User 5');
  });

  it('a denied tool does not run', async () => {
    const file = join(h.workDir, 'discord-denied.txt');
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'no' }),
      replies.text('Fine, not written.'),
    );
    await ask(running, '600', '7', 'try writing');
    const card = await eventually(() => approvalCard('600'));
    await click(running, card, '7', 'ccs-deny');
    await eventually(() => messageWith('600', 'Fine, not written.'));
    expect(existsSync(file)).toBe(false);
    expect(JSON.stringify(card.message.embeds)).toContain('Denied by User 7');
  });

  it('acknowledges the interaction at once while the answer takes longer than the 3 s deadline', async () => {
    h.fake.enqueue(replies.text('slow but sure', { chunks: ['slow ', 'but ', 'sure'], delayMs: 2_000 }));
    const { response } = await ask(running, '700', '8', 'take your time');
    expect(await response.json()).toEqual({ type: 5 });
    expect(messageWith('700', 'slow but sure')).toBeUndefined();
    await eventually(() => messageWith('700', 'slow but sure'));
  });

  it('a failing turn gives a short message, and the bot goes on serving', async () => {
    let failing = true;
    h.fake.addRule((req) =>
      failing && req.lastUserText.includes('fail on discord')
        ? { type: 'error', status: 400, message: 'internal detail xyz' }
        : undefined,
    );
    await ask(running, '800', '9', 'fail on discord');
    const notice = await eventually(() => messageWith('800', 'Please try again'));
    failing = false;
    expect(lastText(notice)).toBe('The model could not answer just now (API error). Please try again.');
    await ask(running, '800', '9', 'still there');
    await eventually(() => messageWith('800', 'still there'));
  });

  it('answers a message delivered twice once, also after a restart of the bot (state on Redis)', async () => {
    const keyPrefix = `ccs-bot-test:discord:${process.pid}:${Date.now()}`;
    const redisState = () => createIoRedisState({ url: REDIS_URL, keyPrefix, logger: quietLogger });
    const first = await h.startBot(discordAdapter, redisState);
    const message = discordGatewayMessage({ channelId: '900', user: { id: '10' }, content: 'count me once' });
    await forward(first, message.body);
    await forward(first, message.body);
    await eventually(() => messageWith('900', 'echo: count me once'));
    await first.stop();
    const second = await h.startBot(discordAdapter, redisState);
    expect((await forward(second, message.body)).status).toBe(200);
    const after = discordGatewayMessage({ channelId: '900', user: { id: '10' }, content: 'something new' });
    await forward(second, after.body);
    await eventually(() => messageWith('900', 'something new'));
    await second.bot.whenIdle();
    expect(discord.messagesIn('900').filter((m) => lastText(m).includes('count me once'))).toHaveLength(1);
    expect(
      h.fake.conversationRequests().filter((r) => r.lastUserText.includes('count me once')),
    ).toHaveLength(1);
    await second.stop();
  });
});
