// Email: reply-email jobs per second through graphile-worker (the app's task list and worker
// settings: claim guards in Postgres, MIME build, SES SendRawEmail, confirm) to the local SES
// emulator, against a bare SendRawEmail loop to the same emulator with the same concurrency.
import postgres from 'postgres';
import { loadConfig } from '../server/src/config.js';
import { startLocalMailbox } from '../server/src/email/local-mailbox.js';
import { createSesTransport } from '../server/src/email/ses.js';
import { startWorker, type WorkerLogger } from '../server/src/jobs/worker.js';
import { freshDatabase } from './message-path.js';
import { round } from './lib.js';

export interface EmailResults {
  jobs: number;
  concurrency: number;
  worker: { seconds: number; perSecond: number; delivered: number; done: number };
  bare: { seconds: number; perSecond: number; delivered: number };
}

const quiet: WorkerLogger = { error: (o, m) => console.error('worker:', m, o), warn: () => {}, info: () => {}, debug: () => {} };

async function storeCount(endpoint: string): Promise<number> {
  const res = await fetch(`${endpoint}/store`);
  return ((await res.json()) as { emails: unknown[] }).emails.length;
}

export async function runEmail(options: { serverUrl: string; jobs: number; log?: (line: string) => void }): Promise<EmailResults> {
  const log = options.log ?? console.log;
  const { jobs } = options;
  const dbUrl = await freshDatabase(options.serverUrl, 'sc_bench_email');
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  const mailbox = await startLocalMailbox();
  const config = loadConfig({
    DATABASE_URL: dbUrl,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'development',
    SES_ENDPOINT: mailbox.endpoint,
    SUPPORT_JWT_SECRET: undefined,
  });
  const concurrency = config.worker.concurrency;
  try {
    // Chats whose user has an address and one unread admin reply each.
    await sql`insert into support_users (external_id, email, name) select 'mail-' || g, 'mail-' || g || '@example.com', 'User ' || g from generate_series(1, ${jobs}) g`;
    const [agent] = await sql<{ id: string }[]>`insert into support_users (external_id, name) values ('agent', 'Agent') returning id`;
    await sql`insert into support_chats (user_id, last_seq, last_message_at) select id, 1, now() from support_users where external_id like 'mail-%'`;
    await sql`insert into support_messages (chat_id, seq, client_id, content, sender_type, sender_id)
              select id, 1, 'reply-1', 'Thanks for writing in: your order ships tomorrow.', 'admin', ${agent!.id} from support_chats`;

    // The worker starts idle; all jobs are added in one statement (its LISTEN wakes it) and the
    // clock runs until the queue is empty.
    const worker = await startWorker({ connectionString: dbUrl, config, logger: quiet });
    const started = performance.now();
    await sql`select graphile_worker.add_job('send_reply_email', json_build_object('chat_id', id::text),
                max_attempts => 10, job_key => 'reply-email:' || id, job_key_mode => 'preserve_run_at')
              from support_chats`;
    // Capped at 60 s on a crowded machine: the rate is then the jobs done in that time.
    let done = jobs;
    for (;;) {
      const [{ left } = { left: 0 }] = await sql<{ left: number }[]>`select count(*)::int as left from graphile_worker._private_jobs`;
      done = jobs - left;
      if (left === 0 || performance.now() - started > 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const workerSeconds = (performance.now() - started) / 1000;
    await worker.stop();
    const workerDelivered = await storeCount(mailbox.endpoint);
    log(`  worker: ${done} of ${jobs} reply-email jobs in ${round(workerSeconds, 2)} s (${workerDelivered} emails in the emulator)`);

    // Baseline: the same emulator, SendRawEmail with a similar MIME, `concurrency` loops.
    await fetch(`${mailbox.endpoint}/clear-store`, { method: 'POST' });
    const transport = createSesTransport({ region: 'us-east-1', endpoint: mailbox.endpoint });
    const raw = (i: number) =>
      [
        'From: Acme <support@example.com>',
        `To: mail-${i}@example.com`,
        'Subject: New reply from Acme',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        '',
        'Thanks for writing in: your order ships tomorrow.',
      ].join('\r\n');
    let next = 0;
    const bareStarted = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < jobs) {
          const i = next++;
          await transport.send({ from: 'support@example.com', to: `mail-${i}@example.com`, raw: raw(i) });
        }
      }),
    );
    const bareSeconds = (performance.now() - bareStarted) / 1000;
    transport.close();
    const bareDelivered = await storeCount(mailbox.endpoint);
    log(`  bare SendRawEmail: ${jobs} emails in ${round(bareSeconds, 2)} s`);
    return {
      jobs,
      concurrency,
      worker: { seconds: workerSeconds, perSecond: done / workerSeconds, delivered: workerDelivered, done },
      bare: { seconds: bareSeconds, perSecond: jobs / bareSeconds, delivered: bareDelivered },
    };
  } finally {
    await mailbox.stop();
    await sql.end();
  }
}
