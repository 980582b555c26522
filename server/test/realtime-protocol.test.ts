// The WebSocket protocol over real sockets: handshake, authorization, frames in both directions.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, createTestApp, signToken, userToken, type TestContext } from './support/helper.js';
import { listen, upgradeStatus, WsClient, type Frame } from './support/ws-client.js';

let ctx: TestContext;
let url: string;
const clients: WsClient[] = [];

beforeAll(async () => {
  ctx = await createTestApp({ WS_AUTH_TIMEOUT_MS: 300, MESSAGE_RATE_LIMIT: 5, MESSAGE_RATE_WINDOW_MS: 60_000 });
  url = await listen(ctx.app);
});
afterAll(async () => {
  for (const client of clients) client.terminate();
  await ctx.close();
});

async function connect(token: string) {
  const result = await WsClient.ready(url, token);
  clients.push(result.client);
  return result;
}

/** A user connected with their chat subscribed. */
async function userSession(token = userToken()) {
  const { client, ready } = await connect(token);
  client.send({ type: 'subscribe', channel: 'chat', chat_id: ready.chat_id, after_seq: 0 });
  await client.waitFor((f) => f.type === 'subscribed');
  return { client, chatId: ready.chat_id as string, token };
}

const isError = (code: string) => (f: Frame) => f.type === 'error' && f.code === code;

describe('handshake', () => {
  it('sends ready with the caller, their chat and the token lifetime', async () => {
    const { ready } = await connect(userToken('ws-user-1'));
    expect(ready).toMatchObject({ type: 'ready', user: { sub: 'ws-user-1', role: 'user' } });
    expect(ready.chat_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ready.expires_in).toBeGreaterThan(3500);
    const admin = await connect(adminToken());
    expect(admin.ready).toMatchObject({ user: { role: 'admin' }, chat_id: null });
  });

  it('refuses a foreign Origin with 403 before the upgrade', async () => {
    expect(await upgradeStatus(url, 'http://evil.test')).toBe(403);
  });

  it('closes 4001 with the error code for a bad token', async () => {
    const client = await WsClient.connect(url);
    client.send({ type: 'auth', token: 'not.a.jwt' });
    expect(await client.closed).toEqual({ code: 4001, reason: 'token_invalid' });
    const forged = await WsClient.connect(url);
    forged.send({ type: 'auth', token: signToken('someone', { secret: 'x'.repeat(40) }) });
    expect(await forged.closed).toEqual({ code: 4001, reason: 'token_invalid' });
  });

  it('closes 4001 token_expired for an expired token', async () => {
    const client = await WsClient.connect(url);
    client.send({ type: 'auth', token: signToken('late', { expiresIn: -60 }) });
    expect(await client.closed).toEqual({ code: 4001, reason: 'token_expired' });
  });

  it('closes 4001 token_expired when a live token runs out', async () => {
    const { client, ready } = await connect(signToken('short-lived', { expiresIn: 2 }));
    expect(ready.expires_in).toBeLessThanOrEqual(2);
    expect(await client.closed).toEqual({ code: 4001, reason: 'token_expired' });
  });

  it('closes 4001 when no auth frame arrives in time', async () => {
    const client = await WsClient.connect(url);
    expect(await client.closed).toEqual({ code: 4001, reason: 'unauthorized' });
  });

  it('closes 4001 when the first frame is not auth', async () => {
    const client = await WsClient.connect(url);
    client.send({ type: 'ping' });
    expect(await client.closed).toEqual({ code: 4001, reason: 'unauthorized' });
  });

  it('closes 1009 on a frame over 16 KiB', async () => {
    const { client } = await connect(userToken());
    client.send({ type: 'ping', id: 'x'.repeat(17 * 1024) });
    expect((await client.closed).code).toBe(1009);
  });

  it('accepts a fresh token for the same user without reconnecting', async () => {
    const { client } = await connect(signToken('refresher', { expiresIn: 60 }));
    client.send({ type: 'auth', token: signToken('refresher', { expiresIn: 7200 }) });
    const again = await client.waitForAll((f) => f.type === 'ready', 2);
    expect(again[1]!.expires_in).toBeGreaterThan(7000);
    client.send({ type: 'auth', token: signToken('someone-else') });
    expect((await client.waitFor(isError('forbidden'))).ref).toBeTypeOf('string');
  });
});

