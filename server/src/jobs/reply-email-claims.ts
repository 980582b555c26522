// The reply email's bookkeeping in Postgres. A send is claimed before it happens (emailed_seq moves
// past the replies and a support_emails row is written, under the chat row lock), so two workers
// or a retry can never announce the same reply twice; a send SES certainly refused is released.
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.js';
import { supportChats, supportEmails, supportMessages, supportUsers } from '../db/schema.js';
import type { ReplyPreview } from '../email/reply-email.js';

export type SkipReason = 'chat_not_found' | 'archived' | 'no_email' | 'unsubscribed' | 'nothing_unread';

export interface ReplyEmailClaim {
  /** support_emails.id of the claimed send. */
  emailId: string;
  chatId: string;
  userId: string;
  toAddress: string;
  recipientName: string | null;
  fromSeq: number;
  upToSeq: number;
  /** emailed_seq before this claim, restored when the claim is released. */
  previousEmailedSeq: number;
  replies: ReplyPreview[];
}

export type ClaimResult = { kind: 'skip'; reason: SkipReason } | { kind: 'claimed'; claim: ReplyEmailClaim };

const senders = alias(supportUsers, 'sender');
const SINGLE_ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

/** Re-checks every guard at send time and, when an email is due, claims its replies. */
export async function claimReplyEmail(db: Database, chatId: string): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    const [chat] = await tx
      .select({
        archivedAt: supportChats.archivedAt,
        emailedSeq: supportChats.emailedSeq,
        userId: supportUsers.id,
        email: supportUsers.email,
        name: supportUsers.name,
        unsubscribedAt: supportUsers.unsubscribedAt,
      })
      .from(supportChats)
      .innerJoin(supportUsers, eq(supportUsers.id, supportChats.userId))
      .where(eq(supportChats.id, chatId))
      .for('update', { of: supportChats });
    if (!chat) return { kind: 'skip', reason: 'chat_not_found' };
    if (chat.archivedAt) return { kind: 'skip', reason: 'archived' };
    const toAddress = chat.email?.trim();
    // The API validates addresses; this keeps anything else (a list, a display name) out of SES.
    if (!toAddress || !SINGLE_ADDRESS.test(toAddress)) return { kind: 'skip', reason: 'no_email' };
    if (chat.unsubscribedAt) return { kind: 'skip', reason: 'unsubscribed' };

    const unread = await tx
      .select({
        seq: supportMessages.seq,
        content: supportMessages.content,
        createdAt: supportMessages.createdAt,
        senderName: senders.name,
      })
      .from(supportMessages)
      .leftJoin(senders, eq(senders.id, supportMessages.senderId))
      .where(
        and(
          eq(supportMessages.chatId, chatId),
          eq(supportMessages.senderType, 'admin'),
          isNull(supportMessages.readAt),
          gt(supportMessages.seq, chat.emailedSeq),
        ),
      )
      .orderBy(asc(supportMessages.seq));
    if (unread.length === 0) return { kind: 'skip', reason: 'nothing_unread' };

    const fromSeq = Number(unread[0]!.seq);
    const upToSeq = Number(unread[unread.length - 1]!.seq);
    await tx.update(supportChats).set({ emailedSeq: upToSeq }).where(eq(supportChats.id, chatId));
    const [row] = await tx
      .insert(supportEmails)
      .values({ chatId, userId: chat.userId, toAddress, fromSeq, upToSeq })
      .returning({ id: supportEmails.id });
    return {
      kind: 'claimed',
      claim: {
        emailId: row!.id,
        chatId,
        userId: chat.userId,
        toAddress,
        recipientName: chat.name,
        fromSeq,
        upToSeq,
        previousEmailedSeq: Number(chat.emailedSeq),
        replies: unread.map((m) => ({ senderName: m.senderName, content: m.content, createdAt: new Date(m.createdAt) })),
      },
    };
  });
}

/** SES accepted the email: keep its message id with the claim. */
export async function confirmReplyEmail(db: Database, claim: ReplyEmailClaim, providerMessageId: string): Promise<void> {
  await db
    .update(supportEmails)
    .set({ providerMessageId, sentAt: sql`clock_timestamp()` })
    .where(eq(supportEmails.id, claim.emailId));
}

/**
 * SES certainly did not send it and a retry may: undo the claim so the retry finds the replies.
 * False when a later claim already moved the mark on (its email carries the newer replies).
 */
export async function releaseReplyEmail(db: Database, claim: ReplyEmailClaim): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.select({ id: supportChats.id }).from(supportChats).where(eq(supportChats.id, claim.chatId)).for('update');
    await tx.delete(supportEmails).where(eq(supportEmails.id, claim.emailId));
    const restored = await tx
      .update(supportChats)
      .set({ emailedSeq: claim.previousEmailedSeq })
      .where(and(eq(supportChats.id, claim.chatId), eq(supportChats.emailedSeq, claim.upToSeq)))
      .returning({ id: supportChats.id });
    return restored.length > 0;
  });
}

/** SES refused this email for good: forget the send but keep the mark, so it is not tried again. */
export async function dropReplyEmail(db: Database, claim: ReplyEmailClaim): Promise<void> {
  await db.delete(supportEmails).where(eq(supportEmails.id, claim.emailId));
}
