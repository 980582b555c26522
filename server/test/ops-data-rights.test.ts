// Data rights and retention against real Postgres: the export holds all of one user and nothing of
// anyone else; deletion (admin or the user) leaves no row behind, cancels the pending reply email,
// tells live sockets and writes an audit entry without content; retention removes only what is due.
import { randomUUID } from 'node:crypto';
import { runOnce } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronItems, buildTaskList, graphileLogger, WORKER_PRESET } from '../src/jobs/worker.js';
import { api, expectError, type Api } from './support/api.js';
import { captureLogger, Mailbox, makeDue, RecordingTransport, replyJobs, runDueJobs, type LogLine } from './support/email.js';
import { adminToken, bearer, createTestApp, testConfig, userToken, type TestContext } from './support/helper.js';
import { listen, WsClient } from './support/ws-client.js';

let ctx: TestContext;
let http: Api;
let mailbox: Mailbox;
let transport: RecordingTransport;
let wsUrl: string;
const adminSub = `admin-${randomUUID()}`;
const admin = adminToken(adminSub);

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 1000, RETENTION_DAYS: 30 });
  http = api(ctx.app);
  wsUrl = await listen(ctx.app);
  mailbox = await Mailbox.start();
  transport = new RecordingTransport(mailbox.local.endpoint);
});
afterAll(async () => {
  transport.close();
  await mailbox.stop();
  await ctx.close();
});

interface Person {
  sub: string;
  token: string;
  email: string;
  userId: string;
  chatId: string;
  /** Unique strings written into this person's messages. */
  contents: string[];
}

/** A user with a conversation, one emailed reply (support_emails row) and a pending reply email. */
async function personWithHistory(label: string): Promise<Person> {
  const sub = `${label}-${randomUUID()}`;
  const email = `${sub}@example.com`;
  const token = userToken(sub, { email });
  const chatId = await http.chatId(token);
  const contents = [`${label} asks ${randomUUID()}`, `${label} emailed reply ${randomUUID()}`, `${label} pending reply ${randomUUID()}`];
  expect((await http.send(token, contents[0]!)).statusCode).toBe(201);
  expect((await http.reply(admin, chatId, contents[1]!)).statusCode).toBe(201);
  await makeDue(ctx.database.sql, chatId);
  await runDueJobs(ctx, transport);
  expect(await mailbox.emails(email)).toHaveLength(1);
  expect((await http.reply(admin, chatId, contents[2]!)).statusCode).toBe(201);
  expect(await replyJobs(ctx.database.sql, chatId)).toHaveLength(1);
  const [row] = await ctx.database.sql<{ user_id: string }[]>`select user_id from support_chats where id = ${chatId}`;
  return { sub, token, email, userId: row!.user_id, chatId, contents };
}

