// Schedules the reply email in the same transaction as the admin message (graphile_worker.add_job),
// one job per chat whose run time stays at the first unread reply (preserve_run_at).
import { sql } from 'drizzle-orm';
import type { PgTransaction } from 'drizzle-orm/pg-core';

export const REPLY_EMAIL_TASK = 'send_reply_email';

export function replyEmailJobKey(chatId: string): string {
  return `reply-email:${chatId}`;
}

// Any Drizzle transaction (or database) that can run a statement.
type Executor = Pick<PgTransaction<any, any, any>, 'execute'>;

export async function enqueueReplyEmail(tx: Executor, chatId: string, delaySeconds: number): Promise<void> {
  await tx.execute(sql`
    select graphile_worker.add_job(
      ${REPLY_EMAIL_TASK},
      json_build_object('chat_id', ${chatId}::text),
      run_at => clock_timestamp() + make_interval(secs => ${delaySeconds}),
      max_attempts => 10,
      job_key => ${replyEmailJobKey(chatId)},
      job_key_mode => 'preserve_run_at'
    )`);
}
