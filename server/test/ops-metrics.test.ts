// Metrics and logs through real flows: /metrics access rules, counters and histograms that move when
// messages flow over REST and WebSocket and when reply emails are queued, sent and skipped, and
// log output (info level) that never carries a token, an email address or a message's content.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { runOnce } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createDbClient, type DbClient } from '../src/db/client.js';
import { buildTaskList, graphileLogger, WORKER_PRESET } from '../src/jobs/worker.js';
import { api, expectError, type Api } from './support/api.js';
import { Mailbox, makeDue, RecordingTransport } from './support/email.js';
import { adminToken, bearer, createTestDatabase, dropTestDatabase, testConfig, userToken } from './support/helper.js';
import { listen, WsClient } from './support/ws-client.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let app: FastifyInstance;
let database: DbClient;
let databaseUrl: string;
let http: Api;
let wsUrl: string;
let mailbox: Mailbox;
let transport: RecordingTransport;
const lines: string[] = [];
const admin = adminToken();

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  database = createDbClient(databaseUrl);
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = testConfig(databaseUrl, { METRICS_TOKEN, MESSAGE_RATE_LIMIT: 5, LOG_LEVEL: 'info' });
  app = await buildApp({ config, database, logger: { level: 'info', stream } });
  await app.ready();
  http = api(app);
  wsUrl = await listen(app);
  mailbox = await Mailbox.start();
  transport = new RecordingTransport(mailbox.local.endpoint);
});
afterAll(async () => {
  transport.close();
  await mailbox.stop();
  await app.close();
  await database.close();
  await dropTestDatabase(databaseUrl);
});

