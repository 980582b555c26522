// The visitor / user API under /api/chat: get-or-create, paging, sending, read marking, contact.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError, type Api } from './support/api.js';
import { adminToken, createTestApp, userToken, type TestContext } from './support/helper.js';

let ctx: TestContext;
let http: Api;
const admin = adminToken();

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 1000 });
  http = api(ctx.app);
});
afterAll(() => ctx.close());

async function countMessages(chatId: string): Promise<number> {
  const [row] = await ctx.database.sql<{ n: string }[]>`select count(*) as n from support_messages where chat_id = ${chatId}`;
  return Number(row!.n);
}

/** A user with `n` messages "m1".."mn" already sent. */
async function userWithMessages(n: number): Promise<{ token: string; chatId: string }> {
  const token = userToken();
  const chatId = await http.chatId(token);
  for (let i = 1; i <= n; i++) expect((await http.send(token, `m${i}`)).statusCode).toBe(201);
  return { token, chatId };
}

describe('GET /api/chat', () => {
  it('creates the chat on first call and returns the same chat afterwards', async () => {
    const token = userToken();
    const first = await http.get('/api/chat', token);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      chat: { id: expect.any(String), archived: false, admin_viewed_at: null, last_seq: 0 },
      messages: [],
      has_more: false,
    });
    const second = await http.get('/api/chat', token);
    expect(second.json().chat.id).toBe(first.json().chat.id);
    const [row] = await ctx.database.sql<{ n: string }[]>`
      select count(*) as n from support_chats c join support_users u on u.id = c.user_id where u.id = (
        select user_id from support_chats where id = ${first.json().chat.id})`;
    expect(Number(row!.n)).toBe(1);
  });

  it('returns the newest page in chronological order with has_more', async () => {
    const { token } = await userWithMessages(5);
    const res = await http.get('/api/chat?limit=3', token);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.messages.map((m: { content: string }) => m.content)).toEqual(['m3', 'm4', 'm5']);
    expect(body.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4, 5]);
    expect(body.has_more).toBe(true);
    expect(body.chat.last_seq).toBe(5);
    const all = (await http.get('/api/chat?limit=5', token)).json();
    expect(all.messages).toHaveLength(5);
    expect(all.has_more).toBe(false);
  });

  it('requires a token', async () => {
    expectError(await http.get('/api/chat'), 401, 'token_missing');
  });
});

describe('GET /api/chat/messages', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await userWithMessages(7));
  });
  const contents = (res: { json(): { messages: { content: string }[] } }) => res.json().messages.map((m) => m.content);

  it('catches up after a seq, oldest first, with has_more when more are newer', async () => {
    const page = await http.get('/api/chat/messages?after_seq=2&limit=3', token);
    expect(page.statusCode).toBe(200);
    expect(contents(page)).toEqual(['m3', 'm4', 'm5']);
    expect(page.json().has_more).toBe(true);
    const rest = await http.get('/api/chat/messages?after_seq=5&limit=3', token);
    expect(contents(rest)).toEqual(['m6', 'm7']);
    expect(rest.json().has_more).toBe(false);
    const none = await http.get('/api/chat/messages?after_seq=7', token);
    expect(none.json()).toEqual({ messages: [], has_more: false });
  });

  it('pages back through history before a seq', async () => {
    const page = await http.get('/api/chat/messages?before_seq=6&limit=2', token);
    expect(contents(page)).toEqual(['m4', 'm5']);
    expect(page.json().has_more).toBe(true);
    const oldest = await http.get('/api/chat/messages?before_seq=3&limit=2', token);
    expect(contents(oldest)).toEqual(['m1', 'm2']);
    expect(oldest.json().has_more).toBe(false);
    const before1 = await http.get('/api/chat/messages?before_seq=1', token);
    expect(before1.json()).toEqual({ messages: [], has_more: false });
  });

  it('walks the whole history page by page without gaps or repeats', async () => {
    const seen: string[] = [];
    let before: number | undefined;
    for (;;) {
      const res = await http.get(`/api/chat/messages?limit=2${before ? `&before_seq=${before}` : ''}`, token);
      const body = res.json();
      seen.unshift(...body.messages.map((m: { content: string }) => m.content));
      if (!body.has_more) break;
      before = body.messages[0].seq;
    }
    expect(seen).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('accepts limit 1 to 200 and rejects values outside', async () => {
    expect((await http.get('/api/chat/messages?limit=1', token)).json().messages).toHaveLength(1);
    expect((await http.get('/api/chat/messages?limit=200', token)).statusCode).toBe(200);
    expectError(await http.get('/api/chat/messages?limit=0', token), 400, 'validation_failed');
    expectError(await http.get('/api/chat/messages?limit=201', token), 400, 'validation_failed');
    expectError(await http.get('/api/chat/messages?limit=abc', token), 400, 'validation_failed');
    expectError(await http.get('/api/chat/messages?after_seq=-1', token), 400, 'validation_failed');
    expectError(await http.get('/api/chat/messages?before_seq=1.5', token), 400, 'validation_failed');
  });

  it('rejects unknown query parameters', async () => {
    expectError(await http.get('/api/chat/messages?chat_id=x', token), 400, 'validation_failed');
  });
});

