import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSlackAdapter } from '@chat-adapter/slack';
import { createIoRedisState } from '@chat-adapter/state-ioredis';
import { createMemoryState } from '@chat-adapter/state-memory';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SLACK_BOT_TOKEN,
  SLACK_SIGNING_SECRET,
  type SlackMessage,
  type SlackStandIn,
  slackButtonClick,
  slackMessageEvent,
  slackSignature,
  startSlackStandIn,
} from './test-support/slack-stand-in.js';
import {
  type BotHarness,
  eventually,
  quietLogger,
  type RunningBot,
  startBotHarness,
} from './testing/index.js';
import { APPROVE_ACTION, DENY_ACTION } from './tool-approvals.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let h: BotHarness;
let slack: SlackStandIn;
let running: RunningBot;

const slackAdapter = () => ({
  slack: createSlackAdapter({
    botToken: SLACK_BOT_TOKEN,
    signingSecret: SLACK_SIGNING_SECRET,
    apiUrl: slack.apiUrl,
    logger: quietLogger,
  }),
});

async function deliver(
  bot: RunningBot,
  body: string,
  headers: Record<string, string> = {},
  contentType = 'application/json',
) {
  return fetch(bot.webhookUrl('slack'), {
    method: 'POST',
    headers: { 'content-type': contentType, ...slackSignature(body), ...headers },
    body,
  });
}

const lastText = (message: SlackMessage | undefined) => message?.texts.at(-1) ?? '';
/** The bot's messages in a channel whose latest text contains `needle`. */
const botMessageWith = (channel: string, needle: string) =>
  slack.messagesIn(channel).find((m) => lastText(m).includes(needle));

function approvalCard(channel: string): { message: SlackMessage; requestId: string } | undefined {
  for (const message of slack.messagesIn(channel)) {
    const blocks = JSON.stringify(message.blocks ?? []);
    const match =
      /"action_id":"ccs-approve"[^}]*"value":"([^"]+)"|"value":"([^"]+)"[^}]*"action_id":"ccs-approve"/.exec(
        blocks,
      );
    if (match) return { message, requestId: (match[1] ?? match[2]) as string };
  }
  return undefined;
}

beforeAll(async () => {
  h = await startBotHarness();
  slack = await startSlackStandIn();
  running = await h.startBot(slackAdapter, () => createMemoryState(), {
    approvals: { approvers: ['UBOSS'] },
  });
});

afterAll(async () => {
  await h?.close();
  await slack?.close();
});

