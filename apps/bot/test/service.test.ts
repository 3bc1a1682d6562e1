import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createSqliteSessionStore } from '@claude-code-server/store-sqlite';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
// The Slack Web API stand-in and Slack's request signing, from the bridge package's tests.
import {
  SLACK_BOT_TOKEN,
  SLACK_SIGNING_SECRET,
  type SlackStandIn,
  slackMessageEvent,
  slackSignature,
  startSlackStandIn,
} from '../../../packages/bot/src/test-support/slack-stand-in.js';
import { loadBotConfig } from '../src/config/load-bot-config.js';
import { type BotService, startBotService } from '../src/start/bot-service.js';
import { serviceYaml } from './service-config.js';

let dir: string;
let fake: FakeAnthropic;
let slack: SlackStandIn;
let service: BotService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bot-service-'));
  fake = await startFakeAnthropic();
  fake.setDefault((req) => ({ type: 'text', text: `echo: ${req.lastUserText.replace(/^\[.*?\]: /, '')}` }));
  slack = await startSlackStandIn();
  const configDir = join(dir, 'claude-config');
  mkdirSync(configDir);
  writeFileSync(
    join(dir, 'bot.yaml'),
    [
      ...serviceYaml({ dir, configDir, fakeUrl: fake.url }),
      'store: { type: sqlite, path: ./data/sessions.db }',
      'platforms:',
      `  slack: { api_url: "${slack.apiUrl}" }`,
    ].join('\n'),
  );
  const env = { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET };
  service = await startBotService(loadBotConfig({ cwd: dir, env }), {
    env,
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await service?.close();
  await slack?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('answers a Slack DM and keeps the conversation in the store the server reads', async () => {
  const event = slackMessageEvent({ channel: 'D1', user: 'U1', text: 'hello service' });
  const response = await fetch(`${service.url}/webhooks/slack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...slackSignature(event.body) },
    body: event.body,
  });
  expect(response.status).toBe(200);
  for (
    let i = 0;
    i < 2400 && !slack.messagesIn('D1').some((m) => m.texts.at(-1) === 'echo: hello service');
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(slack.messagesIn('D1').map((m) => m.texts.at(-1))).toEqual(['echo: hello service']);
  await service.agent.whenIdle();
  // Another process on the same SQLite file (the server, say) sees the session and its messages.
  const store = createSqliteSessionStore({ path: join(dir, 'data/sessions.db') });
  try {
    const sessions = await store.listSessions('slack:user:U1');
    expect(sessions.sessions.map((s) => [s.id, s.project])).toEqual([['user_slack:user:U1', 'default']]);
    const history = await store.listMessages('user_slack:user:U1');
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(history.messages[1]?.content).toBe('echo: hello service');
  } finally {
    await store.close();
  }
});
