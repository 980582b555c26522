// The chat domain: every write is one transaction that also publishes its change event, so REST,
// WebSocket and the worker share one path and nothing is broadcast that did not commit.
import { and, asc, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.js';
import { PreparedStatement } from '../db/prepared.js';
import { supportChats, supportMessages, supportUsers, type ChatRow } from '../db/schema.js';
import { AppError } from '../errors.js';
import { EVENTS_CHANNEL, MAX_NOTIFY_BYTES, notifyStatement } from '../realtime/events.js';
import type { ChatListItem, ChatListResponse } from '../schemas/admin.js';
import { MAX_MESSAGE_LENGTH, type Message, type MessagePage, type ReadResult } from '../schemas/common.js';
import { replyEmailJobSql } from '../jobs/enqueue.js';
import type { MessageTelemetry } from '../metrics/telemetry.js';

export interface Sender {
  type: 'user' | 'admin';
  /** support_users.id of the writer. */
  userId: string;
}

export interface SendResult {
  message: Message;
  /** False when the client_id was already stored: the original message is returned. */
  created: boolean;
}

export interface ChatServiceOptions {
  emailDelaySeconds: number;
  telemetry?: MessageTelemetry;
}

const PREVIEW_LENGTH = 100;
/** Tab counts stop here (the inbox shows "1000+"). */
export const COUNT_CAP = 1000;
const senders = alias(supportUsers, 'sender');

const messageColumns = {
  id: supportMessages.id,
  chatId: supportMessages.chatId,
  seq: supportMessages.seq,
  clientId: supportMessages.clientId,
  content: supportMessages.content,
  senderType: supportMessages.senderType,
  senderName: sql<string | null>`coalesce(${senders.name}, ${senders.email})`,
  readAt: supportMessages.readAt,
  createdAt: supportMessages.createdAt,
};

type MessageSelection = {
  id: string;
  chatId: string;
  seq: number;
  clientId: string;
  content: string;
  senderType: 'user' | 'admin';
  senderName: string | null;
  readAt: Date | string | null;
  createdAt: Date | string;
};

/** A stored message as the insert returns it and as its NOTIFY carries it (Postgres' column names). */
export type StoredMessageRow = {
  id: string;
  chat_id: string;
  seq: string | number;
  client_id: string;
  content: string;
  sender_type: 'user' | 'admin';
  sender_name: string | null;
  read_at: Date | string | null;
  created_at: Date | string;
};

/** The one mapping from a stored row (the insert's RETURNING or a NOTIFY payload) to the wire shape. */
export function messageFromRow(row: StoredMessageRow): Message {
  return toWireMessage({
    id: row.id,
    chatId: row.chat_id,
    seq: Number(row.seq),
    clientId: row.client_id,
    content: row.content,
    senderType: row.sender_type,
    senderName: row.sender_name,
    readAt: row.read_at,
    createdAt: row.created_at,
  });
}

export function toWireMessage(row: MessageSelection): Message {
  return {
    id: row.id,
    chat_id: row.chatId,
    seq: Number(row.seq),
    client_id: row.clientId,
    content: row.content,
    sender_type: row.senderType,
    sender_name: row.senderType === 'admin' ? row.senderName : null,
    read_at: row.readAt ? new Date(row.readAt).toISOString() : null,
    created_at: new Date(row.createdAt).toISOString(),
  };
}

const CLIENT_ID_INDEX = 'support_messages_chat_client_id_key';

/** The unique (chat_id, client_id) index refused the insert: that client_id is already stored. */
function isDuplicateClientId(err: unknown): boolean {
  // Drizzle wraps the driver's error; postgres.js puts the Postgres fields on it directly.
  const pgError = (err as { cause?: unknown }).cause ?? err;
  const { code, constraint_name } = pgError as { code?: string; constraint_name?: string };
  return code === '23505' && constraint_name === CLIENT_ID_INDEX;
}

/** Trims and checks a message body, throwing the stable error codes the clients rely on. */
export function normalizeContent(raw: string): string {
  // NUL bytes cannot be stored in Postgres text and are never meaningful in chat.
  const content = raw.replace(/\u0000/g, '').trim();
  if (content.length === 0) throw new AppError('empty_message', 'Message content is empty');
  if ([...content].length > MAX_MESSAGE_LENGTH) {
    throw new AppError('message_too_long', `Message content is longer than ${MAX_MESSAGE_LENGTH} characters`, {
      max_length: MAX_MESSAGE_LENGTH,
    });
  }
  return content;
}

interface ListCursor {
  at: string;
  id: string;
}

function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): ListCursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ListCursor;
    if (
      typeof parsed.at === 'string' &&
      !Number.isNaN(Date.parse(parsed.at)) &&
      typeof parsed.id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(parsed.id)
    ) {
      return parsed;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('bad_request', 'cursor is not valid');
}

