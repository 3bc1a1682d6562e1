import { createMemoryState } from '@chat-adapter/state-memory';
import { AESCipher } from '@larksuiteoapi/node-sdk';
import { Actions, Button, Card, CardText, Chat, type Message, type Thread } from 'chat';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLarkAdapter, type LarkAdapter } from '../src/index.js';
import { encryptLark, eventV2, larkDelivery, textMessageEvent } from './lark-events.js';
import { startLarkStandIn } from './lark-stand-in.js';

const APP = { appId: 'cli_test', appSecret: 'secret-of-the-app', botOpenId: 'ou_bot' };
const ENCRYPT_KEY = 'encrypt-key-of-the-subscription';
const VERIFICATION_TOKEN = 'verification-token';
const BOT_MENTION = { key: '@_user_1', openId: APP.botOpenId, name: 'Claude' };

let standIn: Awaited<ReturnType<typeof startLarkStandIn>>;
let adapter: LarkAdapter;
let chat: Chat<{ lark: LarkAdapter }>;
let background: Promise<unknown>[];
/** What reached the handlers, in order. */
let received: {
  kind: 'mention' | 'subscribed' | 'dm' | 'action';
  text: string;
  threadId: string;
  userId: string;
  name?: string;
}[];

beforeEach(async () => {
  standIn = await startLarkStandIn(APP, { ou_alice: 'Alice' });
  adapter = createLarkAdapter({
    appId: APP.appId,
    appSecret: APP.appSecret,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    apiBaseUrl: standIn.url,
  });
  chat = new Chat({
    userName: 'Claude',
    adapters: { lark: adapter },
    state: createMemoryState(),
    logger: 'silent',
  });
  background = [];
  received = [];
  await chat.initialize();
});

afterEach(async () => {
  await Promise.allSettled(background);
  await chat.shutdown();
  await standIn.close();
});

/** Delivers a request to the bot's webhook the way a server would, keeping its background work. */
async function deliver(request: Request): Promise<Response> {
  return chat.webhooks.lark(request, { waitUntil: (task) => background.push(task) });
}

async function settle(): Promise<void> {
  while (background.length > 0) await Promise.allSettled(background.splice(0));
}

function echoOnMention(): void {
  const answer = async (kind: 'mention' | 'subscribed' | 'dm', thread: Thread, message: Message) => {
    received.push({
      kind,
      text: message.text,
      threadId: thread.id,
      userId: message.author.userId,
      name: message.author.fullName,
    });
    await thread.subscribe();
    await thread.post(`echo: ${message.text}`);
  };
  chat.onDirectMessage((thread, message) => answer('dm', thread, message));
  chat.onNewMention((thread, message) => answer('mention', thread, message));
  chat.onSubscribedMessage((thread, message) => answer('subscribed', thread, message));
}

const signed = { encryptKey: ENCRYPT_KEY };

