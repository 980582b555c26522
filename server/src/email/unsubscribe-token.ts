// Signed unsubscribe tokens: `<user id>.<HMAC-SHA256>` under a key derived from SERVER_SECRET, so a
// link works without a login, cannot be forged, and names exactly one user.
import { createHmac, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A key of its own: the server secret also signs visitor tokens, and the two must never be confusable.
function unsubscribeKey(serverSecret: string): Buffer {
  return createHmac('sha256', serverSecret).update('support-chat:unsubscribe:v1').digest();
}

function mac(serverSecret: string, userId: string): Buffer {
  return createHmac('sha256', unsubscribeKey(serverSecret)).update(userId).digest();
}

export function signUnsubscribeToken(serverSecret: string, userId: string): string {
  const id = userId.toLowerCase();
  if (!UUID.test(id)) throw new Error('unsubscribe tokens are for support_users ids (uuid)');
  return `${id}.${mac(serverSecret, id).toString('base64url')}`;
}

/** The user id the token was signed for, or null when it is malformed or forged. */
export function verifyUnsubscribeToken(serverSecret: string, token: unknown): string | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const userId = token.slice(0, dot);
  if (!UUID.test(userId)) return null;
  // Compare the encoded text, so there is exactly one valid spelling of each token.
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(serverSecret, userId).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return userId;
}