/** Rows in every public table (and graphile-worker's jobs) whose text mentions any needle. */
async function rowsMentioning(needles: string[]): Promise<Record<string, number>> {
  const sql = ctx.database.sql;
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
  const found: Record<string, number> = {};
  const targets = [...tables.map((t) => `public.${t.table_name}`), 'graphile_worker._private_jobs'];
  for (const table of targets) {
    for (const needle of needles) {
      const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table} t where t::text like $1`, [
        `%${needle}%`,
      ]);
      if (row!.n > 0) found[`${table} ~ ${needle}`] = row!.n;
    }
  }
  return found;
}

async function auditRows(subjectUserId: string) {
  return ctx.database.sql<{ action: string; actor: string; details: Record<string, unknown> }[]>`
    select action, actor, details from support_audit_log where subject_user_id = ${subjectUserId} order by created_at`;
}

describe('GET /api/admin/users/:id/export', () => {
  it("contains the user's profile, chat, messages and email history, and nothing of other users", async () => {
    const ana = await personWithHistory('ana');
    const bob = await personWithHistory('bob');
    const res = await http.get(`/api/admin/users/${ana.userId}/export`, admin);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`support-chat-user-${ana.userId}.json`);
    const data = res.json();
    expect(data.user).toMatchObject({ id: ana.userId, external_id: ana.sub, email: ana.email });
    expect(data.chat).toMatchObject({ id: ana.chatId, message_count: 3 });
    expect(data.messages.map((m: { content: string }) => m.content)).toEqual(ana.contents);
    expect(data.messages.map((m: { sender_type: string }) => m.sender_type)).toEqual(['user', 'admin', 'admin']);
    expect(data.emails).toHaveLength(1);
    expect(data.emails[0]).toMatchObject({ to_address: ana.email, from_seq: 2, up_to_seq: 2 });
    expect(data.emails[0].provider_message_id).toBeTruthy();

    const text = res.body;
    for (const other of [bob.sub, bob.email, bob.userId, bob.chatId, ...bob.contents, adminSub]) {
      expect(text).not.toContain(other);
    }
  });

  it('is for admins only, and 404s for an unknown user', async () => {
    const ana = await personWithHistory('ana');
    expectError(await http.get(`/api/admin/users/${ana.userId}/export`, ana.token), 403, 'forbidden');
    expectError(await http.get(`/api/admin/users/${ana.userId}/export`), 401, 'token_missing');
    expectError(await http.get(`/api/admin/users/${randomUUID()}/export`, admin), 404, 'user_not_found');
  });
});

describe('DELETE /api/admin/users/:id', () => {
  it('refuses non-admins and deletions without the right confirmation', async () => {
    const ana = await personWithHistory('ana');
    const del = (token: string, payload?: Record<string, unknown>) =>
      ctx.app.inject({ method: 'DELETE', url: `/api/admin/users/${ana.userId}`, headers: bearer(token), ...(payload ? { payload } : {}) });
    expectError(await del(ana.token, { confirm: ana.email }), 403, 'forbidden');
    expectError(await del(admin), 400, 'validation_failed');
    expectError(await del(admin, { confirm: 'someone-else@example.com' }), 400, 'confirmation_required');
    expectError(await del(admin, { confirm: true }), 400, 'validation_failed'); // a boolean is not coerced to "true"
    const [still] = await ctx.database.sql`select 1 from support_users where id = ${ana.userId}`;
    expect(still).toBeDefined();
    expect(await replyJobs(ctx.database.sql, ana.chatId)).toHaveLength(1);
  });

  it('leaves no row of the user in any table, cancels their pending email and audits without content', async () => {
    const ana = await personWithHistory('ana');
    const bob = await personWithHistory('bob');
    const watcher = (await WsClient.ready(wsUrl, admin)).client;
    watcher.send({ type: 'subscribe', channel: 'admin' });
    watcher.send({ type: 'subscribe', channel: 'chat', chat_id: ana.chatId });
    const own = (await WsClient.ready(wsUrl, ana.token)).client;
    own.send({ type: 'subscribe', channel: 'chat', chat_id: ana.chatId });
    await watcher.waitFor((f) => f.type === 'subscribed' && f.chat_id === ana.chatId);
    await own.waitFor((f) => f.type === 'subscribed' && f.chat_id === ana.chatId);

    const before = await rowsMentioning([ana.userId, ana.chatId, ana.sub, ana.email, ...ana.contents]);
    expect(Object.keys(before).length).toBeGreaterThan(5);

    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/admin/users/${ana.userId}`,
      headers: bearer(admin),
      payload: { confirm: ana.email.toUpperCase() },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user_id: ana.userId,
      chat_id: ana.chatId,
      profile_deleted: true,
      messages: 3,
      emails: 1,
      email_jobs: 1,
    });

    // Table by table.
    const sql = ctx.database.sql;
    expect(await sql`select 1 from support_users where id = ${ana.userId} or external_id = ${ana.sub}`).toHaveLength(0);
    expect(await sql`select 1 from support_chats where id = ${ana.chatId} or user_id = ${ana.userId}`).toHaveLength(0);
    expect(await sql`select 1 from support_messages where chat_id = ${ana.chatId}`).toHaveLength(0);
    expect(await sql`select 1 from support_emails where chat_id = ${ana.chatId} or user_id = ${ana.userId}`).toHaveLength(0);
    expect(await sql`select 1 from graphile_worker._private_jobs where payload->>'chat_id' = ${ana.chatId}`).toHaveLength(0);
    expect(await replyJobs(sql, ana.chatId)).toHaveLength(0);
    // And by content: only the audit entry's subject id may remain.
    const after = await rowsMentioning([ana.userId, ana.chatId, ana.sub, ana.email, ...ana.contents]);
    expect(after).toEqual({
      [`public.support_audit_log ~ ${ana.userId}`]: 1,
      // The audit entry names the deleted chat id (a random id; no content).
      [`public.support_audit_log ~ ${ana.chatId}`]: 1,
    });

    const [entry, ...more] = await auditRows(ana.userId);
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      action: 'user.deleted',
      actor: adminSub,
      details: { chat_id: ana.chatId, messages: 3, emails: 1, email_jobs: 1 },
    });

    // Bob is untouched, pending email included.
    const bobExport = (await http.get(`/api/admin/users/${bob.userId}/export`, admin)).json();
    expect(bobExport.messages).toHaveLength(3);
    expect(await replyJobs(sql, bob.chatId)).toHaveLength(1);

    // The worker finds nothing to send for Ana.
    await runDueJobs(ctx, transport);
    expect(await mailbox.emails(ana.email)).toHaveLength(1);

    // Live sockets: subscribers are dropped, admin lists get chat_deleted.
    await watcher.waitFor((f) => f.type === 'chat_deleted' && f.chat_id === ana.chatId);
    await watcher.waitFor((f) => f.type === 'unsubscribed' && f.chat_id === ana.chatId);
    await own.waitFor((f) => f.type === 'unsubscribed' && f.chat_id === ana.chatId);
    watcher.close();
    own.close();

    // The same token later starts from nothing (the user cache was cleared).
    const fresh = await http.get('/api/chat', ana.token);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().chat.id).not.toBe(ana.chatId);
    expect(fresh.json().messages).toEqual([]);
  });

  it('deletes a user who never wrote (no chat) and 404s afterwards', async () => {
    const token = userToken();
    await http.get('/api/visitors', token);
    await ctx.app.inject({ method: 'PATCH', url: '/api/chat/contact', headers: bearer(token), payload: { name: 'Nia' } });
    const [user] = await ctx.database.sql<{ id: string }[]>`select id from support_users where name = 'Nia'`;
    await ctx.database.sql`delete from support_chats where user_id = ${user!.id}`;
    const del = () =>
      ctx.app.inject({ method: 'DELETE', url: `/api/admin/users/${user!.id}`, headers: bearer(admin), payload: { confirm: user!.id } });
    const res = await del();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ chat_id: null, messages: 0, profile_deleted: true });
    expectError(await del(), 404, 'user_not_found');
  });
});

