import { createMemoryState } from '@chat-adapter/state-memory';
import { decrypt, getSignature } from '@wecom/crypto';
import { Card, CardText, Chat } from 'chat';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWeComAdapter, type WeComAdapter } from '../src/index.js';
import { approvalCard } from './approval-card.js';
import {
  encryptForReceiver,
  newEncodingAESKey,
  nextMsgId,
  sha1Sorted,
  timestampAndNonce,
  wecomCallback,
  xml,
} from './wechat-events.js';
import { startWeChatStandIn } from './wechat-stand-in.js';

const CORP_ID = 'ww0123456789abcdef';
const AGENT_ID = 1000002;
const SECRET = 'app-secret';
const TOKEN = 'callback-token';
const AES_KEY = newEncodingAESKey();
const WEBHOOK = 'http://bot.test/webhooks/wecom';

let standIn: Awaited<ReturnType<typeof startWeChatStandIn>>;
let chat: Chat<{ wecom: WeComAdapter }>;
let background: Promise<unknown>[];
let received: string[];

beforeEach(async () => {
  standIn = await startWeChatStandIn({ id: CORP_ID, secret: SECRET });
  const adapter = createWeComAdapter({
    corpId: CORP_ID,
    agentId: AGENT_ID,
    secret: SECRET,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    apiBaseUrl: standIn.url,
  });
  chat = new Chat({
    userName: 'Claude',
    adapters: { wecom: adapter },
    state: createMemoryState(),
    logger: 'silent',
  });
  background = [];
  received = [];
  await chat.initialize();
});

afterEach(async () => {
  await settle();
  await chat.shutdown();
  await standIn.close();
});

async function settle(): Promise<void> {
  while (background.length > 0) await Promise.allSettled(background.splice(0));
}

function deliver(request: Request): Promise<Response> {
  return chat.webhooks.wecom(request, { waitUntil: (task) => background.push(task) });
}

/** A callback POST as WeCom sends it: the packet encrypted for the receiver and signed with msg_signature. */
function callback(
  packet: string,
  keys: { aesKey?: string; receiverId?: string; token?: string } = {},
): Request {
  return wecomCallback(WEBHOOK, packet, {
    token: keys.token ?? TOKEN,
    encodingAESKey: keys.aesKey ?? AES_KEY,
    corpId: keys.receiverId ?? CORP_ID,
    agentId: AGENT_ID,
  });
}

function textPacket(userId: string, content: string, msgId = nextMsgId()): string {
  return xml({
    ToUserName: CORP_ID,
    FromUserName: userId,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: msgId,
    AgentID: AGENT_ID,
  });
}

function echo(): void {
  chat.onDirectMessage(async (thread, message) => {
    received.push(`${thread.id} ${message.author.userId}: ${message.text}`);
    await thread.post(`echo: ${message.text}`);
  });
}

