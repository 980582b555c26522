// Change events the writers publish with pg_notify inside their transaction (so they fire only on
// commit) and every instance's hub LISTENs to. Small payloads (ids and seqs), except that a message
// event carries the stored message and the chat's inbox item when they fit, so listeners need not
// read them back.
import { sql, type SQL } from 'drizzle-orm';
import type { AdminChat } from '../schemas/admin.js';
import type { Message } from '../schemas/common.js';

export const EVENTS_CHANNEL = 'support_chat_events';

/** Postgres refuses a NOTIFY payload of 8000 bytes or more (default build). */
export const MAX_NOTIFY_BYTES = 8000;

export type ChatEvent =
  /**
   * A message was stored with this seq. When they fit the payload, `message` is the stored message
   * and `item` the chat's inbox item right after it.
   */
  | { e: 'message'; chat_id: string; seq: number; sender_type: 'user' | 'admin'; message?: Message; item?: AdminChat }
  /** Chat-level state changed (archive, unarchive, admin viewed, contact details). */
  | { e: 'chat'; chat_id: string }
  /** The user read admin messages up to this seq. */
  | { e: 'read'; chat_id: string; up_to_seq: number; read_at: string }
  /** Someone is typing (not persisted). */
  | { e: 'typing'; chat_id: string; sender_type: 'user' | 'admin'; typing: boolean }
  /** The chat was deleted (data-rights request, retention); `user_sub` when its user went too. */
  | { e: 'deleted'; chat_id: string; user_sub?: string };

export function notifyStatement(event: ChatEvent): SQL {
  return sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
}
