// The admin API under /api/admin: the chat list (shape, order, filters, cursor paging, counts), the
// chat view, replies, archiving, and unread_for_admin.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, expectError, type Api } from './support/api.js';
import { adminToken, createTestApp, userToken, type TestContext } from './support/helper.js';

let ctx: TestContext;
let http: Api;
const admin = adminToken(`admin-${randomUUID()}`, { name: 'Ada Admin' });

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 1000 });
  http = api(ctx.app);
});
afterAll(() => ctx.close());

interface ListItem {
  id: string;
  user_id: string;
  user_email: string | null;
  user_name: string | null;
  last_message_at: string | null;
  last_message_preview: string | null;
  last_message_sender: 'user' | 'admin' | null;
  message_count: number;
  unread: boolean;
  archived: boolean;
}

/** A tag unique to one test, used as the email domain so `q=` isolates that test's chats. */
const newTag = () => `t${randomUUID().slice(0, 8)}`;

/** A user of the tagged group who has written `messages` (at least one, so the chat is listed). */
async function taggedUser(tag: string, messages: string[] = ['hello'], name?: string) {
  const sub = `u-${randomUUID()}`;
  const token = userToken(sub, { email: `${sub}@${tag}.example`, ...(name ? { name } : {}) });
  const chatId = await http.chatId(token);
  for (const content of messages) expect((await http.send(token, content)).statusCode).toBe(201);
  return { token, chatId, sub };
}