describe('POST /api/chat/messages', () => {
  it('stores a message and answers 201 with it', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    const clientId = randomUUID();
    const res = await http.send(token, 'Hello there', clientId);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      chat_id: chatId,
      seq: 1,
      client_id: clientId,
      content: 'Hello there',
      sender_type: 'user',
      sender_name: null,
      read_at: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await countMessages(chatId)).toBe(1);
  });

  it('creates the chat when the first thing a user does is send', async () => {
    const token = userToken();
    const res = await http.send(token, 'first');
    expect(res.statusCode).toBe(201);
    expect(res.json().chat_id).toBe(await http.chatId(token));
  });

  it('trims the content', async () => {
    const res = await http.send(userToken(), '  \n\t hi there \n ');
    expect(res.statusCode).toBe(201);
    expect(res.json().content).toBe('hi there');
  });

  it('rejects empty and whitespace-only content with empty_message and stores nothing', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    expectError(await http.send(token, ''), 400, 'empty_message');
    expectError(await http.send(token, '   \n\t  '), 400, 'empty_message');
    expectError(await http.send(token, '\u0000\u0000'), 400, 'empty_message');
    expect(await countMessages(chatId)).toBe(0);
  });

  it('accepts exactly 5000 characters and rejects 5001 with message_too_long', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    const ok = await http.send(token, 'a'.repeat(5000));
    expect(ok.statusCode).toBe(201);
    expect(ok.json().content).toHaveLength(5000);
    const tooLong = expectError(await http.send(token, 'a'.repeat(5001)), 400, 'message_too_long');
    expect(tooLong.max_length).toBe(5000);
    expect(await countMessages(chatId)).toBe(1);
  });

  it('answers message_too_long for any over-long content that fits the body limit', async () => {
    expectError(await http.send(userToken(), 'a'.repeat(12_000)), 400, 'message_too_long');
  });

  it('counts length after trimming', async () => {
    const res = await http.send(userToken(), `   ${'b'.repeat(5000)}   `);
    expect(res.statusCode).toBe(201);
  });

  it('counts emoji and RTL text by code points, not UTF-16 units', async () => {
    const token = userToken();
    const emoji = '😀'.repeat(5000); // 10,000 UTF-16 units
    const ok = await http.send(token, emoji);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().content).toBe(emoji);
    expectError(await http.send(token, '😀'.repeat(5001)), 400, 'message_too_long');
    const rtl = 'שלום עולם مرحبا';
    const rtlRes = await http.send(token, rtl);
    expect(rtlRes.statusCode).toBe(201);
    expect(rtlRes.json().content).toBe(rtl);
  });

  it('strips NUL bytes, which Postgres text cannot hold', async () => {
    const res = await http.send(userToken(), 'a\u0000b');
    expect(res.statusCode).toBe(201);
    expect(res.json().content).toBe('ab');
  });

  it('rejects unknown fields', async () => {
    const token = userToken();
    const res = await http.post('/api/chat/messages', token, {
      client_id: randomUUID(),
      content: 'hi',
      sender_type: 'admin',
    });
    expectError(res, 400, 'validation_failed');
    const chatRes = await http.post('/api/chat/messages', token, { client_id: randomUUID(), content: 'hi', chat_id: randomUUID() });
    expectError(chatRes, 400, 'validation_failed');
  });

  it('rejects a missing or malformed client_id', async () => {
    const token = userToken();
    expectError(await http.post('/api/chat/messages', token, { content: 'hi' }), 400, 'validation_failed');
    for (const clientId of ['', 'has space', 'x'.repeat(65), 'semi;colon', 'émoji']) {
      expectError(await http.send(token, 'hi', clientId), 400, 'validation_failed');
    }
  });

  it('rejects a body without content', async () => {
    expectError(await http.post('/api/chat/messages', userToken(), { client_id: 'c1' }), 400, 'validation_failed');
  });

  it('returns the original message when the client_id is sent again and stores nothing new', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    const first = await http.send(token, 'once', 'client-1');
    expect(first.statusCode).toBe(201);
    const again = await http.send(token, 'once', 'client-1');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const differentContent = await http.send(token, 'changed', 'client-1');
    expect(differentContent.statusCode).toBe(200);
    expect(differentContent.json().content).toBe('once');
    expect(await countMessages(chatId)).toBe(1);
    expect((await http.get('/api/chat', token)).json().chat.last_seq).toBe(1);
  });

  it('scopes client_id to the chat: two users may use the same one', async () => {
    const a = await http.send(userToken(), 'from a', 'shared-id');
    const b = await http.send(userToken(), 'from b', 'shared-id');
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().content).toBe('from b');
  });
});

