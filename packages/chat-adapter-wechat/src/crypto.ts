import { createHash, timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

/** The query parameters WeChat signs a callback with. */
export interface SignedQuery {
  signature: string | null;
  timestamp: string | null;
  nonce: string | null;
}

/** Plain-mode signature: sha1 of token, timestamp and nonce sorted and joined. */
export function isPlainSignatureValid(token: string, query: SignedQuery): boolean {
  const { signature, timestamp, nonce } = query;
  if (!(signature && timestamp && nonce)) return false;
  const expected = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return constantTimeEqual(expected, signature.toLowerCase());
}

/** msg_signature: sha1 of token, timestamp, nonce and the ciphertext sorted and joined. */
export function isMessageSignatureValid(token: string, query: SignedQuery, encrypted: string): boolean {
  const { signature, timestamp, nonce } = query;
  if (!(signature && timestamp && nonce)) return false;
  return constantTimeEqual(getSignature(token, timestamp, nonce, encrypted), signature.toLowerCase());
}

/**
 * Decrypts a ciphertext (AES-256-CBC under the EncodingAESKey) and checks that it was made for this
 * receiver (the CorpID of a WeCom app, the AppID of an Official Account); null when it was not.
 */
export function openCiphertext(encodingAESKey: string, encrypted: string, receiverId: string): string | null {
  try {
    const { message, id } = decrypt(encodingAESKey, encrypted);
    return id === receiverId ? message : null;
  } catch {
    return null;
  }
}

/** Encrypts a reply for the receiver and signs it, as safe-mode passive replies are sent. */
export function sealReply(
  keys: { token: string; encodingAESKey: string; receiverId: string },
  plain: string,
  timestamp: string,
  nonce: string,
): { encrypted: string; signature: string } {
  const encrypted = encrypt(keys.encodingAESKey, plain, keys.receiverId);
  return { encrypted, signature: getSignature(keys.token, timestamp, nonce, encrypted) };
}

/** Whether an EncodingAESKey has its documented form: 43 characters of base64 making a 32-byte key. */
export function isEncodingAESKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(value) && Buffer.from(`${value}=`, 'base64').length === 32;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