describe('the WeCom adapter', () => {
  it('answers the URL verification with the decrypted echostr', async () => {
    const echostr = encryptForReceiver(AES_KEY, 'echo-4711', CORP_ID);
    const { timestamp, nonce } = timestampAndNonce();
    const query = (signature: string) =>
      new URLSearchParams({ msg_signature: signature, timestamp, nonce, echostr });
    const ok = await deliver(
      new Request(`${WEBHOOK}?${query(sha1Sorted(TOKEN, timestamp, nonce, echostr))}`),
    );
    expect([ok.status, await ok.text()]).toEqual([200, 'echo-4711']);
    const forged = await deliver(
      new Request(`${WEBHOOK}?${query(sha1Sorted('guess', timestamp, nonce, echostr))}`),
    );
    expect(forged.status).toBe(401);
  });

  it('signs and encrypts test callbacks the way @wecom/crypto reads them', () => {
    const encrypted = encryptForReceiver(AES_KEY, '<xml>企业微信</xml>', CORP_ID);
    expect(decrypt(AES_KEY, encrypted)).toMatchObject({ message: '<xml>企业微信</xml>', id: CORP_ID });
    expect(sha1Sorted(TOKEN, '1', '2', encrypted)).toBe(getSignature(TOKEN, '1', '2', encrypted));
  });

  it('refuses a bad msg_signature, another key and a ciphertext for another company; nothing reaches the handler', async () => {
    echo();
    const refused = [
      await deliver(callback(textPacket('alice', 'hi'), { token: 'guess' })),
      await deliver(callback(textPacket('alice', 'hi'), { aesKey: newEncodingAESKey() })),
      await deliver(callback(textPacket('alice', 'hi'), { receiverId: 'ww-another-company' })),
    ];
    await settle();
    expect(refused.map((response) => response.status)).toEqual([401, 401, 401]);
    expect(received).toEqual([]);
    expect(standIn.calls).toEqual([]);
  });

  it('leaves a callback for another app of the company (another AgentID) alone', async () => {
    echo();
    const packet = textPacket('alice', 'for the other app').replace(
      `<AgentID>${AGENT_ID}</AgentID>`,
      '<AgentID>1000003</AgentID>',
    );
    const response = await deliver(callback(packet));
    await settle();
    expect(response.status).toBe(200);
    expect(received).toEqual([]);
    expect(standIn.calls).toEqual([]);
  });

  it('answers a direct message through message/send with a cached access_token', async () => {
    echo();
    for (const text of ['你好', 'again']) {
      const response = await deliver(callback(textPacket('alice', text)));
      expect([response.status, await response.text()]).toEqual([200, '']);
      await settle();
    }
    expect(received).toEqual(['wecom:alice alice: 你好', 'wecom:alice alice: again']);
    expect(standIn.callsTo('/cgi-bin/message/send').map((call) => call.body)).toEqual([
      { touser: 'alice', agentid: AGENT_ID, msgtype: 'text', text: { content: 'echo: 你好' } },
      { touser: 'alice', agentid: AGENT_ID, msgtype: 'text', text: { content: 'echo: again' } },
    ]);
    expect(standIn.tokenRequests()).toBe(1);
  });

  it('writes first to a member through openDM', async () => {
    const threadId = await chat.getAdapter('wecom').openDM('bob');
    await chat.thread(threadId).post('a notice');
    expect(threadId).toBe('wecom:bob');
    expect(
      standIn.callsTo('/cgi-bin/message/send').map((call) => [call.body.touser, call.body.text]),
    ).toEqual([['bob', { content: 'a notice' }]]);
  });

  it('fetches a new access_token once when the platform says it expired', async () => {
    echo();
    await deliver(callback(textPacket('alice', 'one')));
    await settle();
    standIn.expireToken();
    await deliver(callback(textPacket('alice', 'two')));
    await settle();
    expect(
      standIn.callsTo('/cgi-bin/message/send').map((call) => (call.body.text as { content: string }).content),
    ).toEqual(['echo: one', 'echo: two']);
    expect(standIn.tokenRequests()).toBe(2);
  });

  it('sends a long answer in parts within 2048 bytes, in order, losing nothing', async () => {
    const paragraph = '这是一个很长的回答。'.repeat(40); // 1200 bytes
    const answer = [paragraph, paragraph, paragraph].join('\n\n');
    chat.onDirectMessage(async (thread) => {
      await thread.post(answer);
    });
    await deliver(callback(textPacket('alice', 'long please')));
    await settle();
    const parts = standIn
      .callsTo('/cgi-bin/message/send')
      .map((call) => (call.body.text as { content: string }).content);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((part) => Buffer.byteLength(part) <= 2048)).toBe(true);
    expect(parts.join('\n\n')).toBe(answer);
  });

  it('sends buttons as a button_interaction template card and brings the click back, then shows the outcome on its button', async () => {
    chat.onDirectMessage(async (thread) => {
      await thread.post(approvalCard('req-7'));
    });
    chat.onAction(['approve', 'deny'], async (event) => {
      received.push(`${event.actionId} ${event.value} by ${event.user.userId} in ${event.threadId}`);
      // As a bot shows the outcome: the card again, without its buttons, and the decision last.
      await event.adapter.editMessage(
        event.threadId,
        event.messageId,
        Card({ title: 'Allow Write?', children: [CardText('Write notes.md\nApproved by alice')] }),
      );
    });
    await deliver(callback(textPacket('alice', 'write it')));
    await settle();
    const [sent] = standIn.callsTo('/cgi-bin/message/send');
    const card = sent?.body.template_card as {
      card_type: string;
      main_title: { title: string };
      sub_title_text: string;
      task_id: string;
      button_list: { text: string; key: string }[];
    };
    expect(sent?.body.msgtype).toBe('template_card');
    expect([card.card_type, card.main_title.title, card.sub_title_text]).toEqual([
      'button_interaction',
      'Allow Write?',
      'Write notes.md',
    ]);
    expect(card.button_list.map((button) => button.text)).toEqual(['Approve', 'Deny']);

    const click = await deliver(
      callback(
        xml({
          ToUserName: CORP_ID,
          FromUserName: 'alice',
          CreateTime: Math.floor(Date.now() / 1000),
          MsgType: 'event',
          Event: 'template_card_event',
          EventKey: card.button_list[0]?.key ?? '',
          TaskId: card.task_id,
          CardType: 'button_interaction',
          ResponseCode: 'response-code-1',
          AgentID: AGENT_ID,
        }),
      ),
    );
    expect(click.status).toBe(200);
    await settle();
    expect(received).toEqual(['approve req-7 by alice in wecom:alice']);
    expect(standIn.callsTo('/cgi-bin/message/update_template_card').map((call) => call.body)).toEqual([
      {
        userids: ['alice'],
        agentid: AGENT_ID,
        response_code: 'response-code-1',
        button: { replace_name: 'Approved by alice' },
      },
    ]);
  });

  it('answers a packet delivered three times (WeChat’s retries) once', async () => {
    echo();
    const packet = textPacket('alice', 'only once');
    for (let delivery = 0; delivery < 3; delivery++)
      expect((await deliver(callback(packet))).status).toBe(200);
    await settle();
    expect(received).toEqual(['wecom:alice alice: only once']);
    expect(standIn.callsTo('/cgi-bin/message/send')).toHaveLength(1);
  });

  it('answers the callback within the 5 s while the handler takes longer, and sends the answer afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    chat.onDirectMessage(async (thread) => {
      await gate;
      await thread.post('the slow answer');
    });
    const response = await deliver(callback(textPacket('alice', 'slow')));
    expect([response.status, await response.text()]).toEqual([200, '']);
    expect(standIn.calls).toEqual([]);
    release();
    await settle();
    expect(standIn.callsTo('/cgi-bin/message/send').map((call) => call.body.text)).toEqual([
      { content: 'the slow answer' },
    ]);
  });

  it('checks its credentials on demand, saying what WeCom said of wrong ones', async () => {
    const valid = {
      corpId: CORP_ID,
      agentId: AGENT_ID,
      secret: SECRET,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      apiBaseUrl: standIn.url,
    };
    await expect(createWeComAdapter(valid).checkCredentials()).resolves.toBeUndefined();
    await expect(
      createWeComAdapter({ ...valid, secret: 'not-the-secret' }).checkCredentials(),
    ).rejects.toThrow(/could not get an access_token: errcode 40001/);
  });

  it('names what is missing or malformed when created', () => {
    const valid = {
      corpId: CORP_ID,
      agentId: AGENT_ID,
      secret: SECRET,
      token: TOKEN,
      encodingAESKey: AES_KEY,
    };
    expect(() => createWeComAdapter({ ...valid, secret: '' })).toThrow(/secret is required/);
    expect(() => createWeComAdapter({ ...valid, encodingAESKey: 'short' })).toThrow(/encodingAESKey must be/);
    expect(() => createWeComAdapter({ ...valid, agentId: 'app' })).toThrow(/agentId must be/);
  });
});