describe('POST /api/chat/read', () => {
  it('marks only the admin messages read and returns what changed', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    await http.send(token, 'question');
    await http.reply(admin, chatId, 'answer 1');
    await http.reply(admin, chatId, 'answer 2');
    const res = await http.post('/api/chat/read', token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ chat_id: chatId, updated: 2, up_to_seq: 3, read_at: expect.any(String) });
    const messages = (await http.get('/api/chat', token)).json().messages as { sender_type: string; read_at: string | null }[];
    expect(messages.filter((m) => m.sender_type === 'user').every((m) => m.read_at === null)).toBe(true);
    expect(messages.filter((m) => m.sender_type === 'admin').every((m) => m.read_at === res.json().read_at)).toBe(true);
  });

  it('reports nothing changed when everything is already read', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    await http.reply(admin, chatId, 'answer');
    expect((await http.post('/api/chat/read', token)).json().updated).toBe(1);
    const again = await http.post('/api/chat/read', token);
    expect(again.json()).toEqual({ chat_id: chatId, updated: 0, up_to_seq: 0, read_at: null });
  });

  it('marks only up to up_to_seq when given', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    await http.reply(admin, chatId, 'r1');
    await http.reply(admin, chatId, 'r2');
    await http.reply(admin, chatId, 'r3');
    const res = await http.post('/api/chat/read', token, { up_to_seq: 2 });
    expect(res.json()).toMatchObject({ updated: 2, up_to_seq: 2 });
    const messages = (await http.get('/api/chat', token)).json().messages as { seq: number; read_at: string | null }[];
    expect(messages.map((m) => m.read_at !== null)).toEqual([true, true, false]);
  });

  it('keeps the original read_at when marking read again', async () => {
    const token = userToken();
    const chatId = await http.chatId(token);
    await http.reply(admin, chatId, 'r1');
    const first = (await http.post('/api/chat/read', token)).json().read_at;
    await http.reply(admin, chatId, 'r2');
    await http.post('/api/chat/read', token);
    const messages = (await http.get('/api/chat', token)).json().messages as { read_at: string }[];
    expect(messages[0]!.read_at).toBe(first);
  });

  it('rejects unknown fields and bad seqs', async () => {
    const token = userToken();
    expectError(await http.post('/api/chat/read', token, { chat_id: randomUUID() }), 400, 'validation_failed');
    expectError(await http.post('/api/chat/read', token, { up_to_seq: -1 }), 400, 'validation_failed');
    expectError(await http.post('/api/chat/read', token, { up_to_seq: 'all' }), 400, 'validation_failed');
  });
});

