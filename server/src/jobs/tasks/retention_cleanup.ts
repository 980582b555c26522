// graphile-worker task, daily by cron when RETENTION_DAYS is set: deletes archived chats whose
// archived_at is more than RETENTION_DAYS ago (messages, email history, pending email; audited).
// It logs the count first; a job with payload {"dry_run": true} only logs it.
import type { Task } from 'graphile-worker';
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import { DataRightsService } from '../../services/data-rights.js';

export const RETENTION_TASK = 'retention_cleanup';
/** Daily, 03:17 UTC (graphile-worker matches cron in UTC); off the hour to spread load. */
export const RETENTION_SCHEDULE = '17 3 * * *';

export interface RetentionDeps {
  db: Database;
  config: Config;
}

export function createRetentionCleanup({ db, config }: RetentionDeps): Task {
  const rights = new DataRightsService(db);
  return async (payload, helpers) => {
    const days = config.retentionDays;
    if (!days) {
      helpers.logger.info('retention: RETENTION_DAYS is not set; nothing deleted');
      return;
    }
    const dryRun = (payload as { dry_run?: unknown } | null)?.dry_run === true;
    const due = await rights.countExpiredChats(days);
    helpers.logger.info(`retention dry run: ${due} archived chats older than ${days} days to delete`, { days, chats: due });
    if (dryRun || due === 0) return;
    const deleted = await rights.deleteExpiredChats(days);
    helpers.logger.info(`retention: deleted ${deleted.chats} archived chats (${deleted.messages} messages)`, {
      days,
      ...deleted,
    });
  };
}
