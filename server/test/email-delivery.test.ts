// Reply emails end to end: admin replies through the API, the real graphile-worker runs the job,
// the real SES SDK sends to the emulator, and we read its mailbox. Time moves by moving run_at.
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '../src/email/unsubscribe-token.js';
import { claimReplyEmail } from '../src/jobs/reply-email-claims.js';
import { startWorker } from '../src/jobs/worker.js';
import { api, type Api } from './support/api.js';
import {
  addDuplicateJob,
  captureLogger,
  type Mailbox,
  makeDue,
  type RecordingTransport,
  replyEmailJobKey,
  replyJobs,
  runDueJobs,
  startFakeSes,
  type LogLine,
  useEmailSuite,
} from './support/email.js';
import { adminToken, createTestApp, userToken, type TestContext } from './support/helper.js';

let ctx: TestContext;
let http: Api;
let mailbox: Mailbox;
let transport: RecordingTransport;
const admin = adminToken(`admin-${randomUUID()}`, { name: 'Ada Admin' });

const suite = useEmailSuite({ MESSAGE_RATE_LIMIT: 1000, APP_NAME: 'Acme', CHAT_URL: 'https://shop.example/help?lang=en' });
beforeAll(() => ({ ctx, http, mailbox, transport } = suite));
beforeEach(() => mailbox.clear());

interface Visitor {
  token: string;
  chatId: string;
  userId: string;
  email: string;
}

async function newUser(options: { email?: boolean; name?: string } = {}): Promise<Visitor> {
  const sub = `u-${randomUUID()}`;
  const email = `${sub}@example.com`;
  const token = userToken(sub, { email: options.email === false ? undefined : email, ...(options.name ? { name: options.name } : {}) });
  const chatId = await http.chatId(token);
  expect((await http.send(token, 'My order has not arrived')).statusCode).toBe(201);
  const [row] = await ctx.database.sql<{ user_id: string }[]>`select user_id from support_chats where id = ${chatId}`;
  return { token, chatId, userId: row!.user_id, email };
}

async function reply(chatId: string, content: string): Promise<number> {
  const res = await http.reply(admin, chatId, content);
  expect(res.statusCode).toBe(201);
  return res.json().seq as number;
}

async function emailedSeq(chatId: string): Promise<number> {
  const [row] = await ctx.database.sql<{ emailed_seq: string }[]>`select emailed_seq from support_chats where id = ${chatId}`;
  return Number(row!.emailed_seq);
}

async function emailRows(chatId: string) {
  return ctx.database.sql<{ from_seq: string; up_to_seq: string; provider_message_id: string | null; to_address: string }[]>`
    select from_seq, up_to_seq, provider_message_id, to_address from support_emails where chat_id = ${chatId} order by up_to_seq`;
}

/** The delay passes and the worker runs. */
async function afterDelay(chatId: string, logs: LogLine[] = []): Promise<void> {
  await makeDue(ctx.database.sql, chatId);
  await runDueJobs(ctx, transport, logs);
}

