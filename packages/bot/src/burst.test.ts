import { createSlackAdapter } from '@chat-adapter/slack';
import { createMemoryState } from '@chat-adapter/state-memory';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  SLACK_BOT_TOKEN,
  SLACK_SIGNING_SECRET,
  type SlackStandIn,
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

let h: BotHarness;
let slack: SlackStandIn;
let running: RunningBot;

beforeAll(async () => {
  // The agent merges messages of one session arriving within a second into one turn.
  h = await startBotHarness({ debounceMs: 1_000 });
  slack = await startSlackStandIn();
  running = await h.startBot(
    () => ({
      slack: createSlackAdapter({
        botToken: SLACK_BOT_TOKEN,
        signingSecret: SLACK_SIGNING_SECRET,
        apiUrl: slack.apiUrl,
        logger: quietLogger,
      }),
    }),
    () => createMemoryState(),
  );
});

afterAll(async () => {
  await h?.close();
  await slack?.close();
});

it('answers a burst of messages once, with all of them in the turn', async () => {
  for (const text of ['hey', 'quick question', 'what is 2+2?']) {
    const event = slackMessageEvent({ channel: 'D1', user: 'U1', text });
    await fetch(running.webhookUrl('slack'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...slackSignature(event.body) },
      body: event.body,
    });
  }
  await eventually(() => slack.messagesIn('D1').some((m) => m.texts.at(-1)?.includes('what is 2+2?')));
  await running.bot.whenIdle();
  const answers = slack.messagesIn('D1').map((m) => m.texts.at(-1) ?? '');
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatch(/hey[\s\S]*quick question[\s\S]*what is 2\+2\?/);
  expect(h.fake.conversationRequests()).toHaveLength(1);
});