async function list(query: string): Promise<{ chats: ListItem[]; next_cursor: string | null; counts: { active: number; archived: number; unread: number } }> {
  const res = await http.get(`/api/admin/chats?${query}`, admin);
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function item(tag: string, chatId: string, archived = false): Promise<ListItem | undefined> {
  return (await list(`q=${tag}&archived=${archived}`)).chats.find((c) => c.id === chatId);
}

describe('GET /api/admin/chats', () => {
  it('lists items shaped like SupportChatListItem', async () => {
    const tag = newTag();
    const { chatId, sub } = await taggedUser(tag, ['first', 'second'], 'Uma User');
    const { chats } = await list(`q=${tag}`);
    expect(chats).toHaveLength(1);
    const [row] = await ctx.database.sql<{ user_id: string }[]>`select user_id from support_chats where id = ${chatId}`;
    expect(chats[0]).toEqual({
      id: chatId,
      user_id: row!.user_id,
      user_email: `${sub}@${tag}.example`,
      user_name: 'Uma User',
      last_message_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      last_message_preview: 'second',
      last_message_sender: 'user',
      message_count: 2,
      unread: true,
      archived: false,
    });
  });

  it('leaves out chats that have no messages yet', async () => {
    const tag = newTag();
    const token = userToken(`u-${randomUUID()}`, { email: `quiet@${tag}.example` });
    await http.chatId(token);
    expect((await list(`q=${tag}`)).chats).toEqual([]);
  });

  it('orders by newest activity first, admin replies included', async () => {
    const tag = newTag();
    const a = await taggedUser(tag);
    const b = await taggedUser(tag);
    const c = await taggedUser(tag);
    expect((await list(`q=${tag}`)).chats.map((x) => x.id)).toEqual([c.chatId, b.chatId, a.chatId]);
    await http.reply(admin, a.chatId, 'bump');
    expect((await list(`q=${tag}`)).chats.map((x) => x.id)).toEqual([a.chatId, c.chatId, b.chatId]);
    await http.send(b.token, 'me again');
    expect((await list(`q=${tag}`)).chats.map((x) => x.id)).toEqual([b.chatId, a.chatId, c.chatId]);
  });

  it('reports the last message sender and counts every message', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag, ['q1', 'q2']);
    await http.reply(admin, chatId, 'the answer');
    const found = await item(tag, chatId);
    expect(found).toMatchObject({ last_message_preview: 'the answer', last_message_sender: 'admin', message_count: 3 });
  });

  it('cuts the preview to 100 characters ending in "..."', async () => {
    const tag = newTag();
    const long = await taggedUser(tag, ['x'.repeat(150)]);
    const exact = await taggedUser(tag, ['y'.repeat(100)]);
    const emoji = await taggedUser(tag, ['😀'.repeat(120)]);
    const longItem = await item(tag, long.chatId);
    expect(longItem!.last_message_preview).toBe(`${'x'.repeat(97)}...`);
    expect(longItem!.last_message_preview).toHaveLength(100);
    expect((await item(tag, exact.chatId))!.last_message_preview).toBe('y'.repeat(100));
    expect((await item(tag, emoji.chatId))!.last_message_preview).toBe(`${'😀'.repeat(97)}...`);
  });

  it('searches by email and by name, case-insensitively, treating % and _ literally', async () => {
    const tag = newTag();
    const named = await taggedUser(tag, ['hi'], `Zelda ${tag}`);
    const other = await taggedUser(newTag(), ['hi'], 'Someone Else');
    expect((await list(`q=${tag.toUpperCase()}`)).chats.map((c) => c.id)).toEqual([named.chatId]);
    expect((await list(`q=${encodeURIComponent(`zelda ${tag}`)}`)).chats.map((c) => c.id)).toEqual([named.chatId]);
    expect((await list(`q=${encodeURIComponent(other.sub)}`)).chats.map((c) => c.id)).toEqual([other.chatId]);
    expect((await list(`q=${encodeURIComponent(`%${tag}`)}`)).chats).toEqual([]);
    expect((await list(`q=${encodeURIComponent('_')}`)).chats).toEqual([]);
  });

  it('shows archived chats only with archived=true', async () => {
    const tag = newTag();
    const active = await taggedUser(tag);
    const archived = await taggedUser(tag);
    expect((await http.post(`/api/admin/chats/${archived.chatId}/archive`, admin)).statusCode).toBe(200);
    expect((await list(`q=${tag}`)).chats.map((c) => c.id)).toEqual([active.chatId]);
    const onlyArchived = await list(`q=${tag}&archived=true`);
    expect(onlyArchived.chats.map((c) => c.id)).toEqual([archived.chatId]);
    expect(onlyArchived.chats[0]!.archived).toBe(true);
  });

  it('pages with a cursor across pages with no duplicates or omissions', async () => {
    const tag = newTag();
    const users = [];
    for (let i = 0; i < 7; i++) users.push(await taggedUser(tag));
    const expected = users.map((u) => u.chatId).reverse();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`q=${tag}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.chats.length).toBeLessThanOrEqual(3);
      seen.push(...page.chats.map((c) => c.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
  });

  it('pages correctly when activity times differ by less than a millisecond', async () => {
    const tag = newTag();
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await taggedUser(tag));
    // Four chats inside the same millisecond, microseconds apart (busy servers do this).
    const times = ['2030-01-01 00:00:00.000900+00', '2030-01-01 00:00:00.000700+00', '2030-01-01 00:00:00.000500+00', '2030-01-01 00:00:00.000300+00'];
    for (const [i, user] of users.entries()) {
      await ctx.database.sql`update support_chats set last_message_at = ${times[i]!}::timestamptz where id = ${user.chatId}`;
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`q=${tag}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.chats.map((c) => c.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(users.map((u) => u.chatId));
  });

  it('lists a page with the same number of queries whatever its size (no N+1)', async () => {
    const small = newTag();
    const large = newTag();
    for (let i = 0; i < 2; i++) await taggedUser(small);
    for (let i = 0; i < 12; i++) await taggedUser(large);
    await list(`q=${small}`); // warm the admin's user cache
    const spy = vi.spyOn(ctx.database.sql, 'unsafe');
    try {
      expect((await list(`q=${small}`)).chats).toHaveLength(2);
      const smallQueries = spy.mock.calls.length;
      spy.mockClear();
      expect((await list(`q=${large}`)).chats).toHaveLength(12);
      expect(spy.mock.calls.length).toBe(smallQueries);
      expect(smallQueries).toBeGreaterThan(0);
      expect(smallQueries).toBeLessThanOrEqual(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects a malformed cursor, a bad limit and unknown parameters', async () => {
    expectError(await http.get('/api/admin/chats?cursor=garbage', admin), 400, 'bad_request');
    const forged = Buffer.from(JSON.stringify({ at: 'yesterday', id: "1' or '1'='1" })).toString('base64url');
    expectError(await http.get(`/api/admin/chats?cursor=${forged}`, admin), 400, 'bad_request');
    expectError(await http.get('/api/admin/chats?limit=0', admin), 400, 'validation_failed');
    expectError(await http.get('/api/admin/chats?limit=101', admin), 400, 'validation_failed');
    expectError(await http.get('/api/admin/chats?archived=maybe', admin), 400, 'validation_failed');
    expectError(await http.get('/api/admin/chats?sort=asc', admin), 400, 'validation_failed');
  });

  it('counts active, archived and unread chats', async () => {
    const before = (await list('limit=1')).counts;
    const unreadUser = await taggedUser(newTag());
    const readUser = await taggedUser(newTag());
    await http.get(`/api/admin/chats/${readUser.chatId}`, admin);
    const archivedUser = await taggedUser(newTag());
    await http.post(`/api/admin/chats/${archivedUser.chatId}/archive`, admin);
    await http.chatId(userToken()); // no messages: not counted
    const after = (await list('limit=1')).counts;
    expect(after).toEqual({ active: before.active + 2, archived: before.archived + 1, unread: before.unread + 1 });
    expect(unreadUser).toBeDefined();
  });
});

describe('GET /api/admin/chats/:id', () => {
  it('returns the chat with its newest messages and records that an admin viewed it', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag, ['one', 'two', 'three']);
    const res = await http.get(`/api/admin/chats/${chatId}?limit=2`, admin);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.chat).toMatchObject({ id: chatId, unread: false, archived: false, message_count: 3, last_seq: 3 });
    expect(body.chat.admin_viewed_at).toEqual(expect.any(String));
    expect(body.messages.map((m: { content: string }) => m.content)).toEqual(['two', 'three']);
    expect(body.has_more).toBe(true);
    const [row] = await ctx.database.sql<{ admin_viewed_at: Date | null }[]>`select admin_viewed_at from support_chats where id = ${chatId}`;
    expect(row!.admin_viewed_at).not.toBeNull();
  });

  it('pages back through history without counting as a view', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag, ['one', 'two', 'three']);
    const res = await http.get(`/api/admin/chats/${chatId}?before_seq=3&limit=5`, admin);
    expect(res.json().messages.map((m: { content: string }) => m.content)).toEqual(['one', 'two']);
    expect(res.json().has_more).toBe(false);
    expect(res.json().chat.unread).toBe(true);
    expect((await item(tag, chatId))!.unread).toBe(true);
  });

  it('answers 404 chat_not_found for an unknown id and 400 invalid_id for a malformed one', async () => {
    expectError(await http.get(`/api/admin/chats/${randomUUID()}`, admin), 404, 'chat_not_found');
    expectError(await http.get('/api/admin/chats/not-a-uuid', admin), 400, 'invalid_id');
    expectError(await http.get("/api/admin/chats/1'%20or%201=1", admin), 400, 'invalid_id');
  });
});

