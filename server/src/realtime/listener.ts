// The instance's LISTEN on the events channel. postgres.js keeps it on a dedicated connection and
// re-issues LISTEN after that connection drops; every (re)listen is reported so the hub can catch
// its subscribers up from the tables (NOTIFY never replays what was sent while nobody listened).
import type { Sql } from '../db/client.js';
import type { AdminChat } from '../schemas/admin.js';
import type { Message } from '../schemas/common.js';
import { messageFromRow, toListItem, type ListItemRow, type StoredMessageRow } from '../services/chat-service.js';
import { EVENTS_CHANNEL, type ChatEvent } from './events.js';

export interface EventListener {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Times LISTEN was (re)established; 1 after start. */
  readonly listens: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Accepts only the shapes in ChatEvent: a foreign NOTIFY on our channel must not reach the hub. */
export function parseChatEvent(payload: string): ChatEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const event = value as Record<string, unknown>;
  if (typeof event.chat_id !== 'string' || !UUID.test(event.chat_id)) return null;
  const sender = event.sender_type === 'user' || event.sender_type === 'admin';
  switch (event.e) {
    case 'message': {
      if (!Number.isSafeInteger(event.seq) || !sender) return null;
      const message = carriedMessage(event.message, event);
      const item = carriedItem(event.item, event);
      // Carried rows that do not check out are dropped: the hub reads the tables instead.
      return {
        e: 'message',
        chat_id: event.chat_id,
        seq: event.seq as number,
        sender_type: event.sender_type as 'user' | 'admin',
        ...(message ? { message } : {}),
        ...(item ? { item } : {}),
      };
    }
    case 'read':
      return Number.isSafeInteger(event.up_to_seq) && typeof event.read_at === 'string' ? (event as ChatEvent) : null;
    case 'typing':
      return sender && typeof event.typing === 'boolean' ? (event as ChatEvent) : null;
    case 'chat':
      return event as ChatEvent;
    case 'deleted':
      return event.user_sub === undefined || typeof event.user_sub === 'string' ? (event as ChatEvent) : null;
    default:
      return null;
  }
}

/** The stored message a message event carries, if it is one and belongs to this event. */
function carriedMessage(value: unknown, event: Record<string, unknown>): Message | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const row = value as Partial<Record<keyof StoredMessageRow, unknown>>;
  const fits =
    typeof row.id === 'string' &&
    row.chat_id === event.chat_id &&
    row.seq === event.seq &&
    row.sender_type === event.sender_type &&
    typeof row.client_id === 'string' &&
    typeof row.content === 'string' &&
    isNullableString(row.sender_name) &&
    (row.read_at === null || isTimestamp(row.read_at)) &&
    isTimestamp(row.created_at);
  return fits ? messageFromRow(row as StoredMessageRow) : undefined;
}

const isTimestamp = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isNullableString = (value: unknown) => value === null || typeof value === 'string';

/** The inbox item a message event carries, if it is one and is the chat's state right after it. */
function carriedItem(value: unknown, event: Record<string, unknown>): AdminChat | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const row = value as Partial<Record<keyof ListItemRow, unknown>>;
  const fits =
    row.id === event.chat_id &&
    typeof row.user_id === 'string' &&
    isNullableString(row.user_email) &&
    isNullableString(row.user_name) &&
    isTimestamp(row.last_message_at) &&
    typeof row.last_message_preview === 'string' &&
    row.last_message_sender === event.sender_type &&
    row.message_count === event.seq &&
    row.last_seq === event.seq &&
    typeof row.unread === 'boolean' &&
    typeof row.archived === 'boolean' &&
    (row.admin_viewed_at === null || isTimestamp(row.admin_viewed_at));
  return fits ? toListItem(row as ListItemRow) : undefined;
}

export function createEventListener(
  sql: Sql,
  handlers: { onEvent(event: ChatEvent): void; onListen(): void; onBadPayload(payload: string): void },
): EventListener {
  let unlisten: (() => Promise<void>) | null = null;
  let stopped = false;
  let listens = 0;
  return {
    get listens() {
      return listens;
    },
    async start() {
      const subscription = await sql.listen(
        EVENTS_CHANNEL,
        (payload) => {
          if (stopped) return;
          const event = parseChatEvent(payload);
          if (event) handlers.onEvent(event);
          else handlers.onBadPayload(payload);
        },
        () => {
          listens += 1;
          if (!stopped) handlers.onListen();
        },
      );
      unlisten = subscription.unlisten;
    },
    async stop() {
      stopped = true;
      if (!unlisten) return;
      const done = unlisten().catch(() => {});
      // The database may already be gone at shutdown; never hang the close on it.
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    },
  };
}
