// Floods: the per-user message limit shared by REST and WebSocket, connection attempts per IP,
// sockets that never authenticate (held open by the hundred), and a subscriber that stops reading.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from './support/api.js';
import { createTestApp, userToken, type TestContext } from './support/helper.js';
import { listen, upgradeStatus, WsClient, SITE_ORIGIN } from './support/ws-client.js';

let ctx: TestContext;
let url: string;

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 3, MESSAGE_RATE_WINDOW_MS: 60_000, WS_AUTH_TIMEOUT_MS: 500, WS_CONNECT_RATE_LIMIT: 300 });
  url = await listen(ctx.app);
});
afterAll(() => ctx.close());

describe('message rate limit', () => {
  it('counts REST and WebSocket sends of one user together', async () => {
    const token = userToken();
    const http = api(ctx.app);
    expect((await http.send(token, 'rest 1')).statusCode).toBe(201);
    expect((await http.send(token, 'rest 2')).statusCode).toBe(201);
    const { client, ready } = await WsClient.ready(url, token);
    client.send({ type: 'send_message', chat_id: ready.chat_id, client_id: 'ws-3', content: 'ws 3' });
    await client.waitFor((f) => f.type === 'ack');
    client.send({ type: 'send_message', chat_id: ready.chat_id, client_id: 'ws-4', content: 'ws 4' });
    expect(await client.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'rate_limited', client_id: 'ws-4' });
    expectError(await http.send(token, 'rest 5'), 429, 'rate_limited');
    const page = await ctx.app.chats.listMessages(ready.chat_id, {});
    expect(page.messages.map((m) => m.content)).toEqual(['rest 1', 'rest 2', 'ws 3']);
    client.terminate();
  });
});

describe('sockets that never authenticate', () => {
  it('closes hundreds of silent sockets at the auth timeout and forgets them', async () => {
    const silent = await Promise.all(Array.from({ length: 200 }, () => WsClient.connect(url)));
    const closes = await Promise.all(silent.map((s) => s.closed));
    expect(closes.every((c) => c.code === 4001 && c.reason === 'unauthorized')).toBe(true);
    // Nothing else is connected to this app now: every silent socket is forgotten.
    await expect.poll(() => ctx.app.hub.connectionCount, { timeout: 20_000 }).toBe(0);
  });
});

describe('connections per IP', () => {
  it('answers upgrades over WS_CONNECT_RATE_LIMIT with 429, which a forged X-Forwarded-For cannot dodge', async () => {
    const limited = await createTestApp({ WS_CONNECT_RATE_LIMIT: 5 }, ctx.databaseUrl);
    const limitedUrl = await listen(limited.app);
    try {
      for (let i = 0; i < 5; i++) (await WsClient.connect(limitedUrl)).terminate();
      expect(await upgradeStatus(limitedUrl, SITE_ORIGIN)).toBe(429);
      const { default: WebSocket } = await import('ws');
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(limitedUrl, { origin: SITE_ORIGIN, headers: { 'x-forwarded-for': '10.1.2.3' } });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => {});
      });
      expect(status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('slow readers', () => {
  // The 1013 close itself is pinned in realtime-lifecycle.test.ts.
  it('keeps the chat going for everyone else while one subscriber stops reading', async () => {
    const slow = await createTestApp({ WS_MAX_BUFFERED_BYTES: 4096, MESSAGE_RATE_LIMIT: 10_000 }, ctx.databaseUrl);
    const slowUrl = await listen(slow.app);
    try {
      const token = userToken();
      const owner = await WsClient.ready(slowUrl, token);
      const chatId = owner.ready.chat_id as string;
      const lagging = await WsClient.ready(slowUrl, token);
      for (const c of [owner.client, lagging.client]) {
        c.send({ type: 'subscribe', channel: 'chat', chat_id: chatId, after_seq: 0 });
        await c.waitFor((f) => f.type === 'subscribed');
      }
      lagging.client.ws.pause();
      (lagging.client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const big = 'x'.repeat(4000);
      for (let i = 0; i < 20; i++) owner.client.send({ type: 'send_message', chat_id: chatId, client_id: `b${i}`, content: big });
      await owner.client.waitForAll((f) => f.type === 'new_message', 20, 50_000);
      expect(owner.client.messages().map((f) => f.message.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      owner.client.terminate();
      lagging.client.terminate();
    } finally {
      await slow.close();
    }
  }, 90_000);
});
