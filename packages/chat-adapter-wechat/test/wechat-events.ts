import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * WeChat's callback security written from its documentation (加解密方案说明), independently of the
 * adapter: signatures are sha1 of the sorted strings; the ciphertext is AES-256-CBC with the key
 * base64(EncodingAESKey + "="), IV its first 16 bytes, over random(16) + length(4, big-endian) + message
 * + receiver id, PKCS#7-padded to 32-byte blocks, in base64.
 */
export function sha1Sorted(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

export function encryptForReceiver(encodingAESKey: string, message: string, receiverId: string): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const body = Buffer.from(message);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(receiverId)]);
  const padding = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(padding, padding)])),
    cipher.final(),
  ]).toString('base64');
}

export function decryptForReceiver(
  encodingAESKey: string,
  encrypted: string,
): { message: string; receiverId: string } {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(encrypted, 'base64'), decipher.final()]);
  const plain = padded.subarray(0, padded.length - (padded.at(-1) ?? 0));
  const length = plain.readUInt32BE(16);
  return {
    message: plain.subarray(20, 20 + length).toString(),
    receiverId: plain.subarray(20 + length).toString(),
  };
}

/** A 43-character EncodingAESKey, as the platform's console generates them. */
export function newEncodingAESKey(): string {
  return randomBytes(32).toString('base64').slice(0, 43);
}

export function xml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([name, value]) =>
      typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value}]]></${name}>`,
    )
    .join('');
  return `<xml>${inner}</xml>`;
}

let counter = 0;
/** A fresh MsgId (64-bit, beyond a JS number's exact range like the platform's). */
export function nextMsgId(): string {
  return `23${String(Date.now()).padStart(13, '0')}${String(++counter).padStart(4, '0')}`;
}

export function timestampAndNonce(): { timestamp: string; nonce: string } {
  return { timestamp: String(Math.floor(Date.now() / 1000)), nonce: String(Math.floor(Math.random() * 1e9)) };
}

/** A WeCom callback as WeCom sends it: the packet encrypted for the company, signed with msg_signature. */
export function wecomCallback(
  url: string,
  packet: string,
  keys: { token: string; encodingAESKey: string; corpId: string; agentId: number | string },
): Request {
  const encrypted = encryptForReceiver(keys.encodingAESKey, packet, keys.corpId);
  const { timestamp, nonce } = timestampAndNonce();
  const query = new URLSearchParams({
    msg_signature: sha1Sorted(keys.token, timestamp, nonce, encrypted),
    timestamp,
    nonce,
  });
  return new Request(`${url}?${query}`, {
    method: 'POST',
    body: xml({ ToUserName: keys.corpId, AgentID: String(keys.agentId), Encrypt: encrypted }),
  });
}

/**
 * An Official Account callback as WeChat sends it: `signature` over token, timestamp and nonce; in safe
 * mode (an encodingAESKey) the packet encrypted for the account and signed with msg_signature too.
 */
export function officialAccountCallback(
  url: string,
  packet: string,
  keys: { token: string; msgToken?: string; encodingAESKey?: string; appId: string; account: string },
): Request {
  const { timestamp, nonce } = timestampAndNonce();
  const query = new URLSearchParams({
    signature: sha1Sorted(keys.token, timestamp, nonce),
    timestamp,
    nonce,
  });
  if (!keys.encodingAESKey) return new Request(`${url}?${query}`, { method: 'POST', body: packet });
  const encrypted = encryptForReceiver(keys.encodingAESKey, packet, keys.appId);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', sha1Sorted(keys.msgToken ?? keys.token, timestamp, nonce, encrypted));
  return new Request(`${url}?${query}`, {
    method: 'POST',
    body: xml({ ToUserName: keys.account, Encrypt: encrypted }),
  });
}