describe('unread_for_admin', () => {
  it('is set by a user message, cleared by an admin view, and set again by the next user message', async () => {
    const tag = newTag();
    const { token, chatId } = await taggedUser(tag, ['help']);
    expect((await item(tag, chatId))!.unread).toBe(true);
    await http.get(`/api/admin/chats/${chatId}`, admin);
    expect((await item(tag, chatId))!.unread).toBe(false);
    await http.send(token, 'anyone?');
    expect((await item(tag, chatId))!.unread).toBe(true);
  });

  it('is not set by an admin reply', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag, ['help']);
    await http.get(`/api/admin/chats/${chatId}`, admin);
    await http.reply(admin, chatId, 'here to help');
    expect((await item(tag, chatId))!.unread).toBe(false);
  });
});

describe('POST /api/admin/chats/:id/messages', () => {
  it('stores an admin reply with the admin name and leaves it unread for the user', async () => {
    const tag = newTag();
    const { token, chatId } = await taggedUser(tag);
    const clientId = randomUUID();
    const res = await http.reply(admin, chatId, '  On it!  ', clientId);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      chat_id: chatId,
      seq: 2,
      client_id: clientId,
      content: 'On it!',
      sender_type: 'admin',
      sender_name: 'Ada Admin',
      read_at: null,
    });
    const userView = (await http.get('/api/chat', token)).json();
    expect(userView.messages.at(-1)).toMatchObject({ content: 'On it!', sender_type: 'admin', sender_name: 'Ada Admin' });
  });

  it('falls back to the admin email as sender_name when the token has no name', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag);
    const noName = adminToken(`nameless-${randomUUID()}`, { name: undefined, email: 'desk@support.example' });
    const res = await http.reply(noName, chatId, 'hi');
    expect(res.json().sender_name).toBe('desk@support.example');
  });

  it('is idempotent by client_id', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag);
    const first = await http.reply(admin, chatId, 'once', 'admin-c1');
    const again = await http.reply(admin, chatId, 'once', 'admin-c1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect((await item(tag, chatId))!.message_count).toBe(2);
  });

  it('answers 404 for an unknown chat, 400 for a malformed id and validates the body', async () => {
    expectError(await http.reply(admin, randomUUID(), 'hello?'), 404, 'chat_not_found');
    expectError(await http.reply(admin, 'nope', 'hello?'), 400, 'invalid_id');
    const { chatId } = await taggedUser(newTag());
    expectError(await http.reply(admin, chatId, '   '), 400, 'empty_message');
    expectError(await http.reply(admin, chatId, 'z'.repeat(5001)), 400, 'message_too_long');
    expectError(await http.post(`/api/admin/chats/${chatId}/messages`, admin, { client_id: 'x', content: 'y', sender_type: 'user' }), 400, 'validation_failed');
  });

  it('does not un-archive the chat', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag);
    await http.post(`/api/admin/chats/${chatId}/archive`, admin);
    await http.reply(admin, chatId, 'closing note');
    expect((await item(tag, chatId, true))!.archived).toBe(true);
  });
});