export class ChatService {
  private readonly insertUserMessage: PreparedStatement<StoredMessageRow>;
  private readonly insertAdminMessage: PreparedStatement<StoredMessageRow>;
  private readonly catchUpStart = new PreparedStatement<CatchUpRow>(catchUpStartSql());

  constructor(
    private readonly db: Database,
    private readonly options: ChatServiceOptions,
  ) {
    this.insertUserMessage = new PreparedStatement(insertMessageSql('user', options.emailDelaySeconds));
    this.insertAdminMessage = new PreparedStatement(insertMessageSql('admin', options.emailDelaySeconds));
  }

  async getOrCreateChat(userId: string): Promise<ChatRow> {
    const [created] = await this.db
      .insert(supportChats)
      .values({ userId })
      .onConflictDoNothing({ target: supportChats.userId })
      .returning();
    if (created) return created;
    const [existing] = await this.db.select().from(supportChats).where(eq(supportChats.userId, userId));
    if (!existing) throw new AppError('internal_error', 'Chat could not be created');
    return existing;
  }

  async findChatByUser(userId: string): Promise<ChatRow | undefined> {
    const [chat] = await this.db.select().from(supportChats).where(eq(supportChats.userId, userId));
    return chat;
  }

  async findChat(chatId: string): Promise<ChatRow | undefined> {
    const [chat] = await this.db.select().from(supportChats).where(eq(supportChats.id, chatId));
    return chat;
  }

  /**
   * A subscription's start in one round trip: the chat's last_seq and the first page after
   * `afterSeq` clamped to it (a client ahead of the server restarts from the real end; none means
   * from the end). One statement, one snapshot: the page and last_seq agree. Undefined: no chat.
   */
  async openCatchUp(chatId: string, afterSeq: number | undefined, limit: number): Promise<CatchUpStart | undefined> {
    const rows = await this.catchUpStart.run(this.db.$client, { chatId, afterSeq: afterSeq ?? null, limit: limit + 1 });
    const first = rows[0];
    if (!first) return undefined;
    const stored = rows.filter((row): row is CatchUpRow & MessageSelection => row.id !== null);
    const messages = stored.slice(0, limit).map(toWireMessage);
    const start = afterSeq === undefined ? Number(first.lastSeq) : Math.min(afterSeq, Number(first.lastSeq));
    return { start, page: { messages, has_more: stored.length > limit } };
  }