function header(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

describe('reply emails', () => {
  it('sends exactly one email once the delay has passed, with subject, preview, link and unsubscribe', async () => {
    const user = await newUser({ name: 'Uma' });
    const seq = await reply(user.chatId, 'Your parcel left our warehouse today.');

    const [job] = await replyJobs(ctx.database.sql, user.chatId);
    expect(job!.key).toBe(replyEmailJobKey(user.chatId));
    const delay = (new Date(job!.run_at).getTime() - Date.now()) / 1000;
    expect(delay).toBeGreaterThan(290);
    expect(delay).toBeLessThanOrEqual(300);

    await runDueJobs(ctx, transport);
    expect(await mailbox.emails(user.email)).toHaveLength(0);

    await afterDelay(user.chatId);
    const emails = await mailbox.emails(user.email);
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email!.subject).toBe('New reply from Acme Support');
    expect(email!.from).toBe('"Acme Support" <support@example.com>');
    expect(email!.body.text).toContain('Your parcel left our warehouse today.');
    expect(email!.body.text).toContain('Hi Uma,');
    expect(email!.body.html).toContain('Your parcel left our warehouse today.');
    expect(email!.body.html).toContain('Ada Admin');
    expect(email!.body.text).toContain('https://shop.example/help?lang=en&support_chat=open');
    expect(email!.body.html).toContain('href="https://shop.example/help?lang=en&amp;support_chat=open"');

    const [raw] = transport.rawTo(user.email);
    const token = signUnsubscribeToken(ctx.config.serverSecret, user.userId);
    expect(header(raw!, 'List-Unsubscribe')).toBe(`<http://127.0.0.1:3000/unsubscribe?token=${encodeURIComponent(token)}>`);
    expect(header(raw!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(raw!, 'Content-Type')).toMatch(/^multipart\/alternative;/);
    expect(email!.body.text).toContain(`/unsubscribe?token=${encodeURIComponent(token)}`);

    expect(await emailedSeq(user.chatId)).toBe(seq);
    expect(await emailRows(user.chatId)).toEqual([
      { from_seq: String(seq), up_to_seq: String(seq), provider_message_id: email!.messageId, to_address: user.email },
    ]);
    expect(await replyJobs(ctx.database.sql, user.chatId)).toEqual([]);

    await runDueJobs(ctx, transport);
    expect(await mailbox.emails(user.email)).toHaveLength(1);
  });

  it('sends one email listing all three replies of a burst', async () => {
    const user = await newUser();
    await reply(user.chatId, 'First: we found your order.');
    const [first] = await replyJobs(ctx.database.sql, user.chatId);
    await reply(user.chatId, 'Second: it ships tomorrow.');
    const third = await reply(user.chatId, 'Third: here is the tracking number.');

    const jobs = await replyJobs(ctx.database.sql, user.chatId);
    expect(jobs).toHaveLength(1);
    // The delay counts from the first unread reply, not the last.
    expect(jobs[0]!.run_at).toEqual(first!.run_at);

    await afterDelay(user.chatId);
    const emails = await mailbox.emails(user.email);
    expect(emails).toHaveLength(1);
    for (const text of ['First: we found your order.', 'Second: it ships tomorrow.', 'Third: here is the tracking number.']) {
      expect(emails[0]!.body.text).toContain(text);
      expect(emails[0]!.body.html).toContain(text);
    }
    expect(emails[0]!.body.text).toContain('You have 3 new replies');
    expect(await emailedSeq(user.chatId)).toBe(third);
  });

  it('truncates each preview to 200 characters', async () => {
    const user = await newUser();
    await reply(user.chatId, `${'a'.repeat(195)}bbbbbbbbbbZZZ-the-end`);
    await afterDelay(user.chatId);
    const [email] = await mailbox.emails(user.email);
    expect(email!.body.text).toContain(`${'a'.repeat(195)}bbbb…`);
    expect(email!.body.text).not.toContain('ZZZ-the-end');
  });

  it('does not email when the user read the reply', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Anything else?');
    expect((await http.post('/api/chat/read', user.token, {})).statusCode).toBe(200);
    const logs: LogLine[] = [];
    await afterDelay(user.chatId, logs);
    expect(await mailbox.emails(user.email)).toHaveLength(0);
    expect(logs.map((l) => l.msg)).toContain('reply email skipped: nothing_unread');
    expect(await emailedSeq(user.chatId)).toBe(0);
    expect(await replyJobs(ctx.database.sql, user.chatId)).toEqual([]);
  });

  it('lists only the replies still unread since the last email', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Old reply the user has read');
    expect((await http.post('/api/chat/read', user.token, {})).statusCode).toBe(200);
    await reply(user.chatId, 'New reply, unread');
    await afterDelay(user.chatId);
    const [email] = await mailbox.emails(user.email);
    expect(email!.body.text).toContain('New reply, unread');
    expect(email!.body.text).not.toContain('Old reply');

    // A later burst gets its own email with only the newer reply.
    await reply(user.chatId, 'Even newer reply');
    await afterDelay(user.chatId);
    const emails = await mailbox.emails(user.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.body.text).toContain('Even newer reply');
    expect(emails[1]!.body.text).not.toContain('New reply, unread');
  });

  it('does not email about an archived chat', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Closing this one.');
    expect((await http.post(`/api/admin/chats/${user.chatId}/archive`, admin)).statusCode).toBeLessThan(300);
    const logs: LogLine[] = [];
    await afterDelay(user.chatId, logs);
    expect(await mailbox.emails(user.email)).toHaveLength(0);
    expect(logs.map((l) => l.msg)).toContain('reply email skipped: archived');
  });

  it('does not email a user who unsubscribed', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Hello again');
    const token = signUnsubscribeToken(ctx.config.serverSecret, user.userId);
    expect((await ctx.app.inject({ method: 'POST', url: `/unsubscribe?token=${token}` })).statusCode).toBe(200);
    const logs: LogLine[] = [];
    await afterDelay(user.chatId, logs);
    expect(await mailbox.emails(user.email)).toHaveLength(0);
    expect(logs.map((l) => l.msg)).toContain('reply email skipped: unsubscribed');
  });

  it('does not email a user without an email address', async () => {
    const user = await newUser({ email: false });
    await reply(user.chatId, 'Are you still there?');
    const logs: LogLine[] = [];
    await afterDelay(user.chatId, logs);
    expect(transport.sent.filter((e) => e.to === user.email)).toHaveLength(0);
    expect(logs.map((l) => l.msg)).toContain('reply email skipped: no_email');
  });

  it('never sends to a stored value that is not one plain address', async () => {
    const user = await newUser();
    await ctx.database.sql`update support_users set email = ${`${user.email}, other@example.com`} where id = ${user.userId}`;
    await reply(user.chatId, 'For one person only');
    const logs: LogLine[] = [];
    await afterDelay(user.chatId, logs);
    expect(await mailbox.emails()).toHaveLength(0);
    expect(logs.map((l) => l.msg)).toContain('reply email skipped: no_email');
  });

  it('never enqueues or sends anything for user messages', async () => {
    const user = await newUser();
    for (const text of ['one', 'two', 'three']) expect((await http.send(user.token, text)).statusCode).toBe(201);
    expect(await replyJobs(ctx.database.sql, user.chatId)).toEqual([]);
    await addDuplicateJob(ctx.database.sql, user.chatId); // even if a job existed, nothing is due
    await afterDelay(user.chatId);
    expect(await mailbox.emails(user.email)).toHaveLength(0);
  });

  it('shows a <script> in a message as text', async () => {
    const user = await newUser({ name: '<img src=x onerror=alert(1)>' });
    await reply(user.chatId, 'Try <script>alert("pwned")</script> & <b>bold</b>');
    await afterDelay(user.chatId);
    const [email] = await mailbox.emails(user.email);
    expect(email!.body.html).toContain('Try &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(email!.body.html).not.toMatch(/<script|<b>|<img/i);
    expect(email!.body.html).toContain('Hi &lt;img src=x onerror=alert(1)&gt;,');
  });
});