describe('archive and unarchive', () => {
  it('archives and unarchives, idempotently, returning the chat', async () => {
    const tag = newTag();
    const { chatId } = await taggedUser(tag);
    const archived = await http.post(`/api/admin/chats/${chatId}/archive`, admin);
    expect(archived.statusCode).toBe(200);
    expect(archived.json().chat).toMatchObject({ id: chatId, archived: true });
    const archivedAt = async () =>
      (await ctx.database.sql<{ at: string }[]>`select archived_at::text as at from support_chats where id = ${chatId}`)[0]!.at;
    const first = await archivedAt();
    expect(first).toBeTypeOf('string');
    const again = await http.post(`/api/admin/chats/${chatId}/archive`, admin);
    expect(again.statusCode).toBe(200);
    expect(await archivedAt()).toBe(first);

    const restored = await http.post(`/api/admin/chats/${chatId}/unarchive`, admin);
    expect(restored.json().chat.archived).toBe(false);
    const restoredAgain = await http.post(`/api/admin/chats/${chatId}/unarchive`, admin);
    expect(restoredAgain.statusCode).toBe(200);
    expect(restoredAgain.json().chat.archived).toBe(false);
  });

  it('un-archives the chat when the user writes again', async () => {
    const tag = newTag();
    const { token, chatId } = await taggedUser(tag);
    await http.post(`/api/admin/chats/${chatId}/archive`, admin);
    expect((await http.get('/api/chat', token)).json().chat.archived).toBe(true);
    await http.send(token, 'one more thing');
    expect((await http.get('/api/chat', token)).json().chat.archived).toBe(false);
    const found = await item(tag, chatId);
    expect(found).toMatchObject({ archived: false, unread: true, last_message_preview: 'one more thing' });
  });

  it('does not un-archive on a repeated send of an already stored message', async () => {
    const tag = newTag();
    const { token, chatId } = await taggedUser(tag, []);
    await http.send(token, 'original', 'dup-1');
    await http.post(`/api/admin/chats/${chatId}/archive`, admin);
    expect((await http.send(token, 'original', 'dup-1')).statusCode).toBe(200);
    expect((await item(tag, chatId, true))!.archived).toBe(true);
  });

  it('answers 404 for an unknown chat and 400 for a malformed id', async () => {
    for (const action of ['archive', 'unarchive']) {
      expectError(await http.post(`/api/admin/chats/${randomUUID()}/${action}`, admin), 404, 'chat_not_found');
      expectError(await http.post(`/api/admin/chats/123/${action}`, admin), 400, 'invalid_id');
    }
  });
});

describe('admin route protection', () => {
  it('answers 401 token_missing without a token on every admin route', async () => {
    const id = randomUUID();
    expectError(await http.get('/api/admin/chats'), 401, 'token_missing');
    expectError(await http.get(`/api/admin/chats/${id}`), 401, 'token_missing');
    expectError(await http.post(`/api/admin/chats/${id}/messages`, undefined, { client_id: 'a', content: 'b' }), 401, 'token_missing');
    expectError(await http.post(`/api/admin/chats/${id}/archive`), 401, 'token_missing');
    expectError(await http.post(`/api/admin/chats/${id}/unarchive`), 401, 'token_missing');
  });

  it('answers 403 to a token whose admin claim has another value', async () => {
    const almost = userToken(`u-${randomUUID()}`, { support_role: 'Admin' });
    expectError(await http.get('/api/admin/chats', almost), 403, 'forbidden');
    const wrongType = userToken(`u-${randomUUID()}`, { support_role: ['admin'] });
    expectError(await http.get('/api/admin/chats', wrongType), 403, 'forbidden');
  });
});
