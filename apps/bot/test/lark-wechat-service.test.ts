import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@claude-code-server/bot/testing';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The platforms' API stand-ins and their request signing and encryption, from the adapters' tests.
import {
  eventV2,
  larkDelivery,
  textMessageEvent,
} from '../../../packages/chat-adapter-lark/test/lark-events.js';
import { startLarkStandIn } from '../../../packages/chat-adapter-lark/test/lark-stand-in.js';
import {
  encryptForReceiver,
  newEncodingAESKey,
  nextMsgId,
  officialAccountCallback,
  sha1Sorted,
  timestampAndNonce,
  wecomCallback,
  xml,
} from '../../../packages/chat-adapter-wechat/test/wechat-events.js';
import { startWeChatStandIn } from '../../../packages/chat-adapter-wechat/test/wechat-stand-in.js';
import { runBotDoctor } from '../src/commands/doctor.js';
import { loadBotConfig } from '../src/config/load-bot-config.js';
import { type BotService, startBotService } from '../src/start/bot-service.js';
import { serviceYaml } from './service-config.js';

const LARK = { appId: 'cli_test', appSecret: 'secret-of-the-app', botOpenId: 'ou_bot' };
const LARK_KEYS = { encryptKey: 'encrypt-key-of-the-subscription', token: 'verification-token' };
const WECOM = { corpId: 'ww_corp', agentId: 1000002, secret: 'wecom-secret', token: 'wecom-token' };
const WECOM_AES_KEY = newEncodingAESKey();
const ACCOUNT = { appId: 'wx_account', appSecret: 'account-secret', token: 'account-token' };
const ACCOUNT_AES_KEY = newEncodingAESKey();

let dir: string;
let fake: FakeAnthropic;
let lark: Awaited<ReturnType<typeof startLarkStandIn>>;
let wecomApi: Awaited<ReturnType<typeof startWeChatStandIn>>;
let accountApi: Awaited<ReturnType<typeof startWeChatStandIn>>;
let service: BotService;

const env = (overrides: Record<string, string> = {}) => ({
  LARK_APP_ID: LARK.appId,
  LARK_APP_SECRET: LARK.appSecret,
  LARK_ENCRYPT_KEY: LARK_KEYS.encryptKey,
  LARK_VERIFICATION_TOKEN: LARK_KEYS.token,
  WECOM_SECRET: WECOM.secret,
  WECOM_TOKEN: WECOM.token,
  WECOM_ENCODING_AES_KEY: WECOM_AES_KEY,
  WECHAT_APP_SECRET: ACCOUNT.appSecret,
  WECHAT_TOKEN: ACCOUNT.token,
  WECHAT_ENCODING_AES_KEY: ACCOUNT_AES_KEY,
  PATH: process.env.PATH ?? '',
  ...overrides,
});