describe('the Lark adapter', () => {
  it('answers the URL verification challenge, which Lark sends encrypted and unsigned', async () => {
    const response = await deliver(
      larkDelivery(
        { challenge: 'c-123', token: VERIFICATION_TOKEN, type: 'url_verification' },
        { ...signed, unsigned: true },
      ),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'c-123' });
  });

  it('encrypts test events the way the official SDK decrypts them', () => {
    const encrypted = encryptLark('{"hello":"飞书"}', ENCRYPT_KEY);
    expect(new AESCipher(ENCRYPT_KEY).decrypt(encrypted)).toBe('{"hello":"飞书"}');
  });

  it('refuses a bad signature, a wrong key, a missing signature and a wrong token; nothing reaches the handler', async () => {
    echoOnMention();
    const event = () =>
      eventV2(
        'im.message.receive_v1',
        textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_u', text: 'hi' }),
        VERIFICATION_TOKEN,
      );
    const refused = [
      await deliver(larkDelivery(event(), { encryptKey: ENCRYPT_KEY, signWith: 'another-key' })),
      await deliver(larkDelivery(event(), { encryptKey: 'another-key' })),
      await deliver(larkDelivery(event(), { ...signed, unsigned: true })),
      await deliver(
        larkDelivery(
          eventV2(
            'im.message.receive_v1',
            textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_u', text: 'hi' }),
            'wrong',
          ),
          signed,
        ),
      ),
      await deliver(
        new Request('http://bot.test/webhooks/lark', {
          method: 'POST',
          body: JSON.stringify(event()),
          headers: { 'content-type': 'application/json' },
        }),
      ),
    ];
    await settle();
    expect(refused.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
    expect(received).toEqual([]);
    expect(standIn.sent).toEqual([]);
  });

  it('names the sender from the contact API, and by open_id when the app may not read contacts', async () => {
    echoOnMention();
    for (const sender of ['ou_alice', 'ou_unknown']) {
      await deliver(
        larkDelivery(
          eventV2(
            'im.message.receive_v1',
            textMessageEvent({ chatId: `oc_${sender}`, chatType: 'p2p', senderOpenId: sender, text: 'hi' }),
            VERIFICATION_TOKEN,
          ),
          signed,
        ),
      );
      await settle();
    }
    expect(received.map(({ userId, name }) => [userId, name])).toEqual([
      ['ou_alice', 'Alice'],
      ['ou_unknown', 'ou_unknown'],
    ]);
  });

  it('answers a direct message in its chat, fetching the tenant token once for several calls', async () => {
    echoOnMention();
    for (const text of ['hello', 'again']) {
      const response = await deliver(
        larkDelivery(
          eventV2(
            'im.message.receive_v1',
            textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_alice', text }),
            VERIFICATION_TOKEN,
          ),
          signed,
        ),
      );
      expect(response.status).toBe(200);
      await settle();
    }
    expect(received.map(({ kind, text, threadId, userId }) => [kind, text, threadId, userId])).toEqual([
      ['dm', 'hello', 'lark:p2p:oc_dm', 'ou_alice'],
      ['dm', 'again', 'lark:p2p:oc_dm', 'ou_alice'],
    ]);
    expect(standIn.sent.map((sent) => [sent.kind, sent.target, sent.card.elements[0]?.content])).toEqual([
      ['create', 'oc_dm', 'echo: hello'],
      ['create', 'oc_dm', 'echo: again'],
    ]);
    expect(standIn.tokenRequests()).toBe(1);
  });

  it('fetches a new tenant token once when Lark calls the cached one invalid', async () => {
    echoOnMention();
    const direct = (text: string) =>
      larkDelivery(
        eventV2(
          'im.message.receive_v1',
          textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_alice', text }),
          VERIFICATION_TOKEN,
        ),
        signed,
      );
    await deliver(direct('one'));
    await settle();
    standIn.revokeToken();
    await deliver(direct('two'));
    await settle();
    expect(standIn.sent.map((sent) => sent.card.elements[0]?.content)).toEqual(['echo: one', 'echo: two']);
    expect(standIn.tokenRequests()).toBe(2);
  });

  it('in a group answers a mention in a thread under it, follows that thread, and ignores messages without a mention', async () => {
    echoOnMention();
    const group = (
      text: string,
      extra: { mentions?: (typeof BOT_MENTION)[]; rootId?: string; messageId?: string },
    ) =>
      deliver(
        larkDelivery(
          eventV2(
            'im.message.receive_v1',
            textMessageEvent({
              chatId: 'oc_group',
              chatType: 'group',
              senderOpenId: 'ou_bob',
              text,
              ...extra,
            }),
            VERIFICATION_TOKEN,
          ),
          signed,
        ),
      );
    await group('chatter among people', {});
    await settle();
    await group('@_user_1 what is 2+2?', { mentions: [BOT_MENTION], messageId: 'om_question' });
    await settle();
    await group('and 3+3?', { rootId: 'om_question' });
    await settle();
    expect(received.map(({ kind, text, threadId }) => [kind, text, threadId])).toEqual([
      ['mention', '@Claude what is 2+2?', 'lark:group:oc_group:om_question'],
      ['subscribed', 'and 3+3?', 'lark:group:oc_group:om_question'],
    ]);
    expect(
      standIn.sent.map((sent) => [
        sent.kind,
        sent.target,
        sent.replyInThread,
        sent.card.elements[0]?.content,
      ]),
    ).toEqual([
      ['reply', 'om_question', true, 'echo: @Claude what is 2+2?'],
      ['reply', 'om_question', true, 'echo: and 3+3?'],
    ]);
  });

  it('reads a rich-text (post) message with a mention of the bot', async () => {
    echoOnMention();
    const event = textMessageEvent({
      chatId: 'oc_group',
      chatType: 'group',
      senderOpenId: 'ou_bob',
      text: '',
      mentions: [BOT_MENTION],
      messageId: 'om_post',
    });
    event.message.message_type = 'post';
    event.message.content = JSON.stringify({
      title: 'Release',
      content: [
        [
          { tag: 'at', user_id: '@_user_1', user_name: 'Claude' },
          { tag: 'text', text: ' sum up the notes' },
        ],
      ],
    });
    await deliver(larkDelivery(eventV2('im.message.receive_v1', event, VERIFICATION_TOKEN), signed));
    await settle();
    expect(received.map(({ kind, text, threadId }) => [kind, text, threadId])).toEqual([
      ['mention', 'Release\n@Claude sum up the notes', 'lark:group:oc_group:om_post'],
    ]);
  });

  it('streams an answer by updating its card, ending with the whole text', async () => {
    chat.onDirectMessage(async (thread) => {
      await thread.post(
        (async function* () {
          for (const part of ['The answer ', 'comes ', 'in parts.']) {
            yield part;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })(),
      );
    });
    await deliver(
      larkDelivery(
        eventV2(
          'im.message.receive_v1',
          textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_alice', text: 'go' }),
          VERIFICATION_TOKEN,
        ),
        signed,
      ),
    );
    await settle();
    const [first, ...updates] = standIn.sent;
    expect(first?.kind).toBe('create');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((update) => update.kind === 'patch' && update.messageId === first?.messageId)).toBe(
      true,
    );
    expect(updates.at(-1)?.card.elements[0]?.content).toBe('The answer comes in parts.');
  });

  it('sends Approve and Deny buttons as a card and brings the click back to the action handler', async () => {
    chat.onDirectMessage(async (thread) => {
      await thread.post(
        Card({
          title: 'Allow Write?',
          children: [
            CardText('Claude wants to write notes.md'),
            Actions([
              Button({ id: 'approve', label: 'Approve', style: 'primary', value: 'req-1' }),
              Button({ id: 'deny', label: 'Deny', style: 'danger', value: 'req-1' }),
            ]),
          ],
        }),
      );
    });
    chat.onAction(['approve', 'deny'], async (event) => {
      received.push({
        kind: 'action',
        text: `${event.actionId}:${event.value}`,
        threadId: event.threadId,
        userId: event.user.userId,
      });
      await event.thread?.post(`${event.actionId}d`);
    });
    await deliver(
      larkDelivery(
        eventV2(
          'im.message.receive_v1',
          textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_alice', text: 'write it' }),
          VERIFICATION_TOKEN,
        ),
        signed,
      ),
    );
    await settle();
    const card = standIn.sent[0]?.card;
    expect(card?.header?.title.content).toBe('Allow Write?');
    const buttons = card?.elements.find((element) => element.tag === 'action')?.actions ?? [];
    expect(buttons.map((button) => button.text.content)).toEqual(['Approve', 'Deny']);

    const click = await deliver(
      larkDelivery(
        eventV2(
          'card.action.trigger',
          {
            operator: { open_id: 'ou_alice' },
            token: 'c-token',
            action: { tag: 'button', value: buttons[0]?.value },
            context: { open_message_id: standIn.sent[0]?.messageId, open_chat_id: 'oc_dm' },
          },
          VERIFICATION_TOKEN,
        ),
        signed,
      ),
    );
    expect(click.status).toBe(200);
    await settle();
    expect(received).toEqual([
      { kind: 'action', text: 'approve:req-1', threadId: 'lark:p2p:oc_dm', userId: 'ou_alice' },
    ]);
    expect(standIn.sent.at(-1)?.card.elements[0]?.content).toBe('approved');
  });

  it('answers a redelivered event (same event_id) once', async () => {
    echoOnMention();
    const event = eventV2(
      'im.message.receive_v1',
      textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_alice', text: 'once' }),
      VERIFICATION_TOKEN,
    );
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await deliver(larkDelivery(event, signed))).status).toBe(200);
    }
    await settle();
    expect(received.map(({ text }) => text)).toEqual(['once']);
    expect(standIn.sent).toHaveLength(1);
  });

  it('acknowledges within Lark’s 3 s while the answer takes longer, and sends the answer afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let answered = false;
    chat.onDirectMessage(async (thread) => {
      await gate;
      await thread.post('the slow answer');
      answered = true;
    });
    const response = await deliver(
      larkDelivery(
        eventV2(
          'im.message.receive_v1',
          textMessageEvent({ chatId: 'oc_dm', chatType: 'p2p', senderOpenId: 'ou_alice', text: 'slow' }),
          VERIFICATION_TOKEN,
        ),
        signed,
      ),
    );
    // The webhook has answered while the handler still waits: the ack does not wait for the answer.
    expect(response.status).toBe(200);
    expect(answered).toBe(false);
    expect(standIn.sent).toEqual([]);
    release();
    await settle();
    expect(standIn.sent.map((sent) => sent.card.elements[0]?.content)).toEqual(['the slow answer']);
  });

  it('checks its credentials on demand, saying what Lark said of wrong ones', async () => {
    await expect(adapter.checkCredentials()).resolves.toEqual({ openId: APP.botOpenId, appName: 'Claude' });
    const wrong = createLarkAdapter({
      appId: APP.appId,
      appSecret: 'not-the-secret',
      encryptKey: ENCRYPT_KEY,
      apiBaseUrl: standIn.url,
    });
    await expect(wrong.checkCredentials()).rejects.toThrow(/code 10014 \(app secret invalid\)/);
  });

  it('names what is missing when created without credentials', () => {
    expect(() => createLarkAdapter({ appId: '', appSecret: 'x', encryptKey: 'k' })).toThrow(
      /appId is required/,
    );
    expect(() => createLarkAdapter({ appId: 'cli_x', appSecret: 'x' })).toThrow(
      /encryptKey or verificationToken/,
    );
  });
});