describe('DELETE /api/chat (the user deletes their conversation)', () => {
  it('needs {confirm: true}', async () => {
    const ana = await personWithHistory('ana');
    const del = (payload?: unknown) =>
      ctx.app.inject({ method: 'DELETE', url: '/api/chat', headers: bearer(ana.token), ...(payload !== undefined ? { payload: payload as object } : {}) });
    expectError(await del(), 400, 'validation_failed');
    expectError(await del({ confirm: false }), 400, 'validation_failed');
    expectError(await del({ confirm: 'yes' }), 400, 'validation_failed');
    expect((await http.get('/api/chat', ana.token)).json().messages).toHaveLength(3);
  });

  it('deletes the chat, messages, email history and pending email; keeps the profile; audits', async () => {
    const ana = await personWithHistory('ana');
    const bob = await personWithHistory('bob');
    const res = await ctx.app.inject({ method: 'DELETE', url: '/api/chat', headers: bearer(ana.token), payload: { confirm: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user_id: ana.userId, chat_id: ana.chatId, profile_deleted: false, messages: 3, emails: 1, email_jobs: 1 });

    const sql = ctx.database.sql;
    expect(await sql`select 1 from support_chats where user_id = ${ana.userId}`).toHaveLength(0);
    expect(await sql`select 1 from support_messages where chat_id = ${ana.chatId}`).toHaveLength(0);
    expect(await sql`select 1 from support_emails where user_id = ${ana.userId}`).toHaveLength(0);
    expect(await replyJobs(sql, ana.chatId)).toHaveLength(0);
    const after = await rowsMentioning(ana.contents);
    expect(after).toEqual({});
    // The profile stays (the token brings it back anyway; an unsubscribe stays in force).
    expect(await sql`select 1 from support_users where id = ${ana.userId}`).toHaveLength(1);

    const [entry] = await auditRows(ana.userId);
    expect(entry).toMatchObject({ action: 'chat.deleted_by_user', actor: 'user', details: { chat_id: ana.chatId, messages: 3 } });
    expect(JSON.stringify(entry)).not.toContain(ana.email);

    expect((await http.get(`/api/admin/users/${bob.userId}/export`, admin)).json().messages).toHaveLength(3);
    const next = (await http.get('/api/chat', ana.token)).json();
    expect(next.chat.id).not.toBe(ana.chatId);
    expect(next.messages).toEqual([]);
  });

  it('allows DELETE in CORS preflights from the widget origin', async () => {
    const res = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/chat',
      headers: { origin: 'http://site.test', 'access-control-request-method': 'DELETE' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-methods']).toContain('DELETE');
  });
});

describe('retention (RETENTION_DAYS)', () => {
  async function chatAged(label: string, archivedDaysAgo: number | null, lastMessageDaysAgo: number): Promise<Person> {
    const person = await personWithHistory(label);
    const sql = ctx.database.sql;
    await sql`update support_chats set
      last_message_at = now() - make_interval(days => ${lastMessageDaysAgo}),
      archived_at = ${archivedDaysAgo === null ? null : sql`now() - make_interval(days => ${archivedDaysAgo})`}
      where id = ${person.chatId}`;
    return person;
  }

  async function runRetention(payload: Record<string, unknown> = {}): Promise<LogLine[]> {
    const logs: LogLine[] = [];
    await ctx.database.sql`select graphile_worker.add_job('retention_cleanup', ${JSON.stringify(payload)}::json)`;
    await runOnce({
      connectionString: ctx.databaseUrl,
      taskList: buildTaskList({ db: ctx.database.db, config: ctx.config, transport }),
      logger: graphileLogger(captureLogger(logs)),
      preset: WORKER_PRESET,
    });
    return logs;
  }

  it('is scheduled daily only when RETENTION_DAYS is set', () => {
    expect(cronItems(ctx.config).map((item) => item.task)).toEqual(['retention_cleanup']);
    expect(cronItems(testConfig(ctx.databaseUrl))).toEqual([]);
  });

  it('deletes only archived chats older than N days, after logging the count; dry runs delete nothing', async () => {
    const sql = ctx.database.sql;
    await sql`update support_chats set archived_at = null`;
    const old = await chatAged('old', 45, 60);
    const recent = await chatAged('recent', 10, 60);
    const active = await chatAged('active', null, 400);

    const dry = await runRetention({ dry_run: true });
    expect(dry.find((l) => l.msg?.startsWith('retention dry run'))?.fields).toMatchObject({ days: 30, chats: 1 });
    expect(await sql`select 1 from support_chats where id = ${old.chatId}`).toHaveLength(1);

    const logs = await runRetention();
    const messages = logs.map((l) => l.msg ?? '');
    const dryRunAt = messages.findIndex((m) => m.startsWith('retention dry run'));
    const deletedAt = messages.findIndex((m) => m.startsWith('retention: deleted'));
    expect(dryRunAt).toBeGreaterThanOrEqual(0);
    expect(deletedAt).toBeGreaterThan(dryRunAt);
    expect(logs[deletedAt]!.fields).toMatchObject({ chats: 1, messages: 3 });

    expect(await sql`select 1 from support_chats where id = ${old.chatId}`).toHaveLength(0);
    expect(await sql`select 1 from support_messages where chat_id = ${old.chatId}`).toHaveLength(0);
    expect(await replyJobs(sql, old.chatId)).toHaveLength(0);
    for (const kept of [recent, active]) {
      expect(await sql`select 1 from support_messages where chat_id = ${kept.chatId}`).toHaveLength(3);
    }
    const [entry] = await auditRows(old.userId);
    expect(entry).toMatchObject({ action: 'chat.deleted_by_retention', actor: 'system:retention', details: { chat_id: old.chatId, retention_days: 30, messages: 3 } });
    expect(JSON.stringify(entry)).not.toContain(old.contents[0]!);

    const again = await runRetention();
    expect(again.find((l) => l.msg?.startsWith('retention dry run'))?.fields).toMatchObject({ chats: 0 });
  });
});