describe('PATCH /api/chat/contact', () => {
  it('stores a lower-cased email and a trimmed name', async () => {
    const token = userToken(`contact-${randomUUID()}`, { email: undefined });
    const res = await http.patch('/api/chat/contact', token, { email: 'Jane.Doe@Example.COM', name: '  Jane  ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ email: 'jane.doe@example.com', name: 'Jane' });
  });

  it('updates one field without clearing the other', async () => {
    const token = userToken(`contact-${randomUUID()}`, { email: undefined });
    await http.patch('/api/chat/contact', token, { email: 'a@example.com', name: 'A' });
    const res = await http.patch('/api/chat/contact', token, { name: 'B' });
    expect(res.json()).toEqual({ email: 'a@example.com', name: 'B' });
  });

  it('rejects an invalid email, a blank name, an empty body and unknown fields', async () => {
    const token = userToken();
    for (const email of ['not-an-email', 'a@', '@b.com', 'a b@c.com', `${'x'.repeat(250)}@example.com`]) {
      expectError(await http.patch('/api/chat/contact', token, { email }), 400, 'validation_failed');
    }
    expectError(await http.patch('/api/chat/contact', token, { name: '' }), 400, 'validation_failed');
    expectError(await http.patch('/api/chat/contact', token, { name: '   ' }), 400, 'validation_failed');
    expectError(await http.patch('/api/chat/contact', token, { name: ' \u0000 ' }), 400, 'validation_failed');
    expectError(await http.patch('/api/chat/contact', token, {}), 400, 'validation_failed');
    expectError(await http.patch('/api/chat/contact', token, { email: 'a@b.co', role: 'admin' }), 400, 'validation_failed');
  });
});

describe('isolation between users (IDOR)', () => {
  it('never shows one user the chat or messages of another', async () => {
    const a = userToken();
    const b = userToken();
    const chatA = await http.chatId(a);
    await http.send(a, 'secret of A');
    const chatB = await http.chatId(b);
    expect(chatB).not.toBe(chatA);
    const bView = (await http.get('/api/chat', b)).json();
    expect(bView.messages).toEqual([]);
    const bHistory = (await http.get('/api/chat/messages?after_seq=0', b)).json();
    expect(bHistory.messages).toEqual([]);
    expect(JSON.stringify(bView)).not.toContain('secret of A');
  });

  it('writes a user message into the caller own chat only', async () => {
    const a = userToken();
    const b = userToken();
    const chatA = await http.chatId(a);
    const sent = await http.send(b, 'from b');
    expect(sent.json().chat_id).not.toBe(chatA);
    expect(await countMessages(chatA)).toBe(0);
  });

  it('marks read only in the caller own chat', async () => {
    const a = userToken();
    const chatA = await http.chatId(a);
    await http.reply(admin, chatA, 'for A');
    const res = await http.post('/api/chat/read', userToken());
    expect(res.json().updated).toBe(0);
    const messages = (await http.get('/api/chat', a)).json().messages;
    expect(messages[0].read_at).toBeNull();
  });

  it('refuses every admin route to a user token with 403', async () => {
    const a = userToken();
    const chatA = await http.chatId(a);
    const b = userToken();
    expectError(await http.get('/api/admin/chats', b), 403, 'forbidden');
    expectError(await http.get(`/api/admin/chats/${chatA}`, b), 403, 'forbidden');
    expectError(await http.reply(b, chatA, 'intrusion'), 403, 'forbidden');
    expectError(await http.post(`/api/admin/chats/${chatA}/archive`, b), 403, 'forbidden');
    expectError(await http.post(`/api/admin/chats/${chatA}/unarchive`, b), 403, 'forbidden');
    // Even the owner of the chat cannot use the admin API on it.
    expectError(await http.get(`/api/admin/chats/${chatA}`, a), 403, 'forbidden');
    expect(await countMessages(chatA)).toBe(0);
  });

  it('gives a user token 403 before it learns whether an admin chat id is valid', async () => {
    expectError(await http.get('/api/admin/chats/not-a-uuid', userToken()), 403, 'forbidden');
    expectError(await http.get(`/api/admin/chats/${randomUUID()}`, userToken()), 403, 'forbidden');
  });
});
