import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryState } from '@chat-adapter/state-memory';
import {
  type BotHarness,
  eventually,
  type RunningBot,
  startBotHarness,
} from '@claude-code-server/bot/testing';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWeChatOfficialAccountAdapter, createWeComAdapter } from '../src/index.js';
import { parseWeChatXml } from '../src/xml.js';
import {
  decryptForReceiver,
  newEncodingAESKey,
  nextMsgId,
  officialAccountCallback,
  wecomCallback,
  xml,
} from './wechat-events.js';
import { startWeChatStandIn } from './wechat-stand-in.js';

const WECOM = {
  corpId: 'ww0123456789abcdef',
  agentId: 1000002,
  secret: 'app-secret',
  token: 'callback-token',
  encodingAESKey: newEncodingAESKey(),
};
const ACCOUNT = {
  appId: 'wx0123456789abcdef',
  appSecret: 'account-secret',
  token: 'server-token',
  encodingAESKey: newEncodingAESKey(),
};

let wecomApi: Awaited<ReturnType<typeof startWeChatStandIn>>;
let accountApi: Awaited<ReturnType<typeof startWeChatStandIn>>;
let h: BotHarness;
let running: RunningBot;

beforeAll(async () => {
  wecomApi = await startWeChatStandIn({ id: WECOM.corpId, secret: WECOM.secret });
  accountApi = await startWeChatStandIn({ id: ACCOUNT.appId, secret: ACCOUNT.appSecret });
  h = await startBotHarness({ pool: { maxLive: 1, spares: 0 } });
  running = await h.startBot(
    () => ({
      wecom: createWeComAdapter({ ...WECOM, apiBaseUrl: wecomApi.url }),
      wechat: createWeChatOfficialAccountAdapter({ ...ACCOUNT, apiBaseUrl: accountApi.url }),
    }),
    () => createMemoryState(),
  );
});

afterAll(async () => {
  await h?.close();
  await wecomApi?.close();
  await accountApi?.close();
});

const now = () => Math.floor(Date.now() / 1000);

const wecomCallbackOf = (packet: string) => wecomCallback('http://bot.test/webhooks/wecom', packet, WECOM);
const accountCallback = (packet: string) =>
  officialAccountCallback('http://bot.test/webhooks/wechat', packet, { ...ACCOUNT, account: 'gh_account' });

const sentTexts = (api: typeof wecomApi, path: string) =>
  api
    .callsTo(path)
    .flatMap((call) => (call.body.text ? [(call.body.text as { content: string }).content] : []));

it('runs a Claude Code turn from a WeCom message, approving its Write on the template card', async () => {
  const file = join(h.workDir, 'from-wecom.txt');
  h.fake.enqueue(replies.toolUse('Write', { file_path: file, content: 'hi' }), replies.text('Written it.'));
  const ask = xml({
    ToUserName: WECOM.corpId,
    FromUserName: 'alice',
    CreateTime: now(),
    MsgType: 'text',
    Content: 'write the file',
    MsgId: nextMsgId(),
    AgentID: WECOM.agentId,
  });
  expect((await running.deliver('wecom', wecomCallbackOf(ask))).status).toBe(200);

  const card = await eventually(() =>
    wecomApi.callsTo('/cgi-bin/message/send').find((call) => call.body.msgtype === 'template_card'),
  );
  const template = card.body.template_card as {
    task_id: string;
    main_title: { title: string };
    button_list: { text: string; key: string }[];
  };
  expect(template.main_title.title).toBe('Allow Write?');
  expect(template.button_list.map((button) => button.text)).toEqual(['Approve', 'Deny']);
  const click = xml({
    ToUserName: WECOM.corpId,
    FromUserName: 'alice',
    CreateTime: now(),
    MsgType: 'event',
    Event: 'template_card_event',
    EventKey: template.button_list[0]?.key ?? '',
    TaskId: template.task_id,
    CardType: 'button_interaction',
    ResponseCode: 'code-1',
    AgentID: WECOM.agentId,
  });
  expect((await running.deliver('wecom', wecomCallbackOf(click))).status).toBe(200);

  await eventually(() => sentTexts(wecomApi, '/cgi-bin/message/send').includes('Written it.'));
  expect(existsSync(file)).toBe(true);
  const update = await eventually(() => wecomApi.callsTo('/cgi-bin/message/update_template_card')[0]);
  expect((update.body.button as { replace_name: string }).replace_name).toMatch(/^Approved/);
}, 120_000);

it('runs a Claude Code turn from an Official Account message: the prompt as the passive reply, "1" approves', async () => {
  const file = join(h.workDir, 'from-wechat.txt');
  h.fake.enqueue(replies.toolUse('Write', { file_path: file, content: 'hi' }), replies.text('Written it.'));
  const ask = xml({
    ToUserName: 'gh_account',
    FromUserName: 'o-alice',
    CreateTime: now(),
    MsgType: 'text',
    Content: 'write the file',
    MsgId: nextMsgId(),
  });
  const response = await running.deliver('wechat', accountCallback(ask));
  const sealed = parseWeChatXml(await response.text());
  // The approval is asked within the window: it is the callback's (encrypted) passive reply.
  const prompt = parseWeChatXml(decryptForReceiver(ACCOUNT.encodingAESKey, sealed?.Encrypt ?? '').message);
  expect(prompt?.Content).toMatch(/^Allow Write\?\n[\s\S]*Reply 1 to Approve, 2 to Deny\.$/);
  expect(existsSync(file)).toBe(false);

  const yes = xml({
    ToUserName: 'gh_account',
    FromUserName: 'o-alice',
    CreateTime: now(),
    MsgType: 'text',
    Content: '1',
    MsgId: nextMsgId(),
  });
  expect(await (await running.deliver('wechat', accountCallback(yes))).text()).toBe('success');

  await eventually(() => sentTexts(accountApi, '/cgi-bin/message/custom/send').includes('Written it.'));
  expect(existsSync(file)).toBe(true);
  // No edits on WeChat: the outcome of the approval comes as a message of its own.
  expect(
    sentTexts(accountApi, '/cgi-bin/message/custom/send').some((text) =>
      text.includes('Approved by o-alice'),
    ),
  ).toBe(true);
}, 120_000);
