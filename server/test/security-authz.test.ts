// Authorization through every REST route (taken from the OpenAPI document, so a new route is covered
// the day it is added) and every frame: user A never reads, writes, subscribes to, marks read,
// types into or archives chat B; users and visitors never reach admin routes or the admin channel.
// Unsubscribe links cannot be forged, replayed for another user, or used as credentials.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '../src/email/unsubscribe-token.js';
import { api, expectError, type Api } from './support/api.js';
import { adminToken, bearer, createTestApp, userToken, type TestContext } from './support/helper.js';
import { listen, WsClient, type Frame } from './support/ws-client.js';

let ctx: TestContext;
let http: Api;
let url: string;
const sockets: WsClient[] = [];

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 1000 });
  http = api(ctx.app);
  url = await listen(ctx.app);
});
afterAll(async () => {
  for (const s of sockets) s.terminate();
  await ctx.close();
});

async function connect(token: string) {
  const result = await WsClient.ready(url, token);
  sockets.push(result.client);
  return result;
}

const isError = (code: string) => (f: Frame) => f.type === 'error' && f.code === code;

/** Every REST operation the app documents, with its path parameters filled in. */
function operations(chatId: string): { method: string; path: string; url: string }[] {
  const doc = ctx.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const out: { method: string; path: string; url: string }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      out.push({ method: method.toUpperCase(), path, url: path.replace('{id}', chatId) });
    }
  }
  return out;
}