function writeConfig(urls: { lark: string; wecom: string; wechat: string }): void {
  writeFileSync(
    join(dir, 'bot.yaml'),
    [
      ...serviceYaml({ dir, configDir: join(dir, 'claude-config'), fakeUrl: fake.url }),
      'store: { type: memory }',
      'platforms:',
      `  lark: { api_url: "${urls.lark}" }`,
      `  wecom: { corp_id: ${WECOM.corpId}, agent_id: ${WECOM.agentId}, api_url: "${urls.wecom}" }`,
      `  wechat: { app_id: ${ACCOUNT.appId}, api_url: "${urls.wechat}" }`,
    ].join('\n'),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bot-lark-wechat-'));
  mkdirSync(join(dir, 'claude-config'));
  fake = await startFakeAnthropic();
  fake.setDefault((req) => ({ type: 'text', text: `echo: ${req.lastUserText.replace(/^\[.*?\]: /, '')}` }));
  lark = await startLarkStandIn(LARK, { ou_alice: 'Alice' });
  wecomApi = await startWeChatStandIn({ id: WECOM.corpId, secret: WECOM.secret });
  accountApi = await startWeChatStandIn({ id: ACCOUNT.appId, secret: ACCOUNT.appSecret });
  writeConfig({ lark: lark.url, wecom: wecomApi.url, wechat: accountApi.url });
  service = await startBotService(loadBotConfig({ cwd: dir, env: env() }), {
    env: env(),
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await service?.close();
  await lark?.close();
  await wecomApi?.close();
  await accountApi?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const hook = (platform: string, search = '') => `${service.url}/webhooks/${platform}${search}`;

/** Sends a request built for `http://bot.test/webhooks/<platform>` to the service, its query kept. */
async function deliver(platform: string, request: Request): Promise<Response> {
  return fetch(hook(platform, new URL(request.url).search), {
    method: request.method,
    headers: request.headers,
    body: request.method === 'GET' ? undefined : await request.text(),
  });
}

describe('the Feishu/Lark, WeCom and Official Account routes of the running service', () => {
  it('refuse unsigned and badly signed requests, and nothing reaches the agent', async () => {
    const dm = eventV2(
      'im.message.receive_v1',
      textMessageEvent({ chatId: 'oc_x', chatType: 'p2p', senderOpenId: 'ou_alice', text: 'forged' }),
      LARK_KEYS.token,
    );
    const refused = [
      await deliver('lark', larkDelivery(dm, { encryptKey: LARK_KEYS.encryptKey, unsigned: true })),
      await deliver('lark', larkDelivery(dm, { encryptKey: LARK_KEYS.encryptKey, signWith: 'wrong-key' })),
    ];
    const packet = xml({
      ToUserName: WECOM.corpId,
      FromUserName: 'alice',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: 'forged',
      MsgId: nextMsgId(),
      AgentID: WECOM.agentId,
    });
    const wecomSigned = wecomCallback('http://bot.test/webhooks/wecom', packet, {
      ...WECOM,
      token: 'not-the-token',
      encodingAESKey: WECOM_AES_KEY,
    });
    refused.push(await deliver('wecom', wecomSigned));
    refused.push(await fetch(hook('wecom'), { method: 'POST', body: packet }));
    const accountPacket = xml({
      ToUserName: 'gh_account',
      FromUserName: 'o_alice',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: 'forged',
      MsgId: nextMsgId(),
    });
    refused.push(
      await deliver(
        'wechat',
        officialAccountCallback('http://bot.test/webhooks/wechat', accountPacket, {
          ...ACCOUNT,
          token: 'not-the-token',
          encodingAESKey: ACCOUNT_AES_KEY,
          account: 'gh_account',
        }),
      ),
    );
    // Safe mode: a plain (unencrypted) callback is refused even with the right signature.
    refused.push(
      await deliver(
        'wechat',
        officialAccountCallback('http://bot.test/webhooks/wechat', accountPacket, {
          ...ACCOUNT,
          account: 'gh_account',
        }),
      ),
    );
    for (const response of refused) {
      expect(response.status, await response.text()).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    await service.bot.whenIdle();
    expect(fake.requests).toEqual([]);
    expect(wecomApi.callsTo('/cgi-bin/message/send')).toEqual([]);
    expect(accountApi.callsTo('/cgi-bin/message/custom/send')).toEqual([]);
  });

  it('answer WeCom and Official Account GET URL verification with the echostr', async () => {
    const wecom = timestampAndNonce();
    const echostr = encryptForReceiver(WECOM_AES_KEY, 'wecom-echo-4821', WECOM.corpId);
    const wecomQuery = new URLSearchParams({
      msg_signature: sha1Sorted(WECOM.token, wecom.timestamp, wecom.nonce, echostr),
      ...wecom,
      echostr,
    });
    const wecomAnswer = await fetch(hook('wecom', `?${wecomQuery}`));
    expect(wecomAnswer.status).toBe(200);
    expect(await wecomAnswer.text()).toBe('wecom-echo-4821');
    const account = timestampAndNonce();
    const accountQuery = new URLSearchParams({
      signature: sha1Sorted(ACCOUNT.token, account.timestamp, account.nonce),
      ...account,
      echostr: '7310582946',
    });
    const accountAnswer = await fetch(hook('wechat', `?${accountQuery}`));
    expect(accountAnswer.status).toBe(200);
    expect(await accountAnswer.text()).toBe('7310582946');
    // A wrong signature gets no echo: the platform would not save the URL.
    accountQuery.set('signature', sha1Sorted('not-the-token', account.timestamp, account.nonce));
    const wrong = await fetch(hook('wechat', `?${accountQuery}`));
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(await wrong.text()).not.toContain('7310582946');
  });

  it('answers a signed Feishu direct message through the whole service', async () => {
    const ask = larkDelivery(
      eventV2(
        'im.message.receive_v1',
        textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_alice', text: 'hello lark' }),
        LARK_KEYS.token,
      ),
      { encryptKey: LARK_KEYS.encryptKey },
    );
    expect((await deliver('lark', ask)).status).toBe(200);
    const shown = (messageId: string) =>
      lark.sent
        .filter((sent) => sent.messageId === messageId)
        .at(-1)
        ?.card.elements.find((element) => element.tag === 'markdown')?.content;
    const answered = await eventually(() =>
      lark.sent.find((sent) => sent.kind !== 'patch' && shown(sent.messageId) === 'echo: hello lark'),
    );
    expect(answered.target).toBe('oc_dm');
    await service.bot.whenIdle();
    const answers = new Set(lark.sent.map((sent) => sent.messageId));
    expect(answers.size).toBe(1);
  });
});

describe('bot.yaml for Feishu/Lark, WeCom and the Official Account', () => {
  it('refuses their secrets in the file, naming the variable, and names each bad option', () => {
    const configDir = mkdtempSync(join(tmpdir(), 'bot-lark-wechat-config-'));
    writeFileSync(
      join(configDir, 'bot.yaml'),
      [
        'platforms:',
        '  lark: { app_secret: s, encrypt_key: k, domain: larksuite }',
        '  wecom: { corp_id: ww1, agent_id: abc, token: t, encoding_aes_key: a }',
        '  wechat: { app_id: wx1, app_secret: s, passive_reply_window_ms: 5000 }',
      ].join('\n'),
    );
    let problems: string[] = [];
    try {
      loadBotConfig({ cwd: configDir, env: {} });
    } catch (error) {
      problems = [...(error as { problems: string[] }).problems];
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
    const secret = (key: string, variable: string) =>
      `platforms.${key}: secrets are not read from the config file; set the environment variable ${variable} instead`;
    expect(problems).toEqual(
      expect.arrayContaining([
        secret('lark.app_secret', 'LARK_APP_SECRET'),
        secret('lark.encrypt_key', 'LARK_ENCRYPT_KEY'),
        secret('wecom.token', 'WECOM_TOKEN'),
        secret('wecom.encoding_aes_key', 'WECOM_ENCODING_AES_KEY'),
        secret('wechat.app_secret', 'WECHAT_APP_SECRET'),
      ]),
    );
    expect(problems.join('\n')).toMatch(/platforms\.lark\.domain: .*feishu.*lark/);
    expect(problems.join('\n')).toContain('platforms.wecom.agent_id');
    expect(problems.join('\n')).toContain(
      'platforms.wechat.passive_reply_window_ms: must be below 5000: WeChat waits 5 s for a passive reply',
    );
  });
});

describe('doctor on Feishu/Lark, WeCom and the Official Account', () => {
  it("asks each platform with the adapter's own credentials check: accepted, refused, unreachable", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const byName = async (overrides: Record<string, string>) =>
      Object.fromEntries(
        (await runBotDoctor({ cwd: dir, env: env(overrides) })).map((result) => [result.name, result]),
      );
    const good = await byName({});
    expect(good.lark?.detail).toBe(
      'Feishu / Lark: credentials accepted by the platform; webhook POST /webhooks/lark',
    );
    expect(good.wecom?.detail).toBe(
      'WeCom: credentials accepted by the platform; webhook GET and POST /webhooks/wecom',
    );
    expect(good.wechat?.detail).toBe(
      'WeChat Official Account: credentials accepted by the platform, safe mode; webhook GET and POST /webhooks/wechat',
    );
    const refused = await byName({
      LARK_APP_SECRET: 'wrong',
      WECOM_SECRET: 'wrong',
      WECHAT_APP_SECRET: 'wrong',
    });
    for (const name of ['lark', 'wecom', 'wechat']) {
      expect(refused[name]?.ok).toBe(false);
      expect(refused[name]?.detail).toContain('the platform refused the credentials');
    }
    expect(refused.lark?.detail).toContain('10014');
    writeConfig({
      lark: `http://127.0.0.1:${closedPort}`,
      wecom: `http://127.0.0.1:${closedPort}`,
      wechat: `http://127.0.0.1:${closedPort}`,
    });
    const unreachable = await byName({});
    for (const name of ['lark', 'wecom', 'wechat']) {
      expect(unreachable[name]?.ok).toBe(false);
      expect(unreachable[name]?.detail).toContain("the platform's API is unreachable");
      expect(unreachable[name]?.detail).toContain('ECONNREFUSED');
    }
  });
});