describe('the Lark adapter without an Encrypt Key', () => {
  it('takes plain events carrying the verification token and refuses others', async () => {
    const plain = createLarkAdapter({
      appId: APP.appId,
      appSecret: APP.appSecret,
      verificationToken: VERIFICATION_TOKEN,
      apiBaseUrl: standIn.url,
      name: 'feishu',
    });
    const plainChat = new Chat({
      userName: 'Claude',
      adapters: { feishu: plain },
      state: createMemoryState(),
      logger: 'silent',
    });
    const texts: string[] = [];
    const tasks: Promise<unknown>[] = [];
    plainChat.onDirectMessage(async (thread, message) => {
      texts.push(message.text);
      await thread.post('ok');
    });
    const post = (body: unknown) =>
      plainChat.webhooks.feishu(
        new Request('http://bot.test/webhooks/feishu', { method: 'POST', body: JSON.stringify(body) }),
        { waitUntil: (task) => tasks.push(task) },
      );
    const challenge = await post({ challenge: 'c-9', token: VERIFICATION_TOKEN, type: 'url_verification' });
    expect(await challenge.json()).toEqual({ challenge: 'c-9' });
    const forged = await post({ challenge: 'c-9', token: 'guess', type: 'url_verification' });
    expect(forged.status).toBe(401);
    const message = textMessageEvent({
      chatId: 'oc_dm',
      chatType: 'p2p',
      senderOpenId: 'ou_alice',
      text: 'plain',
    });
    expect((await post(eventV2('im.message.receive_v1', message, 'guess'))).status).toBe(401);
    expect((await post(eventV2('im.message.receive_v1', message, VERIFICATION_TOKEN))).status).toBe(200);
    await Promise.allSettled(tasks);
    await plainChat.shutdown();
    expect(texts).toEqual(['plain']);
    expect(standIn.sent.map((sent) => [sent.target, sent.card.elements[0]?.content])).toEqual([
      ['oc_dm', 'ok'],
    ]);
  });
});