describe('bad frames', () => {
  it('answers garbage with bad_frame and keeps the socket usable', async () => {
    const { client } = await connect(userToken());
    const garbage = ['{', 'null', '[]', '"x"', '{"type":"nope"}', '{"type":"subscribe","channel":"chat","chat_id":"x"}',
      '{"type":"send_message","chat_id":"' + randomUUID() + '","client_id":"c1"}', '{"type":"ping","extra":1}'];
    for (const raw of garbage) client.send(raw);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const errors = await client.waitForAll(isError('bad_frame'), garbage.length + 1);
    expect(new Set(errors.map((e) => e.ref)).size).toBe(errors.length);
    expect(errors[5]!.message).toContain('chat_id');
    expect(errors[6]!.client_id).toBe('c1');
    await client.roundTrip();
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });
});

describe('authorization', () => {
  it('does not let user A subscribe to, write to or read chat B', async () => {
    const a = await connect(userToken());
    const b = await connect(userToken());
    const chatB = b.ready.chat_id as string;
    a.client.send({ type: 'subscribe', channel: 'chat', chat_id: chatB });
    a.client.send({ type: 'subscribe', channel: 'chat', chat_id: randomUUID() });
    a.client.send({ type: 'send_message', chat_id: chatB, client_id: 'sneaky', content: 'hi' });
    a.client.send({ type: 'mark_read', chat_id: chatB, up_to_seq: 1 });
    a.client.send({ type: 'typing', chat_id: chatB, typing: true });
    const errors = await a.client.waitForAll(isError('chat_not_found'), 5);
    expect(errors[2]!.client_id).toBe('sneaky');
    // The unknown chat and the foreign one look the same.
    expect(errors[0]!.message).toBe(errors[1]!.message);
    const page = await ctx.app.chats.listMessages(chatB, {});
    expect(page.messages).toHaveLength(0);
  });

  it('keeps the admin channel for admins', async () => {
    const { client } = await connect(userToken());
    client.send({ type: 'subscribe', channel: 'admin' });
    await client.waitFor(isError('forbidden'));
  });
});

