import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Builds event deliveries the way Lark's event subscription documents them: the JSON encrypted with
 * AES-256-CBC under sha256(Encrypt Key), a random IV in front, base64, sent as `{"encrypt": ...}`, and
 * signed with X-Lark-Signature = sha256(timestamp + nonce + Encrypt Key + body).
 */
export function larkDelivery(
  payload: unknown,
  keys: { encryptKey: string; signWith?: string; unsigned?: boolean },
  url = 'http://bot.test/webhooks/lark',
): Request {
  const body = JSON.stringify({ encrypt: encryptLark(JSON.stringify(payload), keys.encryptKey) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomUUID();
  const signature = createHash('sha256')
    .update(timestamp + nonce + (keys.signWith ?? keys.encryptKey) + body)
    .digest('hex');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!keys.unsigned) {
    headers['x-lark-request-timestamp'] = timestamp;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = signature;
  }
  return new Request(url, { method: 'POST', headers, body });
}

export function encryptLark(plain: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** An event of schema 2.0 with its header. */
export function eventV2(eventType: string, event: unknown, token: string, eventId = randomUUID()) {
  return {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: eventType,
      create_time: String(Date.now()),
      token,
      app_id: 'cli_test',
      tenant_key: 'tenant',
    },
    event,
  };
}

let messageCount = 0;

/** An `im.message.receive_v1` event of a text message. */
export function textMessageEvent(options: {
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string;
  text: string;
  mentions?: { key: string; openId: string; name: string }[];
  rootId?: string;
  messageId?: string;
}) {
  return {
    sender: { sender_id: { open_id: options.senderOpenId }, sender_type: 'user', tenant_key: 'tenant' },
    message: {
      message_id: options.messageId ?? `om_user_${++messageCount}`,
      ...(options.rootId ? { root_id: options.rootId, parent_id: options.rootId } : {}),
      create_time: String(Date.now()),
      chat_id: options.chatId,
      chat_type: options.chatType,
      message_type: 'text',
      content: JSON.stringify({ text: options.text }),
      mentions: (options.mentions ?? []).map((mention) => ({
        key: mention.key,
        id: { open_id: mention.openId },
        name: mention.name,
        tenant_key: 'tenant',
      })),
    },
  };
}