  /** One page of messages in chronological order: newest page by default, or after / before a seq. */
  async listMessages(
    chatId: string,
    query: { after_seq?: number | undefined; before_seq?: number | undefined; limit?: number | undefined },
  ): Promise<MessagePage> {
    const limit = query.limit ?? 50;
    const base = this.db
      .select(messageColumns)
      .from(supportMessages)
      .leftJoin(senders, eq(senders.id, supportMessages.senderId));
    let rows: MessageSelection[];
    if (query.after_seq !== undefined) {
      rows = await base
        .where(and(eq(supportMessages.chatId, chatId), gt(supportMessages.seq, query.after_seq)))
        .orderBy(asc(supportMessages.seq))
        .limit(limit + 1);
      const hasMore = rows.length > limit;
      return { messages: rows.slice(0, limit).map(toWireMessage), has_more: hasMore };
    }
    const where =
      query.before_seq !== undefined
        ? and(eq(supportMessages.chatId, chatId), lt(supportMessages.seq, query.before_seq))
        : eq(supportMessages.chatId, chatId);
    rows = await base.where(where).orderBy(desc(supportMessages.seq)).limit(limit + 1);
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toWireMessage), has_more: hasMore };
  }

  async getMessagesBySeq(chatId: string, fromSeq: number, toSeq: number): Promise<Message[]> {
    const rows = await this.db
      .select(messageColumns)
      .from(supportMessages)
      .leftJoin(senders, eq(senders.id, supportMessages.senderId))
      .where(
        and(
          eq(supportMessages.chatId, chatId),
          sql`${supportMessages.seq} between ${fromSeq} and ${toSeq}`,
        ),
      )
      .orderBy(asc(supportMessages.seq));
    return rows.map(toWireMessage);
  }

  /**
   * Stores a message exactly once per (chat, client_id). The chat row lock serialises writers of one
   * chat, so seqs are gap-free and created_at follows seq order. A retry (a resend after a lost
   * ack) is rare, so it is not looked for first: the unique index refuses it and the original is
   * read then.
   */
  async sendMessage(chatId: string, sender: Sender, clientId: string, rawContent: string): Promise<SendResult> {
    const content = normalizeContent(rawContent);
    try {
      const message = await this.insertMessage(chatId, sender, clientId, content);
      this.options.telemetry?.messageStored(sender.type);
      return { message, created: true };
    } catch (err) {
      if (isDuplicateClientId(err)) {
        const existing = await this.findByClientId(chatId, clientId);
        if (existing) return { message: existing, created: false };
      }
      throw err;
    }
  }

  private async findByClientId(chatId: string, clientId: string): Promise<Message | undefined> {
    const [row] = await this.db
      .select(messageColumns)
      .from(supportMessages)
      .leftJoin(senders, eq(senders.id, supportMessages.senderId))
      .where(and(eq(supportMessages.chatId, chatId), eq(supportMessages.clientId, clientId)));
    return row ? toWireMessage(row) : undefined;
  }

  /**
   * One statement, so one round trip and an implicit transaction: bump the chat's seq (the UPDATE
   * takes the row lock, so writers of a chat serialise and created_at follows seq), insert the
   * message, schedule the reply email for admin messages, and NOTIFY (delivered on commit).
   * A duplicate client_id fails the unique index and rolls everything back (seq bump, email job,
   * NOTIFY); the caller returns the original.
   */
  private async insertMessage(chatId: string, sender: Sender, clientId: string, content: string): Promise<Message> {
    const statement = sender.type === 'user' ? this.insertUserMessage : this.insertAdminMessage;
    const [row] = await statement.run(this.db.$client, {
      chatId,
      clientId,
      content,
      senderId: sender.type === 'user' ? null : sender.userId,
    });
    if (!row) throw new AppError('chat_not_found', 'Chat not found');
    return messageFromRow(row);
  }

  /** The user read the admin's replies (all, or up to a seq). One statement: no lost update. */
  async markReadByUser(chatId: string, upToSeq?: number): Promise<ReadResult> {
    return this.db.transaction(async (tx) => {
      const limit = upToSeq ?? Number.MAX_SAFE_INTEGER;
      const updated = await tx
        .update(supportMessages)
        // One timestamp for the whole read (clock_timestamp() would differ row by row).
        .set({ readAt: sql`statement_timestamp()`, updatedAt: sql`statement_timestamp()` })
        .where(
          and(
            eq(supportMessages.chatId, chatId),
            eq(supportMessages.senderType, 'admin'),
            sql`${supportMessages.readAt} is null`,
            sql`${supportMessages.seq} <= ${limit}`,
          ),
        )
        .returning({ seq: supportMessages.seq, readAt: supportMessages.readAt });
      if (updated.length === 0) {
        return { chat_id: chatId, updated: 0, up_to_seq: upToSeq ?? 0, read_at: null };
      }
      const maxSeq = Math.max(...updated.map((r) => Number(r.seq)));
      const readAt = new Date(updated[0]!.readAt!).toISOString();
      await tx.execute(notifyStatement({ e: 'read', chat_id: chatId, up_to_seq: maxSeq, read_at: readAt }));
      return { chat_id: chatId, updated: updated.length, up_to_seq: maxSeq, read_at: readAt };
    });
  }

  async markViewedByAdmin(chatId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(supportChats)
        .set({ adminViewedAt: sql`clock_timestamp()` })
        .where(eq(supportChats.id, chatId));
      await tx.execute(notifyStatement({ e: 'chat', chat_id: chatId }));
    });
  }

  /** Tells live admin lists that something about the chat changed (e.g. the user's contact). */
  async publishChatChanged(chatId: string): Promise<void> {
    await this.db.execute(notifyStatement({ e: 'chat', chat_id: chatId }));
  }

  async setArchived(chatId: string, archived: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await tx
        .update(supportChats)
        .set({ archivedAt: archived ? sql`coalesce(${supportChats.archivedAt}, clock_timestamp())` : null, updatedAt: sql`clock_timestamp()` })
        .where(eq(supportChats.id, chatId))
        .returning({ id: supportChats.id });
      if (rows.length === 0) throw new AppError('chat_not_found', 'Chat not found');
      await tx.execute(notifyStatement({ e: 'chat', chat_id: chatId }));
    });
  }

  /** Admin list items for some chats (one query; used by the list and by live updates). */
  async getListItems(chatIds: string[]): Promise<ChatListItem[]> {
    if (chatIds.length === 0) return [];
    return this.listItemsWhere(sql`c.id in ${chatIds}`);
  }

  private async listItemsWhere(where: SQL, tail: SQL = sql``): Promise<ChatListItem[]> {
    const rows = await this.db.execute<ListItemRow>(sql`${listItemSelect} where ${where} ${tail}`);
    return rows.map(toListItem);
  }

  async listAdminChats(query: {
    archived?: boolean | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
    q?: string | undefined;
  }): Promise<ChatListResponse> {
    const limit = query.limit ?? 50;
    const conditions = [
      sql`c.last_message_at is not null`,
      query.archived ? sql`c.archived_at is not null` : sql`c.archived_at is null`,
    ];
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      conditions.push(sql`(c.last_message_at, c.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
    }
    const search = query.q?.replace(/\u0000/g, '').trim();
    if (search) {
      const pattern = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      conditions.push(sql`(u.email ilike ${pattern} or u.name ilike ${pattern})`);
    }
    const rows = await this.db.execute<ListItemRow & { cursor_at: string | null }>(
      sql`${listItemSelect} where ${sql.join(conditions, sql` and `)} order by c.last_message_at desc nulls last, c.id desc nulls last limit ${limit + 1}`,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // The cursor keeps Postgres' microseconds: a millisecond ISO string would skip rows in between.
    const nextCursor = rows.length > limit && last?.cursor_at ? encodeCursor({ at: last.cursor_at, id: last.id }) : null;
    // Each count repeats a partial index's predicate (schema.ts) so it reads only that index, and
    // stops at COUNT_CAP: exact counts of 100k chats cost more than the whole page.
    const [counts] = await this.db.execute<{ active: string; archived: string; unread: string }>(sql`
      select
        (select count(*) from (select 1 from support_chats
          where archived_at is null and last_message_at is not null limit ${COUNT_CAP}) a) as active,
        (select count(*) from (select 1 from support_chats
          where archived_at is not null and last_message_at is not null limit ${COUNT_CAP}) a) as archived,
        (select count(*) from (select 1 from support_chats
          where archived_at is null and last_user_message_at > coalesce(admin_viewed_at, '-infinity'::timestamptz)
          limit ${COUNT_CAP}) u) as unread`);
    return {
      chats: page.map(toListItem),
      next_cursor: nextCursor,
      count_cap: COUNT_CAP,
      counts: {
        active: Number(counts?.active ?? 0),
        archived: Number(counts?.archived ?? 0),
        unread: Number(counts?.unread ?? 0),
      },
    };
  }
}

/** An inbox row as Postgres returns it (the list query, or the message NOTIFY's `item`). */
export type ListItemRow = {
  id: string;
  user_id: string;
  user_email: string | null;
  user_name: string | null;
  last_message_at: string | Date | null;
  last_message_preview: string | null;
  last_message_sender: 'user' | 'admin' | null;
  message_count: string | number;
  unread: boolean;
  archived: boolean;
  admin_viewed_at: string | Date | null;
  last_seq: string | number;
};

export interface CatchUpStart {
  /** The seq delivery starts after: after_seq, clamped to the chat's last_seq. */
  start: number;
  page: MessagePage;
}

type CatchUpRow = { lastSeq: string | number } & { [K in keyof MessageSelection]: MessageSelection[K] | null };

/** Placeholders: chatId, afterSeq (null: from the end), limit. A chat with no page yields one row of nulls. */
function catchUpStartSql(): SQL {
  const lastSeq = sql`${supportChats.lastSeq}`;
  return sql`
    select ${lastSeq} as "lastSeq", m.*
    from ${supportChats}
    left join lateral (
      select ${supportMessages.id} as "id", ${supportMessages.chatId} as "chatId", ${supportMessages.seq} as "seq",
             ${supportMessages.clientId} as "clientId", ${supportMessages.content} as "content",
             ${supportMessages.senderType} as "senderType", coalesce(${senders.name}, ${senders.email}) as "senderName",
             ${supportMessages.readAt} as "readAt", ${supportMessages.createdAt} as "createdAt"
      from ${supportMessages}
      left join ${supportUsers} ${sql.identifier('sender')} on ${senders.id} = ${supportMessages.senderId}
      where ${supportMessages.chatId} = ${supportChats.id}
        and ${supportMessages.seq} > least(coalesce(${sql.placeholder('afterSeq')}::bigint, ${lastSeq}), ${lastSeq})
      order by ${supportMessages.seq}
      limit ${sql.placeholder('limit')}::int
    ) m on true
    where ${supportChats.id} = ${sql.placeholder('chatId')}::uuid
    order by m."seq"`;
}

/**
 * One statement, so one round trip and an implicit transaction: bump the chat's seq (the UPDATE
 * takes the row lock, so writers of a chat serialise and created_at follows seq), insert the
 * message, schedule the reply email for admin messages, and NOTIFY (delivered on commit).
 * A duplicate client_id fails the unique index and rolls everything back (seq bump, email job,
 * NOTIFY); the caller returns the original. Placeholders: chatId, clientId, content, senderId.
 */
function insertMessageSql(senderType: Sender['type'], emailDelaySeconds: number): SQL {
  const isUser = senderType === 'user';
  const chatId = sql.placeholder('chatId');
  return sql`
    with chat as (
      update support_chats
      set last_seq = last_seq + 1,
          last_message_at = clock_timestamp(),
          updated_at = clock_timestamp()
          -- A user message makes the chat unread for admins and brings it back from the archive.
          ${isUser ? sql`, last_user_message_at = clock_timestamp(), archived_at = null` : sql``}
      where id = ${chatId}
      returning id, user_id, last_seq, last_message_at, last_user_message_at, admin_viewed_at, archived_at
    ), inserted as (
      insert into support_messages (chat_id, seq, client_id, content, sender_type, sender_id, created_at, updated_at)
      select id, last_seq, ${sql.placeholder('clientId')}, ${sql.placeholder('content')}, ${senderType},
             ${sql.placeholder('senderId')}::uuid, last_message_at, last_message_at
      from chat
      returning id, chat_id, seq, client_id, content, sender_type, sender_id, read_at, created_at
    ), email as (
      ${isUser ? sql`select null` : replyEmailJobSql(chatId, emailDelaySeconds)}
    ), stored as (
      select i.id, i.chat_id, i.seq, i.client_id, i.content, i.sender_type,
             coalesce(s.name, s.email) as sender_name, i.read_at, i.created_at
      from inserted i left join support_users s on s.id = i.sender_id
    )
    select m.*, ${notifyMessageSql} as notified, (select count(*) from email) as email_jobs
    from stored m, chat c join support_users u on u.id = c.user_id`;
}

/** The inbox's preview of a message body (one definition for the list query and the NOTIFY). */
function previewSql(content: SQL): SQL {
  return sql`case when char_length(${content}) > ${PREVIEW_LENGTH}
              then left(${content}, ${PREVIEW_LENGTH - 3}) || '...' else ${content} end`;
}

/** Unread for admins: a user message after the last admin view (chat row aliased `c`). */
const unreadSql = sql`coalesce(c.last_user_message_at > coalesce(c.admin_viewed_at, '-infinity'), false)`;

// The last message is found by (chat_id, seq = last_seq) on the unique index: no N+1, no count(*).
const listItemSelect = sql`
  select c.id, c.user_id, u.email as user_email, u.name as user_name, c.last_message_at,
         ${previewSql(sql`m.content`)} as last_message_preview, m.sender_type as last_message_sender,
         c.last_seq as message_count,
         ${unreadSql} as unread,
         c.archived_at is not null as archived, c.admin_viewed_at, c.last_seq,
         to_char(c.last_message_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
  from support_chats c
  join support_users u on u.id = c.user_id
  left join support_messages m on m.chat_id = c.id and m.seq = c.last_seq`;

/**
 * The message NOTIFY, over the stored message `m`, the updated chat `c` and its user `u`. The
 * stored row and the chat's inbox item (as listItemSelect reads it) ride along when the payload
 * fits Postgres' limit (a 5,000-character message may not), so listeners need no read-back;
 * otherwise ids only.
 */
const notifyMessageSql = sql`pg_notify(${EVENTS_CHANNEL}, (
  select case when octet_length(e.full_event) < ${MAX_NOTIFY_BYTES} then e.full_event else e.bare_event end
  from (select json_build_object('e', 'message', 'chat_id', m.chat_id, 'seq', m.seq, 'sender_type', m.sender_type,
                 'message', row_to_json(m),
                 'item', json_build_object('id', c.id, 'user_id', c.user_id, 'user_email', u.email, 'user_name', u.name,
                   'last_message_at', c.last_message_at, 'last_message_preview', ${previewSql(sql`m.content`)},
                   'last_message_sender', m.sender_type, 'message_count', c.last_seq, 'unread', ${unreadSql},
                   'archived', c.archived_at is not null, 'admin_viewed_at', c.admin_viewed_at, 'last_seq', c.last_seq)
               )::text as full_event,
               json_build_object('e', 'message', 'chat_id', m.chat_id, 'seq', m.seq, 'sender_type', m.sender_type)::text as bare_event) e))`;

function iso(value: string | Date | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

export function toListItem(row: ListItemRow): ChatListItem & { admin_viewed_at: string | null; last_seq: number } {
  return {
    id: row.id,
    user_id: row.user_id,
    user_email: row.user_email,
    user_name: row.user_name,
    last_message_at: iso(row.last_message_at),
    last_message_preview: row.last_message_preview,
    last_message_sender: row.last_message_sender,
    message_count: Number(row.message_count),
    unread: row.unread,
    archived: row.archived,
    admin_viewed_at: iso(row.admin_viewed_at),
    last_seq: Number(row.last_seq),
  };
}
