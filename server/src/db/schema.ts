// The one source of truth for support-chat's tables; drizzle-kit generates migrations/ from it.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const supportUsers = pgTable(
  'support_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The token's `sub`: the integrator's user id, or `visitor:<random>` for anonymous visitors. */
    externalId: text('external_id').notNull().unique(),
    email: text('email'),
    name: text('name'),
    /** Language the widget last spoke to this user in (emails follow it). */
    locale: text('locale'),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    // Substring search in the admin inbox (`ilike '%q%'`); pg_trgm comes from migration 0002.
    index('support_users_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
    index('support_users_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

export const supportChats = pgTable(
  'support_chats',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .unique()
      .references(() => supportUsers.id, { onDelete: 'cascade' }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true, mode: 'date' }),
    /** Latest user message: `unread_for_admin` is `last_user_message_at > admin_viewed_at`. */
    lastUserMessageAt: timestamp('last_user_message_at', { withTimezone: true, mode: 'date' }),
    adminViewedAt: timestamp('admin_viewed_at', { withTimezone: true, mode: 'date' }),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    /** Per-chat message counter; messages never get deleted one by one, so it is also the count. */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    /** Highest admin message seq already announced by email (the reply-email high-water mark). */
    emailedSeq: bigint('emailed_seq', { mode: 'number' }).notNull().default(0),
    ...timestamps,
  },
  (t) => [
    // One partial index per inbox tab, in the list's order, so a page is a short index scan.
    index('support_chats_active_list_idx')
      .on(t.lastMessageAt.desc(), t.id.desc())
      .where(sql`${t.archivedAt} is null and ${t.lastMessageAt} is not null`),
    index('support_chats_archived_list_idx')
      .on(t.lastMessageAt.desc(), t.id.desc())
      .where(sql`${t.archivedAt} is not null and ${t.lastMessageAt} is not null`),
    // Few chats are unread at a time: the unread count reads this small index only.
    index('support_chats_unread_idx')
      .on(t.id)
      .where(sql`${t.archivedAt} is null and ${t.lastUserMessageAt} > coalesce(${t.adminViewedAt}, '-infinity'::timestamptz)`),
    index('support_chats_archived_at_idx').on(t.archivedAt),
  ],
);

export const supportMessages = pgTable(
  'support_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    chatId: uuid('chat_id')
      .notNull()
      .references(() => supportChats.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    clientId: text('client_id').notNull(),
    content: text('content').notNull(),
    senderType: text('sender_type', { enum: ['user', 'admin'] }).notNull(),
    /** The support_users row of the admin who wrote it (null for user messages). */
    senderId: uuid('sender_id').references(() => supportUsers.id, { onDelete: 'set null' }),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('support_messages_chat_seq_key').on(t.chatId, t.seq),
    uniqueIndex('support_messages_chat_client_id_key').on(t.chatId, t.clientId),
    index('support_messages_chat_created_at_idx').on(t.chatId, t.createdAt),
    check('support_messages_sender_type_check', sql`${t.senderType} in ('user', 'admin')`),
    check('support_messages_content_check', sql`length(${t.content}) > 0`),
  ],
);

export type UserRow = typeof supportUsers.$inferSelect;
export type ChatRow = typeof supportChats.$inferSelect;
export type MessageRow = typeof supportMessages.$inferSelect;

/** One row per reply email sent: the audit trail for "no email twice" and for data export. */
export const supportEmails = pgTable(
  'support_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    chatId: uuid('chat_id')
      .notNull()
      .references(() => supportChats.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => supportUsers.id, { onDelete: 'cascade' }),
    toAddress: text('to_address').notNull(),
    fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
    upToSeq: bigint('up_to_seq', { mode: 'number' }).notNull(),
    providerMessageId: text('provider_message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('support_emails_chat_up_to_seq_key').on(t.chatId, t.upToSeq)],
);

export type EmailRow = typeof supportEmails.$inferSelect;

/**
 * Who deleted what, when: data-rights deletions and retention. No foreign keys (the subject is gone)
 * and never personal content: ids and counts only.
 */
export const supportAuditLog = pgTable(
  'support_audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `user.deleted`, `chat.deleted_by_user`, `chat.deleted_by_retention`. */
    action: text('action').notNull(),
    /** The admin's external id, `user` (the subject asked themselves) or `system:retention`. */
    actor: text('actor').notNull(),
    subjectUserId: uuid('subject_user_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('support_audit_log_subject_idx').on(t.subjectUserId), index('support_audit_log_created_at_idx').on(t.createdAt)],
);

export type AuditLogRow = typeof supportAuditLog.$inferSelect;
