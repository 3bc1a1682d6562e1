import { createHash, timingSafeEqual } from 'node:crypto';
import { AESCipher } from '@larksuiteoapi/node-sdk';

/** The headers Lark signs an event delivery with. */
export interface LarkSignatureHeaders {
  timestamp: string | null;
  nonce: string | null;
  signature: string | null;
}

/**
 * Checks `X-Lark-Signature` = sha256(timestamp + nonce + encryptKey + body) over the raw body as it
 * arrived (the SDK's own check re-serialises the parsed JSON, which need not match the bytes sent).
 */
export function isLarkSignatureValid(
  rawBody: string,
  headers: LarkSignatureHeaders,
  encryptKey: string,
): boolean {
  const { timestamp, nonce, signature } = headers;
  if (!(timestamp && nonce && signature)) return false;
  const expected = createHash('sha256')
    .update(timestamp + nonce + encryptKey + rawBody)
    .digest('hex');
  return constantTimeEqual(expected, signature.toLowerCase());
}

/** Decrypts an `encrypt` field: AES-256-CBC, key sha256(encryptKey), IV the first 16 bytes. */
export function decryptLarkPayload(encrypted: string, encryptKey: string): unknown {
  return JSON.parse(new AESCipher(encryptKey).decrypt(encrypted));
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
