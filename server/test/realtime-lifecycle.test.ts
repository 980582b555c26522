// Socket lifecycle: heartbeats drop dead peers, slow consumers are closed with 1013, and shutdown
// closes every socket with 1012 so clients reconnect elsewhere.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestApp, userToken, type TestContext } from './support/helper.js';
import { listen, SITE_ORIGIN, WsClient } from './support/ws-client.js';

let ctx: TestContext;
let url: string;

beforeAll(async () => {
  ctx = await createTestApp({ WS_MAX_BUFFERED_BYTES: 64 * 1024 });
  url = await listen(ctx.app);
});
afterAll(() => ctx.close());

describe('heartbeat', () => {
  it('terminates a socket that stops answering pings and keeps a live one', async () => {
    const fast = await createTestApp({ WS_PING_INTERVAL_MS: 100 }, ctx.databaseUrl);
    const url = await listen(fast.app);
    const live = await WsClient.ready(url, userToken());
    const deadSocket = new WebSocket(url, { origin: SITE_ORIGIN, autoPong: false });
    const closed = new Promise<number>((resolve) => deadSocket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => deadSocket.once('open', resolve));
    deadSocket.send(JSON.stringify({ type: 'auth', token: userToken() }));
    expect(await closed).toBe(1006);
    expect(fast.app.hub.counters.heartbeatTerminations).toBe(1);
    // Several heartbeats later the socket that answers is still there.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => live.client.ws.once('ping', resolve));
    }
    await live.client.roundTrip();
    expect(live.client.ws.readyState).toBe(WebSocket.OPEN);
    live.client.close();
    await fast.close();
  });
});

describe('slow consumer', () => {
  it('closes 1013 when a socket does not read and its buffer passes the limit', async () => {
    const { client, ready } = await WsClient.ready(url, userToken());
    const chatId = ready.chat_id as string;
    await ctx.database.sql`
      insert into support_messages (chat_id, seq, client_id, content, sender_type)
      select ${chatId}, g, 'bulk-' || g, repeat('x', 4000), 'user' from generate_series(1, 3000) g`;
    await ctx.database.sql`update support_chats set last_seq = 3000 where id = ${chatId}`;
    client.ws.pause();
    client.send({ type: 'subscribe', channel: 'chat', chat_id: chatId, after_seq: 0 });
    for (let i = 0; i < 500 && ctx.app.hub.counters.slowConsumerCloses === 0; i++) await new Promise((r) => setTimeout(r, 20));
    client.ws.resume();
    expect(await client.closed).toEqual({ code: 1013, reason: 'slow_consumer' });
    // It was cut off well before the backlog was through.
    expect(client.messages().length).toBeLessThan(3000);
  });
});

describe('shutdown', () => {
  it('closes every socket with 1012 when the app closes', async () => {
    const other = await createTestApp({}, ctx.databaseUrl);
    const otherUrl = await listen(other.app);
    const user = await WsClient.ready(otherUrl, userToken());
    const admin = await WsClient.ready(otherUrl, adminToken());
    const unauthenticated = await WsClient.connect(otherUrl);
    await other.close();
    for (const client of [user.client, admin.client, unauthenticated]) {
      expect(await client.closed).toEqual({ code: 1012, reason: 'server_restart' });
    }
  });
});