describe('live messaging', () => {
  it('delivers user to admin and admin to user, live, with acks to the sender', async () => {
    const user = await userSession();
    const admin = await connect(adminToken());
    admin.client.send({ type: 'subscribe', channel: 'chat', chat_id: user.chatId });
    await admin.client.waitFor((f) => f.type === 'subscribed');

    user.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'u-1', content: '  Hello?  ' });
    const ack = await user.client.waitFor((f) => f.type === 'ack');
    expect(ack).toMatchObject({ client_id: 'u-1', message: { seq: 1, content: 'Hello?', sender_type: 'user' } });
    const atAdmin = await admin.client.waitFor((f) => f.type === 'new_message');
    expect(atAdmin.message).toEqual(ack.message);

    admin.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'a-1', content: 'Hi, how can I help?' });
    const reply = await user.client.waitFor((f) => f.type === 'new_message' && f.message.seq === 2);
    expect(reply.message).toMatchObject({ sender_type: 'admin', sender_name: 'Agent Smith', client_id: 'a-1' });
    // The sender's own subscription gets its message too (other tabs rely on it), exactly once.
    await user.client.roundTrip();
    expect(user.client.messages().map((f) => f.message.seq)).toEqual([1, 2]);
  });

  it('sends new_user_message and chat_updated on the admin channel', async () => {
    const admin = await connect(adminToken());
    admin.client.send({ type: 'subscribe', channel: 'admin' });
    await admin.client.waitFor((f) => f.type === 'subscribed' && f.channel === 'admin');
    const user = await userSession(userToken('lister'));
    user.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'x1', content: 'Where is my order?' });
    const notice = await admin.client.waitFor((f) => f.type === 'new_user_message');
    expect(notice).toMatchObject({
      chat_id: user.chatId,
      user_email: 'lister@example.com',
      message: { content: 'Where is my order?', seq: 1 },
    });
    const updated = await admin.client.waitFor((f) => f.type === 'chat_updated' && f.chat.id === user.chatId);
    expect(updated.chat).toMatchObject({ unread: true, last_message_preview: 'Where is my order?', last_seq: 1 });
  });

  it('broadcasts messages written through REST', async () => {
    const user = await userSession();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/chat/messages',
      headers: bearer(user.token),
      payload: { client_id: 'rest-1', content: 'sent over REST' },
    });
    expect(res.statusCode).toBe(201);
    const frame = await user.client.waitFor((f) => f.type === 'new_message');
    expect(frame.message).toMatchObject({ client_id: 'rest-1', content: 'sent over REST' });
  });

  it('stores and broadcasts one message for a client_id sent three times', async () => {
    const user = await userSession();
    const other = await connect(adminToken());
    other.client.send({ type: 'subscribe', channel: 'chat', chat_id: user.chatId });
    await other.client.waitFor((f) => f.type === 'subscribed');
    for (let i = 0; i < 3; i++) user.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'same', content: 'once' });
    const acks = await user.client.waitForAll((f) => f.type === 'ack', 3);
    expect(new Set(acks.map((a) => a.message.id)).size).toBe(1);
    // A later message is the barrier: everything broadcast before it has arrived.
    user.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'after', content: 'next' });
    await other.client.waitFor((f) => f.type === 'new_message' && f.message.client_id === 'after');
    expect(other.client.messages().map((f) => f.message.client_id)).toEqual(['same', 'after']);
    expect((await ctx.app.chats.listMessages(user.chatId, {})).messages).toHaveLength(2);
  });

  it('rejects blank content with empty_message', async () => {
    const user = await userSession();
    user.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'blank', content: '   ' });
    expect(await user.client.waitFor(isError('empty_message'))).toMatchObject({ client_id: 'blank' });
  });

  it('answers a flood with rate_limited and retry_after, and keeps the socket open', async () => {
    const user = await userSession();
    for (let i = 0; i < 7; i++) user.client.send({ type: 'send_message', chat_id: user.chatId, client_id: `r${i}`, content: `m${i}` });
    const limited = await user.client.waitForAll(isError('rate_limited'), 2);
    expect(limited.map((f) => f.client_id)).toEqual(['r5', 'r6']);
    expect(limited[0]!.retry_after).toBeGreaterThan(0);
    expect(user.client.frames.filter((f) => f.type === 'ack')).toHaveLength(5);
    await user.client.roundTrip();
  });

  it('relays typing to the other side only', async () => {
    const user = await userSession();
    const admin = await connect(adminToken());
    admin.client.send({ type: 'subscribe', channel: 'chat', chat_id: user.chatId });
    await admin.client.waitFor((f) => f.type === 'subscribed');
    user.client.send({ type: 'typing', chat_id: user.chatId, typing: true });
    expect(await admin.client.waitFor((f) => f.type === 'typing')).toEqual({
      type: 'typing', chat_id: user.chatId, sender_type: 'user', typing: true,
    });
    admin.client.send({ type: 'typing', chat_id: user.chatId, typing: true });
    await user.client.waitFor((f) => f.type === 'typing' && f.sender_type === 'admin');
    await admin.client.roundTrip();
    expect(admin.client.frames.filter((f) => f.type === 'typing')).toHaveLength(1);
  });

  it('sends read receipts and "seen" updates', async () => {
    const user = await userSession();
    const admin = await connect(adminToken());
    admin.client.send({ type: 'subscribe', channel: 'chat', chat_id: user.chatId });
    await admin.client.waitFor((f) => f.type === 'subscribed');
    admin.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'a1', content: 'Fixed it' });
    await user.client.waitFor((f) => f.type === 'new_message');
    user.client.send({ type: 'mark_read', chat_id: user.chatId, up_to_seq: 1 });
    const read = await admin.client.waitFor((f) => f.type === 'messages_read');
    expect(read).toMatchObject({ chat_id: user.chatId, up_to_seq: 1 });
    admin.client.send({ type: 'mark_read', chat_id: user.chatId, up_to_seq: 1 });
    const seen = await user.client.waitFor((f) => f.type === 'chat_updated' && f.chat.admin_viewed_at !== null);
    expect(seen.chat.id).toBe(user.chatId);
  });

  it('stops delivery after unsubscribe', async () => {
    const user = await userSession();
    const admin = await connect(adminToken());
    admin.client.send({ type: 'subscribe', channel: 'chat', chat_id: user.chatId });
    await admin.client.waitFor((f) => f.type === 'subscribed');
    user.client.send({ type: 'unsubscribe', channel: 'chat', chat_id: user.chatId });
    await user.client.waitFor((f) => f.type === 'unsubscribed');
    admin.client.send({ type: 'send_message', chat_id: user.chatId, client_id: 'a1', content: 'still there?' });
    // The admin's copy comes from the same delivery pass the user would have been in.
    await admin.client.waitFor((f) => f.type === 'new_message');
    await user.client.roundTrip();
    expect(user.client.messages()).toHaveLength(0);
  });
});