describe('REST: every route', () => {
  it('documents the routes this suite sweeps', () => {
    const paths = operations(randomUUID()).map((o) => `${o.method} ${o.path}`);
    expect(paths).toEqual(expect.arrayContaining(['GET /api/admin/chats', 'POST /api/admin/chats/{id}/archive', 'POST /api/chat/messages']));
  });

  it('answers 401 without a token on every /api route except creating a visitor', async () => {
    for (const op of operations(randomUUID()).filter((o) => o.path.startsWith('/api/') && o.path !== '/api/visitors')) {
      const res = await ctx.app.inject({ method: op.method as 'GET', url: op.url, payload: op.method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${op.method} ${op.path}`).toBe(401);
    }
  });

  it('answers 403 on every admin route to users and visitors, and changes nothing', async () => {
    const victim = userToken();
    const chatB = await http.chatId(victim);
    expect((await http.send(victim, 'mine')).statusCode).toBe(201);
    const visitor = (await http.post('/api/visitors')).json().token as string;
    for (const token of [userToken(), visitor, userToken(`u-${randomUUID()}`, { support_role: 'administrator' })]) {
      for (const op of operations(chatB).filter((o) => o.path.startsWith('/api/admin'))) {
        const res = await ctx.app.inject({
          method: op.method as 'GET',
          url: op.url,
          headers: bearer(token),
          ...(op.method === 'GET' ? {} : { payload: { client_id: 'x1', content: 'injected' } }),
        });
        expect(res.statusCode, `${op.method} ${op.path}`).toBe(403);
      }
    }
    const chat = (await http.get(`/api/admin/chats/${chatB}`, adminToken())).json();
    expect(chat.chat.archived).toBe(false);
    expect(chat.messages.map((m: { content: string }) => m.content)).toEqual(['mine']);
  });

  it('gives user routes no way to name another chat', async () => {
    const victim = userToken();
    const chatB = await http.chatId(victim);
    const attacker = userToken();
    expectError(await http.post('/api/chat/messages', attacker, { client_id: 'x', content: 'hi', chat_id: chatB }), 400, 'validation_failed');
    expectError(await http.get(`/api/chat/messages?chat_id=${chatB}`, attacker), 400, 'validation_failed');
    expectError(await http.get(`/api/chat?chat_id=${chatB}`, attacker), 400, 'validation_failed');
    expectError(await http.post('/api/chat/read', attacker, { chat_id: chatB }), 400, 'validation_failed');
    expectError(await http.patch('/api/chat/contact', attacker, { chat_id: chatB, name: 'x' }), 400, 'validation_failed');
    expect((await http.get(`/api/admin/chats/${chatB}`, adminToken())).json().messages).toEqual([]);
  });
});

describe('WebSocket: every frame', () => {
  it('keeps user A out of chat B for subscribe, send, mark_read, typing and unsubscribe', async () => {
    const victimToken = userToken();
    const b = await connect(victimToken);
    const chatB = b.ready.chat_id as string;
    b.client.send({ type: 'subscribe', channel: 'chat', chat_id: chatB, after_seq: 0 });
    await b.client.waitFor((f) => f.type === 'subscribed');
    const admin = adminToken();
    expect((await http.reply(admin, chatB, 'private reply', 'r1')).statusCode).toBe(201);
    await b.client.waitFor((f) => f.type === 'new_message');

    const a = await connect(userToken());
    const frames = [
      { type: 'subscribe', channel: 'chat', chat_id: chatB, after_seq: 0 },
      { type: 'subscribe', channel: 'chat', chat_id: chatB },
      { type: 'send_message', chat_id: chatB, client_id: 'evil-1', content: 'injected' },
      { type: 'mark_read', chat_id: chatB, up_to_seq: 1 },
      { type: 'typing', chat_id: chatB, typing: true },
    ];
    for (const frame of frames) a.client.send(frame);
    const errors = await a.client.waitForAll(isError('chat_not_found'), frames.length);
    expect(errors[2]!.client_id).toBe('evil-1');
    // Unsubscribing from B touches only A's own socket: B still gets its messages.
    a.client.send({ type: 'unsubscribe', channel: 'chat', chat_id: chatB });
    await a.client.waitFor((f) => f.type === 'unsubscribed');
    expect((await http.reply(admin, chatB, 'second reply', 'r2')).statusCode).toBe(201);
    await b.client.waitFor((f) => f.type === 'new_message' && f.message.seq === 2);
    await a.client.roundTrip();

    expect(a.client.frames.some((f) => JSON.stringify(f).includes('private reply') || f.type === 'new_message')).toBe(false);
    expect(b.client.frames.some((f) => f.type === 'typing')).toBe(false);
    const stored = (await http.get(`/api/admin/chats/${chatB}`, admin)).json();
    expect(stored.messages.map((m: { content: string; read_at: string | null }) => [m.content, m.read_at])).toEqual([
      ['private reply', null],
      ['second reply', null],
    ]);
  });

  it('sends nothing about chat B to user A, whatever happens in B', async () => {
    const a = await connect(userToken());
    a.client.send({ type: 'subscribe', channel: 'chat', chat_id: a.ready.chat_id, after_seq: 0 });
    await a.client.waitFor((f) => f.type === 'subscribed');
    const victimToken = userToken();
    const chatB = await http.chatId(victimToken);
    // A witness admin on B's chat: when it has seen everything, the same pipeline has run for B.
    const witness = await connect(adminToken());
    witness.client.send({ type: 'subscribe', channel: 'chat', chat_id: chatB, after_seq: 0 });
    await witness.client.waitFor((f) => f.type === 'subscribed');
    await http.send(victimToken, 'secret of B');
    await http.patch('/api/chat/contact', victimToken, { name: 'Victim B' });
    await http.reply(adminToken(), chatB, 'answer for B');
    await http.post('/api/chat/read', victimToken, {});
    await http.post(`/api/admin/chats/${chatB}/archive`, adminToken());
    await witness.client.waitFor((f) => f.type === 'chat_updated' && f.chat.archived === true);
    await a.client.roundTrip();
    expect(a.client.frames.filter((f) => JSON.stringify(f).includes(chatB))).toEqual([]);
  });

  it('keeps the admin channel from users and visitors', async () => {
    const visitor = (await http.post('/api/visitors')).json().token as string;
    for (const token of [userToken(), visitor]) {
      const { client } = await connect(token);
      client.send({ type: 'subscribe', channel: 'admin' });
      await client.waitFor(isError('forbidden'));
      client.send({ type: 'unsubscribe', channel: 'admin' });
      await client.waitFor((f) => f.type === 'unsubscribed');
      await http.send(userToken(), 'someone else writes');
      await client.roundTrip();
      expect(client.frames.some((f) => f.type === 'new_user_message' || f.type === 'chat_updated')).toBe(false);
    }
  });
});

describe('unsubscribe links', () => {
  it('cannot be used as a bearer token, and a bearer token is no unsubscribe link', async () => {
    const token = userToken();
    await http.chatId(token);
    const [user] = await ctx.database.sql<{ id: string }[]>`select id from support_users order by created_at desc limit 1`;
    const link = signUnsubscribeToken(ctx.config.serverSecret, user!.id);
    expectError(await http.get('/api/chat', link), 401, 'token_invalid');
    const visitor = (await http.post('/api/visitors')).json().token as string;
    for (const fake of [token, visitor]) {
      const res = await ctx.app.inject({ method: 'POST', url: `/unsubscribe?token=${encodeURIComponent(fake)}` });
      expect(res.statusCode).toBe(400);
    }
    const [row] = await ctx.database.sql<{ n: string }[]>`select count(*) as n from support_users where unsubscribed_at is not null`;
    expect(Number(row!.n)).toBe(0);
  });

  it('unsubscribes only the user it was made for, in its one spelling, whatever else the request carries', async () => {
    const tokens = [userToken(), userToken()];
    for (const t of tokens) await http.chatId(t);
    const users = await ctx.database.sql<{ id: string; external_id: string }[]>`select id, external_id from support_users`;
    const [a, b] = users.slice(-2);
    const link = signUnsubscribeToken(ctx.config.serverSecret, a!.id);
    const [, mac] = link.split('.');
    const attempts = [
      `/unsubscribe?token=${b!.id}.${mac}`,
      `/unsubscribe?token=${a!.id.toUpperCase()}.${mac}`,
      `/unsubscribe?token=${link}x`,
      `/unsubscribe?token=${link}&token=${signUnsubscribeToken(ctx.config.serverSecret, b!.id)}`,
    ];
    for (const attempt of attempts) {
      const res = await ctx.app.inject({ method: 'POST', url: attempt });
      expect(res.statusCode, attempt).toBeGreaterThanOrEqual(400);
    }
    const ok = await ctx.app.inject({ method: 'POST', url: `/unsubscribe?token=${link}`, payload: { user_id: b!.id } });
    expect(ok.statusCode).toBe(200);
    const rows = await ctx.database.sql<{ id: string }[]>`select id from support_users where unsubscribed_at is not null`;
    expect(rows.map((r) => r.id)).toEqual([a!.id]);
  });
});