describe('at-least-once delivery', () => {
  it('sends once when the job runs again (a retry)', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Only once, please');
    await afterDelay(user.chatId);
    await addDuplicateJob(ctx.database.sql, user.chatId);
    const logs: LogLine[] = [];
    await afterDelay(user.chatId, logs);
    expect(await mailbox.emails(user.email)).toHaveLength(1);
    expect(logs.map((l) => l.msg)).toContain('reply email skipped: nothing_unread');
  });

  it('sends once when two workers run the same chat at the same moment', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Racing workers');
    await reply(user.chatId, 'Second reply');
    for (let i = 0; i < 3; i++) await addDuplicateJob(ctx.database.sql, user.chatId);
    await makeDue(ctx.database.sql, user.chatId);
    const logs: LogLine[] = [];
    await Promise.all([0, 1, 2, 3].map(() => runDueJobs(ctx, transport, logs)));
    expect(await mailbox.emails(user.email)).toHaveLength(1);
    expect(logs.filter((l) => l.msg === 'reply email skipped: nothing_unread')).toHaveLength(3);
    expect(await emailRows(user.chatId)).toHaveLength(1);
    expect(await replyJobs(ctx.database.sql, user.chatId)).toEqual([]);
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Claim me');
    const results = await Promise.all(Array.from({ length: 6 }, () => claimReplyEmail(ctx.database.db, user.chatId)));
    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'skip' && r.reason === 'nothing_unread')).toHaveLength(5);
  });

  it('does not send again after a crash between claiming and sending (never twice)', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Crash window');
    // The worker claimed the replies and then died before SES answered.
    const claimed = await claimReplyEmail(ctx.database.db, user.chatId);
    expect(claimed.kind).toBe('claimed');
    await afterDelay(user.chatId);
    expect(await mailbox.emails(user.email)).toHaveLength(0);
    expect(await emailRows(user.chatId)).toMatchObject([{ provider_message_id: null }]);
  });

  it('retries with backoff when SES is throttling or unavailable, then sends once', async () => {
    for (const mode of ['throttling', 'service-unavailable'] as const) {
      const user = await newUser();
      await reply(user.chatId, `Retry after ${mode}`);
      const fake = await startFakeSes(mode);
      transport.retarget(fake.endpoint);
      try {
        const logs: LogLine[] = [];
        await afterDelay(user.chatId, logs);
        expect(fake.requests).toBe(1);
        const [job] = await replyJobs(ctx.database.sql, user.chatId);
        expect(job).toMatchObject({ attempts: 1, locked_at: null });
        expect(job!.last_error).toMatch(mode === 'throttling' ? /Throttling/ : /ServiceUnavailable/);
        expect(new Date(job!.run_at).getTime()).toBeGreaterThan(Date.now());
        // The claim was undone, so the retry finds the reply.
        expect(await emailedSeq(user.chatId)).toBe(0);
        expect(await emailRows(user.chatId)).toEqual([]);
      } finally {
        transport.retarget(mailbox.local.endpoint);
        await fake.stop();
      }
      await afterDelay(user.chatId);
      const emails = await mailbox.emails(user.email);
      expect(emails).toHaveLength(1);
      expect(emails[0]!.body.text).toContain(`Retry after ${mode}`);
      expect(await replyJobs(ctx.database.sql, user.chatId)).toEqual([]);
    }
  });

  it('does not retry an email SES rejects for good', async () => {
    const user = await newUser();
    const seq = await reply(user.chatId, 'To a bad address');
    const fake = await startFakeSes('message-rejected');
    transport.retarget(fake.endpoint);
    const logs: LogLine[] = [];
    try {
      await afterDelay(user.chatId, logs);
      await afterDelay(user.chatId, logs);
    } finally {
      transport.retarget(mailbox.local.endpoint);
      await fake.stop();
    }
    expect(fake.requests).toBe(1);
    expect(await replyJobs(ctx.database.sql, user.chatId)).toEqual([]);
    expect(await emailRows(user.chatId)).toEqual([]);
    expect(await emailedSeq(user.chatId)).toBe(seq);
    expect(logs.find((l) => l.level === 'error')?.msg).toMatch(/rejected by SES, not retrying: MessageRejected/);
  });

  it('does not retry when the connection breaks mid-send (SES may have taken it)', async () => {
    const user = await newUser();
    await reply(user.chatId, 'Lost in transit');
    const fake = await startFakeSes('connection-reset');
    transport.retarget(fake.endpoint);
    const logs: LogLine[] = [];
    try {
      await afterDelay(user.chatId, logs);
    } finally {
      transport.retarget(mailbox.local.endpoint);
      await fake.stop();
    }
    expect(fake.requests).toBe(1);
    expect(await replyJobs(ctx.database.sql, user.chatId)).toEqual([]);
    expect(await emailRows(user.chatId)).toMatchObject([{ provider_message_id: null }]);
    expect(logs.find((l) => l.level === 'error')?.msg).toMatch(/may or may not have been sent/);
  });
});

describe('the running worker', () => {
  it('emails within seconds with EMAIL_DELAY_SECONDS=0 and stops leaving no job locked', async () => {
    const quick = await createTestApp({ EMAIL_DELAY_SECONDS: 0, WORKER_CONCURRENCY: 2 }, ctx.databaseUrl);
    const logs: LogLine[] = [];
    const worker = await startWorker({
      connectionString: ctx.databaseUrl,
      config: quick.config,
      logger: captureLogger(logs),
      database: quick.database,
      transport,
    });
    try {
      const user = await newUser();
      const started = Date.now();
      const res = await api(quick.app).reply(admin, user.chatId, 'Fast path');
      expect(res.statusCode).toBe(201);
      let emails = await mailbox.emails(user.email);
      while (emails.length === 0 && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 50));
        emails = await mailbox.emails(user.email);
      }
      expect(emails).toHaveLength(1);
      expect(emails[0]!.body.text).toContain('Fast path');
    } finally {
      await worker.stop();
      await quick.app.close();
      await quick.database.close();
    }
    const [locked] = await ctx.database.sql<{ n: number }[]>`
      select count(*)::int as n from graphile_worker._private_jobs where locked_at is not null`;
    expect(locked!.n).toBe(0);
  });
});
