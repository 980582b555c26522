// Writes under concurrency: idempotent sends, gap-free seqs in created_at order, one chat per user,
// and read marking that never loses a reply written at the same moment.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Api } from './support/api.js';
import { adminToken, createTestApp, userToken, type TestContext } from './support/helper.js';

let ctx: TestContext;
let http: Api;
const admin = adminToken();

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 10_000 });
  http = api(ctx.app);
});
afterAll(() => ctx.close());

interface StoredMessage {
  seq: number;
  client_id: string;
  sender_type: string;
  created_at: string;
  read_at: string | null;
}

async function stored(chatId: string): Promise<StoredMessage[]> {
  return ctx.database.sql<StoredMessage[]>`
    select seq::int as seq, client_id, sender_type, created_at::text as created_at, read_at::text as read_at
    from support_messages where chat_id = ${chatId} order by seq`;
}

describe('idempotent sends under concurrency', () => {
  it('stores exactly one row for 10 concurrent sends with the same client_id', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    const responses = await Promise.all(Array.from({ length: 10 }, () => http.send(token, 'same message', 'same-client-id')));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    const rows = await stored(chatId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.seq).toBe(1);
    const [chat] = await ctx.database.sql<{ last_seq: string }[]>`select last_seq from support_chats where id = ${chatId}`;
    expect(Number(chat!.last_seq)).toBe(1);
  });

  it('returns the original for a retried client_id and bumps no seq, queues no email, notifies nobody', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    const first = await http.send(token, 'first', 'retry-me');
    expect((await http.send(token, 'second', 'other')).statusCode).toBe(201);
    const replyId = `reply-${randomUUID()}`;
    expect((await http.reply(admin, chatId, 'reply', replyId)).statusCode).toBe(201);
    // The chat's one reply-email job: a second add_job for its key would bump the revision.
    const jobs = async () =>
      ctx.database.sql`select revision, run_at, updated_at from graphile_worker.jobs where key = ${`reply-email:${chatId}`}`;
    const jobsBefore = await jobs();
    const notified: string[] = [];
    const listening = await ctx.database.sql.listen('support_chat_events', (payload) => notified.push(payload));
    try {
      const retry = await http.send(token, 'first, edited', 'retry-me');
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual(first.json());
      const adminRetry = await http.reply(admin, chatId, 'reply again', replyId);
      expect(adminRetry.statusCode).toBe(200);
      expect(adminRetry.json().seq).toBe(3);
      // A round trip on the listening connection's server: any NOTIFY of the retries is in by now.
      await ctx.database.sql`select pg_notify('support_chat_events', 'marker')`;
      for (let i = 0; i < 50 && !notified.includes('marker'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(notified).toEqual(['marker']);
    } finally {
      await listening.unlisten();
    }
    expect(jobsBefore).toHaveLength(1);
    expect(await jobs()).toEqual(jobsBefore);
    const next = await http.send(token, 'third', 'after-retry');
    expect(next.json().seq).toBe(4);
    expect((await stored(chatId)).map((m) => m.client_id)).toEqual(['retry-me', 'other', replyId, 'after-retry']);
  });

  it('stores one admin reply for concurrent retries of the same client_id', async () => {
    const chatId = await http.chatId(userToken());
    const responses = await Promise.all(Array.from({ length: 10 }, () => http.reply(admin, chatId, 'reply', 'admin-same')));
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(responses.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);
    expect(await stored(chatId)).toHaveLength(1);
  });
});

describe('seq order', () => {
  it('gives 20 concurrent sends seqs 1..20 without gaps, created_at in seq order', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => http.send(token, `msg ${i}`, `c-${i}`)));
    expect(responses.every((r) => r.statusCode === 201)).toBe(true);
    expect(responses.map((r) => r.json().seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const rows = await stored(chatId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const byTime = [...rows].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    expect(byTime.map((r) => r.seq)).toEqual(rows.map((r) => r.seq));
    expect(new Set(rows.map((r) => r.created_at)).size).toBe(20);
  });

  it('keeps seqs gap-free when user and admin write at the same time', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    const writes = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? http.send(token, `user ${i}`, `u-${i}`) : http.reply(admin, chatId, `admin ${i}`, `a-${i}`),
    );
    const responses = await Promise.all(writes);
    expect(responses.every((r) => r.statusCode === 201)).toBe(true);
    const rows = await stored(chatId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.sender_type === 'admin')).toHaveLength(10);
    const [chat] = await ctx.database.sql<{ last_seq: string }[]>`select last_seq from support_chats where id = ${chatId}`;
    expect(Number(chat!.last_seq)).toBe(20);
  });

  it('keeps each chat its own counter when many chats are written at once', async () => {
    const tokens = Array.from({ length: 5 }, () => userToken());
    const writes = tokens.flatMap((token) => Array.from({ length: 4 }, (_, i) => http.send(token, `m${i}`)));
    expect((await Promise.all(writes)).every((r) => r.statusCode === 201)).toBe(true);
    for (const token of tokens) {
      const rows = await stored(await http.chatId(token));
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    }
  });
});

describe('get-or-create under concurrency', () => {
  it('creates one user and one chat when a new user opens several tabs at once', async () => {
    const sub = `tabs-${randomUUID()}`;
    const token = userToken(sub);
    const responses = await Promise.all(Array.from({ length: 10 }, () => http.get('/api/chat', token)));
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(new Set(responses.map((r) => r.json().chat.id)).size).toBe(1);
    const [users] = await ctx.database.sql<{ n: string }[]>`select count(*) as n from support_users where external_id = ${sub}`;
    expect(Number(users!.n)).toBe(1);
  });
});

describe('read marking under concurrency', () => {
  it('never loses a reply written while the user marks read: it stays unread unless it was counted', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    let totalMarked = 0;
    let highestMarked = 0;
    for (let round = 0; round < 15; round++) {
      const [read, reply] = await Promise.all([
        http.post('/api/chat/read', token),
        http.reply(admin, chatId, `reply ${round}`, `r-${round}`),
      ]);
      expect(read.statusCode).toBe(200);
      expect(reply.statusCode).toBe(201);
      totalMarked += read.json().updated as number;
      highestMarked = Math.max(highestMarked, read.json().up_to_seq as number);
      const rows = await stored(chatId);
      const readRows = rows.filter((r) => r.read_at !== null);
      // Everything read was reported; nothing beyond what was reported got marked.
      expect(readRows).toHaveLength(totalMarked);
      expect(readRows.every((r) => r.seq <= highestMarked)).toBe(true);
      // The reply just written is read only if this round's read included it.
      const replySeq = reply.json().seq as number;
      const included = (read.json().up_to_seq as number) >= replySeq;
      expect(rows.find((r) => r.seq === replySeq)!.read_at !== null).toBe(included);
    }
    const final = await http.post('/api/chat/read', token);
    expect(totalMarked + (final.json().updated as number)).toBe(15);
    expect((await stored(chatId)).every((r) => r.read_at !== null)).toBe(true);
  });

  it('marks each reply read once when two tabs mark read at the same time', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    for (let i = 0; i < 5; i++) await http.reply(admin, chatId, `r${i}`);
    const results = await Promise.all(Array.from({ length: 4 }, () => http.post('/api/chat/read', token)));
    expect(results.reduce((sum, r) => sum + (r.json().updated as number), 0)).toBe(5);
  });
});
