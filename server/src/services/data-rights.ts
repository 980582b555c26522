// Data rights and retention: export everything held about one user, and delete it (a whole user,
// or one conversation) in one transaction with its pending reply email, a `deleted` event for live
// sockets and an audit entry that records ids and counts, never content.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { supportAuditLog } from '../db/schema.js';
import { REPLY_EMAIL_TASK, replyEmailJobKey } from '../jobs/enqueue.js';
import { notifyStatement } from '../realtime/events.js';
import type { UserExport } from '../schemas/data-rights.js';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export type AuditAction = 'user.deleted' | 'chat.deleted_by_user' | 'chat.deleted_by_retention';

export interface PurgeCounts {
  messages: number;
  emails: number;
  /** Pending reply-email jobs removed (a job already running finds the chat gone and sends nothing). */
  email_jobs: number;
}

export interface DeletionSummary extends PurgeCounts {
  user_id: string;
  /** The token subject, so the caller can drop it from the user cache. */
  external_id: string;
  chat_id: string | null;
  profile_deleted: boolean;
  audit_id: string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export class DataRightsService {
  constructor(private readonly db: Database) {}

  /** Everything stored about the user, read from one snapshot; null when there is no such user. */
  async exportUser(userId: string): Promise<UserExport | null> {
    return this.db.transaction(
      async (tx) => {
        const [user] = await tx.execute<{
          id: string;
          external_id: string;
          email: string | null;
          name: string | null;
          locale: string | null;
          unsubscribed_at: Date | string | null;
          created_at: Date | string;
          updated_at: Date | string;
        }>(sql`select id, external_id, email, name, locale, unsubscribed_at, created_at, updated_at
               from support_users where id = ${userId}`);
        if (!user) return null;
        const [chat] = await tx.execute<{
          id: string;
          created_at: Date | string;
          last_message_at: Date | string | null;
          archived_at: Date | string | null;
          admin_viewed_at: Date | string | null;
          last_seq: string | number;
        }>(sql`select id, created_at, last_message_at, archived_at, admin_viewed_at, last_seq
               from support_chats where user_id = ${userId}`);
        // Admin replies are part of the user's conversation; who wrote them (another person) is not.
        const messages = chat
          ? await tx.execute<{
              id: string;
              seq: string | number;
              client_id: string;
              content: string;
              sender_type: 'user' | 'admin';
              read_at: Date | string | null;
              created_at: Date | string;
            }>(sql`select id, seq, client_id, content, sender_type, read_at, created_at
                   from support_messages where chat_id = ${chat.id} order by seq`)
          : [];
        const emails = await tx.execute<{
          id: string;
          to_address: string;
          from_seq: string | number;
          up_to_seq: string | number;
          provider_message_id: string | null;
          sent_at: Date | string;
        }>(sql`select id, to_address, from_seq, up_to_seq, provider_message_id, sent_at
               from support_emails where user_id = ${userId} order by sent_at, up_to_seq`);
        return {
          format: 'support-chat/user-export@1',
          exported_at: new Date().toISOString(),
          user: {
            id: user.id,
            external_id: user.external_id,
            email: user.email,
            name: user.name,
            locale: user.locale,
            unsubscribed_at: iso(user.unsubscribed_at),
            created_at: iso(user.created_at)!,
            updated_at: iso(user.updated_at)!,
          },
          chat: chat
            ? {
                id: chat.id,
                created_at: iso(chat.created_at)!,
                last_message_at: iso(chat.last_message_at),
                archived_at: iso(chat.archived_at),
                admin_viewed_at: iso(chat.admin_viewed_at),
                message_count: Number(chat.last_seq),
              }
            : null,
          messages: messages.map((m) => ({
            id: m.id,
            seq: Number(m.seq),
            client_id: m.client_id,
            content: m.content,
            sender_type: m.sender_type,
            read_at: iso(m.read_at),
            created_at: iso(m.created_at)!,
          })),
          emails: emails.map((e) => ({
            id: e.id,
            to_address: e.to_address,
            from_seq: Number(e.from_seq),
            up_to_seq: Number(e.up_to_seq),
            provider_message_id: e.provider_message_id,
            sent_at: iso(e.sent_at)!,
          })),
        };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  /**
   * Erases the user: chat, messages, email history, pending reply email, profile. Replies the user
   * wrote as an admin stay in other users' chats without an author. Null when there is no such user.
   */
  deleteUser(userId: string, actor: string): Promise<DeletionSummary | null> {
    return this.deleteFor(userId, actor, true);
  }

  /**
   * The user's "Delete this conversation": chat, messages, email history and pending reply email.
   * The profile stays (it is recreated from the token on the next request anyway, and keeps an
   * unsubscribe in force).
   */
  deleteConversation(userId: string): Promise<DeletionSummary | null> {
    return this.deleteFor(userId, 'user', false);
  }

  private async deleteFor(userId: string, actor: string, withProfile: boolean): Promise<DeletionSummary | null> {
    return this.db.transaction(async (tx) => {
      const [user] = await tx.execute<{ id: string; external_id: string }>(
        sql`select id, external_id from support_users where id = ${userId} for update`,
      );
      if (!user) return null;
      const [chat] = await tx.execute<{ id: string }>(sql`select id from support_chats where user_id = ${userId} for update`);
      const counts = chat
        ? await purgeChat(tx, chat.id, withProfile ? user.external_id : undefined)
        : { messages: 0, emails: 0, email_jobs: 0 };
      // Email rows are the chat's; any left under the user (none today) go with the profile.
      if (withProfile) {
        counts.emails += await countOf(tx, sql`delete from support_emails where user_id = ${userId} returning 1`);
        await tx.execute(sql`delete from support_users where id = ${userId}`);
      }
      const action: AuditAction = withProfile ? 'user.deleted' : 'chat.deleted_by_user';
      const auditId = await audit(tx, action, actor, userId, { chat_id: chat?.id ?? null, ...counts });
      return {
        user_id: userId,
        external_id: user.external_id,
        chat_id: chat?.id ?? null,
        profile_deleted: withProfile,
        audit_id: auditId,
        ...counts,
      };
    });
  }

  /** Archived chats whose archived_at is more than `days` days ago. */
  async countExpiredChats(days: number): Promise<number> {
    const [row] = await this.db.execute<{ n: string | number }>(
      sql`select count(*) as n from support_chats where archived_at < now() - make_interval(days => ${days})`,
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Deletes archived chats older than `days` in batches (one transaction each), one audit entry per
   * chat. A chat a user writes to meanwhile is no longer archived and is skipped. Profiles stay.
   */
  async deleteExpiredChats(days: number, batchSize = 100): Promise<{ chats: number; messages: number }> {
    const total = { chats: 0, messages: 0 };
    for (;;) {
      const batch = await this.db.transaction(async (tx) => {
        const chats = await tx.execute<{ id: string; user_id: string }>(sql`
          select id, user_id from support_chats
          where archived_at < now() - make_interval(days => ${days})
          order by archived_at limit ${batchSize} for update skip locked`);
        let messages = 0;
        for (const chat of chats) {
          const counts = await purgeChat(tx, chat.id);
          messages += counts.messages;
          await audit(tx, 'chat.deleted_by_retention', 'system:retention', chat.user_id, {
            chat_id: chat.id,
            retention_days: days,
            ...counts,
          });
        }
        return { chats: chats.length, messages };
      });
      total.chats += batch.chats;
      total.messages += batch.messages;
      if (batch.chats < batchSize) return total;
    }
  }
}

async function countOf(tx: Tx, statement: ReturnType<typeof sql>): Promise<number> {
  const rows = await tx.execute(statement);
  return rows.length;
}

/** Deletes a locked chat with everything hanging off it and tells every instance's hub. */
async function purgeChat(tx: Tx, chatId: string, userSub?: string): Promise<PurgeCounts> {
  // Unlocked jobs go (keyed or not); a running one keeps its lock but loses its key and its retries.
  // The public jobs view hides payloads, so the chat's jobs are found in graphile-worker's tables.
  const jobs = await countOf(
    tx,
    sql`select id from graphile_worker.complete_jobs(array(
          select j.id from graphile_worker._private_jobs j
          join graphile_worker._private_tasks t on t.id = j.task_id
          where t.identifier = ${REPLY_EMAIL_TASK} and j.payload->>'chat_id' = ${chatId}))`,
  );
  await tx.execute(sql`select graphile_worker.remove_job(${replyEmailJobKey(chatId)})`);
  const emails = await countOf(tx, sql`delete from support_emails where chat_id = ${chatId} returning 1`);
  const messages = await countOf(tx, sql`delete from support_messages where chat_id = ${chatId} returning 1`);
  await tx.execute(sql`delete from support_chats where id = ${chatId}`);
  await tx.execute(notifyStatement({ e: 'deleted', chat_id: chatId, ...(userSub ? { user_sub: userSub } : {}) }));
  return { messages, emails, email_jobs: jobs };
}

async function audit(
  tx: Tx,
  action: AuditAction,
  actor: string,
  subjectUserId: string,
  details: Record<string, string | number | null>,
): Promise<string> {
  const [row] = await tx
    .insert(supportAuditLog)
    .values({ action, actor, subjectUserId, details })
    .returning({ id: supportAuditLog.id });
  return row!.id;
}
