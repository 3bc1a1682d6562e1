import { createMemoryState } from '@chat-adapter/state-memory';
import { Chat } from 'chat';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWeChatOfficialAccountAdapter,
  type WeChatOfficialAccountAdapterOptions,
} from '../src/index.js';
import { parseWeChatXml } from '../src/xml.js';
import { approvalCard } from './approval-card.js';
import {
  decryptForReceiver,
  newEncodingAESKey,
  nextMsgId,
  officialAccountCallback,
  sha1Sorted,
  timestampAndNonce,
  xml,
} from './wechat-events.js';
import { startWeChatStandIn } from './wechat-stand-in.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'app-secret';
const TOKEN = 'server-token';
const ACCOUNT = 'gh_0123456789ab';
const AES_KEY = newEncodingAESKey();
const WEBHOOK = 'http://bot.test/webhooks/wechat';

type Harness = Awaited<ReturnType<typeof startHarness>>;
const running: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const harness of running.splice(0)) await harness.close();
});

async function startHarness(options: Partial<WeChatOfficialAccountAdapterOptions> = {}) {
  const standIn = await startWeChatStandIn({ id: APP_ID, secret: APP_SECRET });
  const adapter = createWeChatOfficialAccountAdapter({
    appId: APP_ID,
    appSecret: APP_SECRET,
    token: TOKEN,
    apiBaseUrl: standIn.url,
    ...options,
  });
  const chat = new Chat({
    userName: 'Claude',
    adapters: { wechat: adapter },
    state: createMemoryState(),
    logger: 'silent',
  });
  await chat.initialize();
  const background: Promise<unknown>[] = [];
  const received: string[] = [];
  const settle = async () => {
    while (background.length > 0) await Promise.allSettled(background.splice(0));
  };
  const harness = {
    standIn,
    chat,
    received,
    settle,
    deliver: (request: Request) =>
      chat.webhooks.wechat(request, { waitUntil: (task) => background.push(task) }),
    /** Texts sent as customer-service messages, in order. */
    customerServiceTexts: () =>
      standIn
        .callsTo('/cgi-bin/message/custom/send')
        .map((call) => (call.body.text as { content: string }).content),
    close: async () => {
      await settle();
      await chat.shutdown();
      await standIn.close();
    },
  };
  running.push(harness);
  return harness;
}

/** A callback as WeChat sends it: signature over token, timestamp and nonce; in safe mode the packet encrypted. */
function callback(
  packet: string,
  mode: { safe?: boolean; token?: string; msgToken?: string; aesKey?: string; receiverId?: string } = {},
): Request {
  return officialAccountCallback(WEBHOOK, packet, {
    token: mode.token ?? TOKEN,
    ...(mode.msgToken ? { msgToken: mode.msgToken } : {}),
    ...(mode.safe ? { encodingAESKey: mode.aesKey ?? AES_KEY } : {}),
    appId: mode.receiverId ?? APP_ID,
    account: ACCOUNT,
  });
}

function textPacket(content: string, msgId = nextMsgId()): string {
  return xml({
    ToUserName: ACCOUNT,
    FromUserName: 'o-alice',
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: msgId,
  });
}

function echo(h: Harness): void {
  h.chat.onDirectMessage(async (thread, message) => {
    h.received.push(`${thread.id}: ${message.text}`);
    await thread.post(`echo: ${message.text}`);
  });
}

function gate() {
  let open!: () => void;
  const closed = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { closed, open };
}