describe('Slack', () => {
  it('refuses a bad signature or a stale timestamp, and nothing reaches the agent', async () => {
    const before = h.fake.conversationRequests().length;
    const event = slackMessageEvent({ channel: 'D100', user: 'U1', text: 'forged' });
    const forged = await deliver(running, event.body, slackSignature(event.body, { secret: 'wrong-secret' }));
    expect(forged.status).toBe(401);
    const stale = await deliver(
      running,
      event.body,
      slackSignature(event.body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
    );
    expect(stale.status).toBe(401);
    const unsigned = await fetch(running.webhookUrl('slack'), { method: 'POST', body: event.body });
    expect(unsigned.status).toBe(401);
    // A genuine message after them is answered; the forged ones never were.
    const genuine = slackMessageEvent({ channel: 'D100', user: 'U1', text: 'genuine' });
    expect((await deliver(running, genuine.body)).status).toBe(200);
    await eventually(() => botMessageWith('D100', 'echo: genuine'));
    const prompts = h.fake
      .conversationRequests()
      .slice(before)
      .map((r) => r.lastUserText);
    expect(prompts.some((p) => p.includes('forged'))).toBe(false);
    expect(slack.messagesIn('D100').some((m) => lastText(m).includes('forged'))).toBe(false);
  });

  it('answers a direct message in its thread, and remembers the conversation', async () => {
    const first = slackMessageEvent({ channel: 'D200', user: 'U1', text: 'hello there' });
    expect((await deliver(running, first.body)).status).toBe(200);
    const answer = await eventually(() => botMessageWith('D200', 'echo: hello there'));
    // Slack DMs are one conversation: the answer is a message of the DM, not a thread reply.
    expect(answer.threadTs).toBeUndefined();
    expect(lastText(answer)).toBe('echo: hello there');
  });

  it('ignores a channel message without a mention, answers a mention and then follows its thread', async () => {
    const plain = slackMessageEvent({ channel: 'C300', user: 'U1', text: 'chatting among humans' });
    expect((await deliver(running, plain.body)).status).toBe(200);
    const mention = slackMessageEvent({
      channel: 'C300',
      user: 'U1',
      text: '<@UBOT> what now',
      type: 'app_mention',
    });
    await deliver(running, mention.body);
    const answer = await eventually(() => botMessageWith('C300', 'what now'));
    expect(answer.threadTs).toBe(mention.ts);
    const followUp = slackMessageEvent({
      channel: 'C300',
      user: 'U1',
      text: 'and then?',
      threadTs: mention.ts,
    });
    await deliver(running, followUp.body);
    await eventually(() => botMessageWith('C300', 'echo: and then?'));
    await running.bot.whenIdle();
    expect(slack.messagesIn('C300').some((m) => lastText(m).includes('chatting among humans'))).toBe(false);
    expect(h.fake.conversationRequests().some((r) => r.lastUserText.includes('chatting among humans'))).toBe(
      false,
    );
  });

  it('streams the answer: each update extends the one before, the last is the whole answer', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i} is streaming along`);
    const whole = words.join(' ');
    h.fake.enqueue(
      replies.text(whole, { chunks: words.map((w, i) => (i === 0 ? w : ` ${w}`)), delayMs: 40 }),
    );
    const event = slackMessageEvent({ channel: 'D400', user: 'U4', text: 'stream please' });
    await deliver(running, event.body);
    const message = await eventually(() => slack.messagesIn('D400').find((m) => lastText(m) === whole));
    expect(message.texts.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < message.texts.length; i++) {
      expect(message.texts[i]?.startsWith(message.texts[i - 1] ?? '')).toBe(true);
    }
  });

  it('asks for approval with a card: another user is refused, the asker approves, the file is written', async () => {
    const file = join(h.workDir, 'approved.txt');
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'yes' }),
      replies.text('Written it.'),
    );
    const event = slackMessageEvent({ channel: 'D500', user: 'U1', text: 'write the file' });
    await deliver(running, event.body);
    const card = await eventually(() => approvalCard('D500'));
    const click = (user: string, actionId: string) =>
      deliver(
        running,
        slackButtonClick({
          user,
          channel: 'D500',
          messageTs: card.message.ts,
          threadTs: card.message.threadTs,
          actionId,
          value: card.requestId,
        }),
        {},
        'application/x-www-form-urlencoded',
      );
    expect((await click('U2', APPROVE_ACTION)).status).toBe(200);
    await eventually(() => botMessageWith('D500', 'only User U1 or an approver'));
    expect(existsSync(file)).toBe(false);
    await click('U1', APPROVE_ACTION);
    await eventually(() => botMessageWith('D500', 'Written it.'));
    expect(existsSync(file)).toBe(true);
    expect(lastText(card.message) + JSON.stringify(card.message.blocks)).toContain('Approved by User U1');
  });

  it('a denied tool does not run, and the card says who denied it', async () => {
    const file = join(h.workDir, 'denied.txt');
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'no' }),
      replies.text('Understood, not written.'),
    );
    const event = slackMessageEvent({ channel: 'D600', user: 'U1', text: 'try writing' });
    await deliver(running, event.body);
    const card = await eventually(() => approvalCard('D600'));
    await deliver(
      running,
      slackButtonClick({
        user: 'UBOSS',
        channel: 'D600',
        messageTs: card.message.ts,
        threadTs: card.message.threadTs,
        actionId: DENY_ACTION,
        value: card.requestId,
      }),
      {},
      'application/x-www-form-urlencoded',
    );
    await eventually(() => botMessageWith('D600', 'Understood, not written.'));
    expect(existsSync(file)).toBe(false);
    expect(JSON.stringify(card.message.blocks)).toContain('Denied by User UBOSS');
    const denial = h.fake.conversationRequests().at(-1)?.toolResults[0];
    expect(denial?.isError).toBe(true);
  });

  it('acknowledges at once while the answer takes longer than the ack deadline', async () => {
    h.fake.enqueue(replies.text('slow but sure', { chunks: ['slow ', 'but ', 'sure'], delayMs: 2_000 }));
    const event = slackMessageEvent({ channel: 'D700', user: 'U7', text: 'take your time' });
    const response = await deliver(running, event.body);
    expect(response.status).toBe(200);
    // Acknowledged before the answer was complete: the ack did not wait for the turn.
    expect(botMessageWith('D700', 'slow but sure')).toBeUndefined();
    await eventually(() => botMessageWith('D700', 'slow but sure'));
  });

  it('a failing turn gives a short message, and the bot goes on serving', async () => {
    // Every call of the turn is refused (the CLI repeats a 400 with fewer betas), until the notice is out.
    let failing = true;
    h.fake.addRule((req) =>
      failing && req.lastUserText.includes('please fail')
        ? { type: 'error', status: 400, message: 'internal detail xyz' }
        : undefined,
    );
    const failingEvent = slackMessageEvent({ channel: 'D800', user: 'U8', text: 'please fail' });
    await deliver(running, failingEvent.body);
    const notice = await eventually(() => botMessageWith('D800', 'Please try again'));
    failing = false;
    expect(lastText(notice)).toBe('The model could not answer just now (API error). Please try again.');
    const next = slackMessageEvent({ channel: 'D800', user: 'U8', text: 'are you there' });
    await deliver(running, next.body);
    const answer = await eventually(() => botMessageWith('D800', 'are you there'));
    expect(lastText(answer)).toMatch(/^echo: /);
  });

  it('answers a retried delivery once, also after a restart of the bot (state on Redis)', async () => {
    const keyPrefix = `ccs-bot-test:${process.pid}:${Date.now()}`;
    const redisState = () => createIoRedisState({ url: REDIS_URL, keyPrefix, logger: quietLogger });
    const first = await h.startBot(slackAdapter, redisState);
    const event = slackMessageEvent({ channel: 'D900', user: 'U9', text: 'count me once' });
    await deliver(first, event.body);
    await deliver(first, event.body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await eventually(() => botMessageWith('D900', 'echo: count me once'));
    await first.stop();

    const second = await h.startBot(slackAdapter, redisState);
    expect(
      (
        await deliver(second, event.body, {
          'x-slack-retry-num': '2',
          'x-slack-retry-reason': 'http_timeout',
        })
      ).status,
    ).toBe(200);
    // The same message as another event (Slack sends `message` and `app_mention` for one message).
    const sameMessage = slackMessageEvent({
      channel: 'D900',
      user: 'U9',
      text: 'count me once',
      ts: event.ts,
    });
    await deliver(second, sameMessage.body);
    const after = slackMessageEvent({ channel: 'D900', user: 'U9', text: 'now something new' });
    await deliver(second, after.body);
    await eventually(() => botMessageWith('D900', 'echo: now something new'));
    await second.bot.whenIdle();
    expect(slack.messagesIn('D900').filter((m) => lastText(m).includes('count me once'))).toHaveLength(1);
    expect(
      h.fake.conversationRequests().filter((r) => r.lastUserText.includes('count me once')),
    ).toHaveLength(1);
    await second.stop();
  });

  it('stop interrupts the running answer; new starts the conversation over', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => `part${i} `);
    h.fake.enqueue(replies.text(chunks.join(''), { chunks, delayMs: 300 }));
    await deliver(running, slackMessageEvent({ channel: 'D1000', user: 'U20', text: 'a long task' }).body);
    const answer = await eventually(() => botMessageWith('D1000', 'part0'));
    await deliver(running, slackMessageEvent({ channel: 'D1000', user: 'U20', text: 'stop' }).body);
    await eventually(() => botMessageWith('D1000', 'Stopped.'));
    await h.agent.whenIdle();
    expect(lastText(answer)).not.toContain('part39');
    expect(await h.agent.getSession('user_slack:user:U20')).not.toBeNull();
    await deliver(running, slackMessageEvent({ channel: 'D1000', user: 'U20', text: '<@UBOT> new' }).body);
    await eventually(() => botMessageWith('D1000', 'Starting over'));
    expect(await h.agent.getSession('user_slack:user:U20')).toBeNull();
  });

  it('keeps to its allowlists, and denies a tool nobody approves in time', async () => {
    const strict = await h.startBot(slackAdapter, () => createMemoryState(), {
      allow: { users: ['U30'], channels: ['C31'] },
      approvals: { timeoutMs: 1_000 },
    });
    await deliver(strict, slackMessageEvent({ channel: 'D1100', user: 'U99', text: 'let me in' }).body);
    await eventually(() => botMessageWith('D1100', 'not allowed to use this bot'));
    const elsewhere = slackMessageEvent({
      channel: 'C32',
      user: 'U30',
      text: '<@UBOT> over here',
      type: 'app_mention',
    });
    await deliver(strict, elsewhere.body);
    const allowed = slackMessageEvent({
      channel: 'C31',
      user: 'U30',
      text: '<@UBOT> in here',
      type: 'app_mention',
    });
    await deliver(strict, allowed.body);
    await eventually(() => botMessageWith('C31', 'in here'));
    await strict.bot.whenIdle();
    expect(slack.messagesIn('C32')).toEqual([]);
    expect(h.fake.conversationRequests().some((r) => /let me in|over here/.test(r.lastUserText))).toBe(false);

    const file = join(h.workDir, 'unanswered.txt');
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'late' }),
      replies.text('Nobody said yes.'),
    );
    await deliver(strict, slackMessageEvent({ channel: 'D1200', user: 'U30', text: 'write it' }).body);
    const card = await eventually(() => approvalCard('D1200'));
    await eventually(() => botMessageWith('D1200', 'Nobody said yes.'));
    expect(existsSync(file)).toBe(false);
    expect(JSON.stringify(card.message.blocks)).toContain('Denied: nobody answered in time.');
    await strict.stop();
  });
});
