// Schedules the reply email in the same transaction as the admin message (graphile_worker.add_job),
// one job per chat whose run time stays at the first unread reply (preserve_run_at).
import { sql, type Placeholder, type SQL } from 'drizzle-orm';

export const REPLY_EMAIL_TASK = 'send_reply_email';

const JOB_KEY_PREFIX = 'reply-email:';

export function replyEmailJobKey(chatId: string): string {
  return `${JOB_KEY_PREFIX}${chatId}`;
}

/**
 * The add_job call as SQL, for use inside a larger statement (the message insert, which passes a
 * placeholder for the chat id: it is prepared once).
 */
export function replyEmailJobSql(chatId: string | Placeholder, delaySeconds: number): SQL {
  return sql`
    select graphile_worker.add_job(
      ${REPLY_EMAIL_TASK},
      json_build_object('chat_id', ${chatId}::text),
      run_at => clock_timestamp() + make_interval(secs => ${delaySeconds}),
      max_attempts => 10,
      job_key => ${JOB_KEY_PREFIX} || ${chatId}::text,
      job_key_mode => 'preserve_run_at'
    )`;
}