describe('the Official Account adapter in plain mode', () => {
  it('answers the server check with echostr, and refuses a bad signature', async () => {
    const h = await startHarness();
    const { timestamp, nonce } = timestampAndNonce();
    const check = (token: string) =>
      h.deliver(
        new Request(
          `${WEBHOOK}?${new URLSearchParams({ signature: sha1Sorted(token, timestamp, nonce), timestamp, nonce, echostr: 'e-42' })}`,
        ),
      );
    const ok = await check(TOKEN);
    expect([ok.status, await ok.text()]).toEqual([200, 'e-42']);
    expect((await check('guess')).status).toBe(401);
  });

  it('refuses a message with a bad signature; nothing reaches the handler', async () => {
    const h = await startHarness();
    echo(h);
    const response = await h.deliver(callback(textPacket('hi'), { token: 'guess' }));
    await h.settle();
    expect(response.status).toBe(401);
    expect(h.received).toEqual([]);
    expect(h.standIn.calls).toEqual([]);
  });

  it('gives an answer ready within the window as the passive reply, with no API call', async () => {
    const h = await startHarness();
    echo(h);
    const response = await h.deliver(callback(textPacket('你好')));
    const reply = parseWeChatXml(await response.text());
    expect(reply).toMatchObject({
      ToUserName: 'o-alice',
      FromUserName: ACCOUNT,
      MsgType: 'text',
      Content: 'echo: 你好',
    });
    await h.settle();
    expect(h.received).toEqual(['wechat:o-alice: 你好']);
    expect(h.standIn.calls).toEqual([]);
  });

  it('answers "success" within the 5 s while the handler takes longer, then sends a customer-service message', async () => {
    const h = await startHarness({ passiveReplyWindowMs: 50 });
    const slow = gate();
    h.chat.onDirectMessage(async (thread) => {
      await slow.closed;
      await thread.post('the slow answer');
    });
    const response = await h.deliver(callback(textPacket('slow')));
    expect(await response.text()).toBe('success');
    expect(h.customerServiceTexts()).toEqual([]);
    slow.open();
    await h.settle();
    expect(h.customerServiceTexts()).toEqual(['the slow answer']);
  });

  it('answers a message WeChat delivers three times (no answer within 5 s) once', async () => {
    const h = await startHarness({ passiveReplyWindowMs: 50 });
    const slow = gate();
    let calls = 0;
    h.chat.onDirectMessage(async (thread) => {
      calls++;
      await slow.closed;
      await thread.post('one answer');
    });
    const packet = textPacket('retried');
    const responses = [];
    for (let delivery = 0; delivery < 3; delivery++)
      responses.push(await (await h.deliver(callback(packet))).text());
    slow.open();
    await h.settle();
    expect(responses).toEqual(['success', 'success', 'success']);
    expect(calls).toBe(1);
    expect(h.customerServiceTexts()).toEqual(['one answer']);
  });

  it('asks for an approval with a reply prompt, and takes the reply "1" as the Approve click', async () => {
    const h = await startHarness({ passiveReplyWindowMs: 0 });
    const clicks: string[] = [];
    h.chat.onDirectMessage(async (thread, message) => {
      h.received.push(message.text);
      await thread.post(approvalCard('req-3'));
    });
    h.chat.onAction(['approve', 'deny'], async (event) => {
      clicks.push(`${event.actionId} ${event.value} by ${event.user.userId} in ${event.threadId}`);
    });
    await h.deliver(callback(textPacket('write it')));
    await h.settle();
    expect(h.customerServiceTexts()).toEqual([
      'Allow Write?\nWrite notes.md\n\nReply 1 to Approve, 2 to Deny.',
    ]);
    await h.deliver(callback(textPacket(' 1 ')));
    await h.settle();
    expect(clicks).toEqual(['approve req-3 by o-alice in wechat:o-alice']);
    // The prompt is answered: a later "1" is a message again.
    await h.deliver(callback(textPacket('1')));
    await h.settle();
    expect(h.received).toEqual(['write it', '1']);
  });

  it('sends a typing notice, then a long streamed answer in parts within 2048 bytes', async () => {
    const h = await startHarness({ passiveReplyWindowMs: 0 });
    const paragraph = '公众号的回答很长。'.repeat(50); // 1350 bytes
    h.chat.onDirectMessage(async (thread) => {
      await thread.post(
        (async function* () {
          yield paragraph;
          yield `\n\n${paragraph}`;
        })(),
      );
    });
    await h.deliver(callback(textPacket('stream it')));
    await h.settle();
    expect(h.standIn.calls.map((call) => call.path)).toEqual([
      '/cgi-bin/message/custom/typing',
      '/cgi-bin/message/custom/send',
      '/cgi-bin/message/custom/send',
    ]);
    expect(h.standIn.calls[0]?.body).toEqual({ touser: 'o-alice', command: 'Typing' });
    expect(h.customerServiceTexts()).toEqual([paragraph, paragraph]);
  });

  it('checks its credentials on demand, saying what WeChat said of wrong ones', async () => {
    const h = await startHarness();
    const account = { appId: APP_ID, token: TOKEN, apiBaseUrl: h.standIn.url };
    await expect(
      createWeChatOfficialAccountAdapter({ ...account, appSecret: APP_SECRET }).checkCredentials(),
    ).resolves.toBeUndefined();
    await expect(
      createWeChatOfficialAccountAdapter({ ...account, appSecret: 'wrong' }).checkCredentials(),
    ).rejects.toThrow(/could not get an access_token: errcode 40125/);
  });

  it('names what is wrong when created', () => {
    expect(() => createWeChatOfficialAccountAdapter({ appId: APP_ID, appSecret: '', token: TOKEN })).toThrow(
      /appSecret is required/,
    );
    expect(() =>
      createWeChatOfficialAccountAdapter({
        appId: APP_ID,
        appSecret: APP_SECRET,
        token: TOKEN,
        passiveReplyWindowMs: 5000,
      }),
    ).toThrow(/passiveReplyWindowMs must be/);
  });
});

describe('the Official Account adapter in safe mode', () => {
  it('refuses a bad msg_signature, a ciphertext for another account, and a plain packet; nothing reaches the handler', async () => {
    const h = await startHarness({ encodingAESKey: AES_KEY });
    echo(h);
    const statuses = [
      (await h.deliver(callback(textPacket('hi'), { safe: true, msgToken: 'guess' }))).status,
      (await h.deliver(callback(textPacket('hi'), { safe: true, receiverId: 'wx-another-account' }))).status,
      (await h.deliver(callback(textPacket('hi'), { safe: true, aesKey: newEncodingAESKey() }))).status,
      (await h.deliver(callback(textPacket('hi')))).status,
    ];
    await h.settle();
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(h.received).toEqual([]);
    expect(h.standIn.calls).toEqual([]);
  });

  it('encrypts and signs the passive reply as documented', async () => {
    const h = await startHarness({ encodingAESKey: AES_KEY });
    echo(h);
    const response = await h.deliver(callback(textPacket('加密'), { safe: true }));
    const sealed = parseWeChatXml(await response.text());
    expect(sealed?.MsgSignature).toBe(
      sha1Sorted(TOKEN, sealed?.TimeStamp ?? '', sealed?.Nonce ?? '', sealed?.Encrypt ?? ''),
    );
    const opened = decryptForReceiver(AES_KEY, sealed?.Encrypt ?? '');
    expect(opened.receiverId).toBe(APP_ID);
    expect(parseWeChatXml(opened.message)).toMatchObject({
      ToUserName: 'o-alice',
      MsgType: 'text',
      Content: 'echo: 加密',
    });
  });
});