async function scrape(): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/** The value of one series; labels must match exactly (in any order). 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (got === wanted) return Number(match[3]);
  }
  return 0;
}

async function runJobs(): Promise<void> {
  await runOnce({
    connectionString: databaseUrl,
    taskList: buildTaskList({ db: database.db, config: app.config, transport, telemetry: app.metrics }),
    logger: graphileLogger(app.log),
    preset: WORKER_PRESET,
  });
}

describe('GET /metrics access', () => {
  it('wants the METRICS_TOKEN bearer token when one is set', async () => {
    expectError(await app.inject({ method: 'GET', url: '/metrics' }), 401, 'unauthorized');
    expectError(await app.inject({ method: 'GET', url: '/metrics', headers: bearer('wrong-token-wrong-token') }), 401, 'unauthorized');
    expectError(await app.inject({ method: 'GET', url: '/metrics', headers: bearer(userToken()) }), 401, 'unauthorized');
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    for (const name of [
      'support_chat_ws_open_sockets',
      'support_chat_messages_stored_total',
      'support_chat_delivery_latency_seconds',
      'support_chat_db_pool_max',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(res.body).toContain(`# TYPE ${name}`);
    }
    expect(value(res.body, 'support_chat_db_pool_max')).toBe(10);
  });

  it('without a token, answers direct loopback callers only', async () => {
    const url = await createTestDatabase();
    const db = createDbClient(url);
    const open = await buildApp({ config: testConfig(url), database: db, logger: false });
    try {
      expect((await open.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
      expect((await open.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
      expectError(await open.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' }), 403, 'forbidden');
      expectError(
        await open.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } }),
        403,
        'forbidden',
      );
    } finally {
      await open.close();
      await db.close();
      await dropTestDatabase(url);
    }
  });
});

describe('metrics move with the traffic', () => {
  it('counts stored messages, queued emails and HTTP durations by route over REST', async () => {
    const before = await scrape();
    const token = userToken();
    const chatId = await http.chatId(token);
    expect((await http.send(token, 'hello')).statusCode).toBe(201);
    expect((await http.send(token, 'hello again')).statusCode).toBe(201);
    expect((await http.reply(admin, chatId, 'hi there')).statusCode).toBe(201);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('support_chat_messages_stored_total', { sender_type: 'user' })).toBe(2);
    expect(delta('support_chat_messages_stored_total', { sender_type: 'admin' })).toBe(1);
    expect(delta('support_chat_email_jobs_queued_total')).toBe(1);
    expect(
      delta('support_chat_http_request_duration_seconds_count', { method: 'POST', route: '/api/chat/messages', status_code: '201' }),
    ).toBe(2);
    expect(
      delta('support_chat_http_request_duration_seconds_count', { method: 'POST', route: '/api/admin/chats/:id/messages', status_code: '201' }),
    ).toBe(1);
  });

  it('counts sockets by role, live deliveries with their latency, replays and catch-up sizes over WebSocket', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    for (const text of ['one', 'two', 'three']) expect((await http.send(token, text)).statusCode).toBe(201);
    const before = await scrape();

    const user = (await WsClient.ready(wsUrl, token)).client;
    const agent = (await WsClient.ready(wsUrl, admin)).client;
    user.send({ type: 'subscribe', channel: 'chat', chat_id: chatId, after_seq: 0 });
    await user.waitFor((f) => f.type === 'subscribed');
    agent.send({ type: 'subscribe', channel: 'chat', chat_id: chatId });
    await agent.waitFor((f) => f.type === 'subscribed');
    const open = await scrape();
    expect(value(open, 'support_chat_ws_open_sockets', { role: 'user' }) - value(before, 'support_chat_ws_open_sockets', { role: 'user' })).toBe(1);
    expect(value(open, 'support_chat_ws_open_sockets', { role: 'admin' }) - value(before, 'support_chat_ws_open_sockets', { role: 'admin' })).toBe(1);

    user.send({ type: 'send_message', chat_id: chatId, client_id: 'ws-1', content: 'over the socket' });
    await user.waitFor((f) => f.type === 'new_message' && f.message.client_id === 'ws-1');
    await agent.waitFor((f) => f.type === 'new_message' && f.message.client_id === 'ws-1');
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('support_chat_messages_stored_total', { sender_type: 'user' })).toBe(1);
    expect(delta('support_chat_messages_delivered_total', { path: 'replay' })).toBe(3);
    expect(delta('support_chat_messages_delivered_total', { path: 'live' })).toBe(2);
    expect(delta('support_chat_delivery_latency_seconds_count')).toBe(2);
    expect(delta('support_chat_delivery_latency_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(delta('support_chat_catch_up_messages_count')).toBe(2);
    expect(delta('support_chat_catch_up_messages_sum')).toBe(3);

    user.close();
    agent.close();
    await Promise.all([user.closed, agent.closed]);
    await expect.poll(async () => value(await scrape(), 'support_chat_ws_open_sockets', { role: 'user' })).toBe(
      value(before, 'support_chat_ws_open_sockets', { role: 'user' }),
    );
  });

  it('counts rate-limited sends over REST and WebSocket', async () => {
    const before = await scrape();
    const token = userToken();
    const chatId = await http.chatId(token);
    for (let i = 0; i < 5; i++) expect((await http.send(token, `m${i}`)).statusCode).toBe(201);
    expectError(await http.send(token, 'one too many'), 429, 'rate_limited');
    const { client } = await WsClient.ready(wsUrl, token);
    client.send({ type: 'send_message', chat_id: chatId, client_id: 'ws-limited', content: 'and another' });
    await client.waitFor((f) => f.type === 'error' && f.code === 'rate_limited');
    client.close();
    const after = await scrape();
    expect(value(after, 'support_chat_rate_limited_total', { transport: 'http' }) - value(before, 'support_chat_rate_limited_total', { transport: 'http' })).toBe(1);
    expect(value(after, 'support_chat_rate_limited_total', { transport: 'ws' }) - value(before, 'support_chat_rate_limited_total', { transport: 'ws' })).toBe(1);
  });

  it('counts reply emails sent and skipped (with the reason)', async () => {
    const before = await scrape();
    const reader = userToken();
    const readerChat = await http.chatId(reader);
    const waiting = userToken();
    const waitingChat = await http.chatId(waiting);
    expect((await http.reply(admin, readerChat, 'read me in the widget')).statusCode).toBe(201);
    expect((await http.reply(admin, waitingChat, 'read me by email')).statusCode).toBe(201);
    expect((await http.post('/api/chat/read', reader, {})).statusCode).toBe(200);
    await makeDue(database.sql, readerChat);
    await makeDue(database.sql, waitingChat);
    await runJobs();
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('support_chat_email_jobs_queued_total')).toBe(2);
    expect(delta('support_chat_email_jobs_sent_total')).toBe(1);
    expect(delta('support_chat_email_jobs_skipped_total', { reason: 'nothing_unread' })).toBe(1);
    expect(delta('support_chat_email_jobs_failed_total', { reason: 'retry' })).toBe(0);
  });

  it('counts LISTEN reconnects', async () => {
    const before = value(await scrape(), 'support_chat_listener_reconnects_total');
    await database.sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`;
    await expect
      .poll(async () => value(await scrape(), 'support_chat_listener_reconnects_total'), { timeout: 10_000 })
      .toBe(before + 1);
  });
});

describe('logs at info level', () => {
  it('never carry a token, an email address or message content through REST, WebSocket, email and data rights', async () => {
    const start = lines.length;
    const sub = `logged-${randomUUID()}`;
    const email = `${sub}@example.com`;
    const token = userToken(sub, { email });
    const secrets = {
      token,
      admin,
      metrics: METRICS_TOKEN,
      email,
      rest: `rest content ${randomUUID()}`,
      ws: `socket content ${randomUUID()}`,
      reply: `reply content ${randomUUID()}`,
      contactName: `Name ${randomUUID()}`,
    };
    const chatId = await http.chatId(token);
    expect((await http.send(token, secrets.rest)).statusCode).toBe(201);
    expect((await http.patch('/api/chat/contact', token, { email, name: secrets.contactName })).statusCode).toBe(200);
    const { client } = await WsClient.ready(wsUrl, token);
    client.send({ type: 'subscribe', channel: 'chat', chat_id: chatId });
    await client.waitFor((f) => f.type === 'subscribed');
    client.send({ type: 'send_message', chat_id: chatId, client_id: 'log-1', content: secrets.ws });
    await client.waitFor((f) => f.type === 'ack');
    client.send({ type: 'send_message', chat_id: randomUUID(), client_id: 'log-2', content: secrets.ws });
    const error = await client.waitFor((f) => f.type === 'error');
    expect((await http.reply(admin, chatId, secrets.reply)).statusCode).toBe(201);
    await makeDue(database.sql, chatId);
    await runJobs();
    expect(await mailbox.emails(email)).toHaveLength(1);
    expect((await http.get('/metrics', METRICS_TOKEN)).statusCode).toBe(200);
    const [row] = await database.sql<{ user_id: string }[]>`select user_id from support_chats where id = ${chatId}`;
    expect((await http.get(`/api/admin/users/${row!.user_id}/export`, admin)).statusCode).toBe(200);
    const del = await app.inject({ method: 'DELETE', url: `/api/admin/users/${row!.user_id}`, headers: bearer(admin), payload: { confirm: email } });
    expect(del.statusCode).toBe(200);
    client.close();
    await client.closed;

    const logged = lines.slice(start);
    // The flow really was logged (requests, the socket, the worker), with request ids.
    const parsed = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.some((l) => l.msg === 'reply email sent')).toBe(true);
    expect(parsed.some((l) => l.msg === 'user data deleted' && typeof l.reqId === 'string')).toBe(true);
    expect(parsed.filter((l) => (l.req as { url?: string } | undefined)?.url === '/api/chat/messages').length).toBeGreaterThan(0);
    expect(parsed.every((l) => typeof l.level === 'number' && typeof l.msg === 'string')).toBe(true);
    // The WebSocket error frame's ref leads to the socket's log lines by its request id.
    expect(error.ref).toMatch(/^[0-9a-f]{8}\.\d+$/);

    const all = logged.join('\n');
    for (const [name, secret] of Object.entries(secrets)) {
      expect(all.includes(secret), `${name} was logged`).toBe(false);
    }
    for (const jwt of [token, admin]) expect(all).not.toContain(jwt.split('.')[2]!);
  });

  it('keeps query parameters (contents, addresses) out of error logs', async () => {
    const start = lines.length;
    const secret = `never-logged-${randomUUID()}`;
    const { DrizzleQueryError } = await import('drizzle-orm/errors');
    const err = new DrizzleQueryError('insert into support_messages (content) values ($1)', [secret], new Error('boom'));
    app.log.error({ err }, 'query failed');
    const logged = lines.slice(start).join('\n');
    expect(logged).toContain('query failed');
    expect(logged).toContain('insert into support_messages');
    expect(logged).not.toContain(secret);
  });
});
