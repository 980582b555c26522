// Delivery guarantees over real sockets and a real database: catch-up without gaps or duplicates,
// concurrent writers, two instances on one database, and a LISTEN connection that drops.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbClient, type DbClient } from '../src/db/client.js';
import { ChatService } from '../src/services/chat-service.js';
import { adminToken, createTestApp, userToken, type TestContext } from './support/helper.js';
import { listen, WsClient, type Frame } from './support/ws-client.js';

let ctx: TestContext;
let url: string;
let writer: DbClient;
let chats: ChatService;
const clients: WsClient[] = [];

beforeAll(async () => {
  ctx = await createTestApp();
  url = await listen(ctx.app);
  // Writes from outside the app (another instance, a worker) arrive only through NOTIFY.
  writer = createDbClient(ctx.databaseUrl, { max: 4 });
  chats = new ChatService(writer.db, { emailDelaySeconds: 300 });
});
afterAll(async () => {
  for (const client of clients) client.terminate();
  await writer.close();
  await ctx.close();
});

async function connect(wsUrl: string, token: string) {
  const result = await WsClient.ready(wsUrl, token);
  clients.push(result.client);
  return result;
}

async function subscribe(client: WsClient, chatId: string, afterSeq?: number) {
  const before = client.frames.filter((f) => f.type === 'subscribed').length;
  client.send({ type: 'subscribe', channel: 'chat', chat_id: chatId, ...(afterSeq !== undefined ? { after_seq: afterSeq } : {}) });
  const [, subscribed] = await Promise.all([null, client.waitForAll((f) => f.type === 'subscribed', before + 1)]);
  return subscribed[before]!;
}

/** A user with a chat, plus an admin's support_users id to write replies as. */
async function newChat() {
  const token = userToken();
  const { client, ready } = await connect(url, token);
  const chatId = ready.chat_id as string;
  const admin = await ctx.app.users.ensureUser(ctx.app.identity.verify(adminToken()));
  return { client, chatId, adminId: admin.id, token };
}

/** Counts the hub's message reads on one instance (restore when done). */
function countReads(instance: TestContext) {
  const service = instance.app.chats;
  const original = service.listMessages;
  const reads = { count: 0, restore: () => (service.listMessages = original) };
  service.listMessages = (...args) => {
    reads.count += 1;
    return original.apply(service, args);
  };
  return reads;
}

const seqs = (frames: Frame[]) => frames.map((f) => f.message.seq as number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function waitForSeq(client: WsClient, chatId: string, seq: number) {
  await client.waitFor((f) => f.type === 'new_message' && f.chat_id === chatId && f.message.seq === seq, 15_000);
}

describe('catch-up', () => {
  it('restarts a client ahead of the server from the chat\'s last seq, and it gets later messages', async () => {
    const { client, chatId, adminId } = await newChat();
    for (let i = 1; i <= 3; i++) await chats.sendMessage(chatId, { type: 'admin', userId: adminId }, `a${i}`, `message ${i}`);
    const subscribed = await subscribe(client, chatId, 50);
    expect(subscribed.last_seq).toBe(3);
    await chats.sendMessage(chatId, { type: 'admin', userId: adminId }, 'a4', 'message 4');
    await waitForSeq(client, chatId, 4);
    expect(seqs(client.messages(chatId))).toEqual([4]);
  });

  it('replays a backlog longer than one page and joins live delivery without a gap', async () => {
    const { client, chatId, adminId, token } = await newChat();
    const before = 450; // more than two catch-up pages of 200
    for (let i = 1; i <= before; i++) await chats.sendMessage(chatId, { type: 'admin', userId: adminId }, `b${i}`, `message ${i}`);
    client.terminate();
    const { client: again } = await connect(url, token);
    const writing = (async () => {
      for (let i = before + 1; i <= before + 30; i++) await chats.sendMessage(chatId, { type: 'admin', userId: adminId }, `b${i}`, `message ${i}`);
    })();
    await subscribe(again, chatId, 7);
    await writing;
    await waitForSeq(again, chatId, before + 30);
    await again.roundTrip();
    expect(seqs(again.messages(chatId))).toEqual(range(8, before + 30));
  });

  it('gives a client that reconnects with after_seq every missed message exactly once', async () => {
    const { client, chatId, adminId, token } = await newChat();
    await subscribe(client, chatId, 0);
    const total = 60;
    const writing = (async () => {
      for (let i = 1; i <= total; i++) await chats.sendMessage(chatId, { type: 'admin', userId: adminId }, `m${i}`, `message ${i}`);
    })();
    await client.waitForAll((f) => f.type === 'new_message', 10);
    client.terminate(); // mid-stream: writes keep going
    const seen = seqs(client.messages(chatId));
    const lastSeen = seen[seen.length - 1]!;
    expect(seen).toEqual(range(1, lastSeen));

    const { client: again } = await connect(url, token);
    await subscribe(again, chatId, lastSeen);
    await writing;
    await waitForSeq(again, chatId, total);
    await chats.sendMessage(chatId, { type: 'admin', userId: adminId }, 'barrier', 'barrier');
    await waitForSeq(again, chatId, total + 1);
    expect(seqs(again.messages(chatId))).toEqual(range(lastSeen + 1, total + 1));
  });

  it('pages through a large backlog', async () => {
    const { client, chatId, adminId } = await newChat();
    await writer.sql`
      insert into support_messages (chat_id, seq, client_id, content, sender_type, sender_id)
      select ${chatId}, g, 'bulk-' || g, 'bulk ' || g, 'admin', ${adminId} from generate_series(1, 650) g`;
    await writer.sql`update support_chats set last_seq = 650 where id = ${chatId}`;
    const subscribed = await subscribe(client, chatId, 7);
    expect(subscribed.last_seq).toBe(650);
    expect(seqs(client.messages(chatId))).toEqual(range(8, 650));
  });

  it('does not lose or repeat a message committed while a subscriber catches up', async () => {
    const { chatId, adminId } = await newChat();
    await writer.sql`
      insert into support_messages (chat_id, seq, client_id, content, sender_type, sender_id)
      select ${chatId}, g, 'pre-' || g, 'pre ' || g, 'admin', ${adminId} from generate_series(1, 300) g`;
    await writer.sql`update support_chats set last_seq = 300 where id = ${chatId}`;
    const admins = await Promise.all(range(1, 5).map(() => connect(url, adminToken())));
    const writing = (async () => {
      for (let i = 1; i <= 40; i++) await chats.sendMessage(chatId, { type: 'admin', userId: adminId }, `live${i}`, `live ${i}`);
    })();
    await Promise.all(admins.map(({ client }, i) => subscribe(client, chatId, i * 50)));
    await writing;
    for (const [i, { client }] of admins.entries()) {
      await waitForSeq(client, chatId, 340);
      expect(seqs(client.messages(chatId))).toEqual(range(i * 50 + 1, 340));
    }
  });
});

describe('concurrency', () => {
  it('shows every subscriber seq 1..N in order, none twice, with 20 concurrent senders', async () => {
    const { client: user, chatId } = await newChat();
    await subscribe(user, chatId);
    const senders = await Promise.all(range(1, 20).map(() => connect(url, adminToken())));
    const watchers = await Promise.all(range(1, 3).map(() => connect(url, adminToken())));
    for (const { client } of [...watchers, ...senders.slice(0, 2)]) await subscribe(client, chatId);
    const perSender = 10;
    for (const [i, { client }] of senders.entries()) {
      for (let k = 0; k < perSender; k++) {
        client.send({ type: 'send_message', chat_id: chatId, client_id: `s${i}-${k}`, content: `sender ${i} #${k}` });
      }
    }
    const n = senders.length * perSender;
    await Promise.all(senders.map(({ client }) => client.waitForAll((f) => f.type === 'ack', perSender)));
    for (const client of [user, ...watchers.map((w) => w.client), ...senders.slice(0, 2).map((s) => s.client)]) {
      await waitForSeq(client, chatId, n);
      await client.roundTrip();
      expect(seqs(client.messages(chatId))).toEqual(range(1, n));
    }
    // Each sender's own messages keep their send order.
    const stored = (await ctx.app.chats.listMessages(chatId, { after_seq: 0, limit: 200 })).messages;
    for (const i of range(0, 19)) {
      const mine = stored.filter((m) => m.client_id.startsWith(`s${i}-`)).map((m) => m.client_id);
      expect(mine).toEqual(range(0, perSender - 1).map((k) => `s${i}-${k}`));
    }
  });
});

describe('several instances', () => {
  let other: TestContext;
  let otherUrl: string;
  beforeAll(async () => {
    other = await createTestApp({}, ctx.databaseUrl);
    otherUrl = await listen(other.app);
  });
  afterAll(() => other.close());

  it('delivers between a visitor on one instance and an admin on another', async () => {
    const { client: user, ready } = await connect(url, userToken());
    const chatId = ready.chat_id as string;
    await subscribe(user, chatId);
    const { client: admin } = await connect(otherUrl, adminToken());
    admin.send({ type: 'subscribe', channel: 'admin' });
    await admin.waitFor((f) => f.type === 'subscribed');
    await subscribe(admin, chatId);

    user.send({ type: 'send_message', chat_id: chatId, client_id: 'hello', content: 'Hello from A' });
    expect((await admin.waitFor((f) => f.type === 'new_user_message')).message.content).toBe('Hello from A');
    await waitForSeq(admin, chatId, 1);
    admin.send({ type: 'send_message', chat_id: chatId, client_id: 'reply', content: 'Reply from B' });
    await waitForSeq(user, chatId, 2);
    await waitForSeq(admin, chatId, 2);
    user.send({ type: 'typing', chat_id: chatId, typing: true });
    await admin.waitFor((f) => f.type === 'typing');
    expect(seqs(user.messages(chatId))).toEqual([1, 2]);
    expect(seqs(admin.messages(chatId))).toEqual([1, 2]);
  });

  it('gives the other instance the acked message from the NOTIFY alone, without reading it back', async () => {
    const { client: user, ready } = await connect(url, userToken());
    const chatId = ready.chat_id as string;
    await subscribe(user, chatId);
    const { client: admin } = await connect(otherUrl, adminToken());
    await subscribe(admin, chatId);
    const reads = countReads(other);
    try {
      user.send({ type: 'send_message', chat_id: chatId, client_id: 'carried', content: 'Ça va? 👋' });
      const ack = await user.waitFor((f) => f.type === 'ack');
      await waitForSeq(admin, chatId, 1);
      expect(admin.messages(chatId)[0]!.message).toEqual(ack.message);
      expect(reads.count).toBe(0);
    } finally {
      reads.restore();
    }
  });

  it('gives the other instance\'s inbox the chat_updated the list query would, without querying', async () => {
    const email = `ana-${randomUUID()}@example.com`;
    const { client: user, ready } = await connect(url, userToken(undefined, { email, name: 'Ana' }));
    const chatId = ready.chat_id as string;
    const { client: inbox } = await connect(otherUrl, adminToken());
    inbox.send({ type: 'subscribe', channel: 'admin' });
    await inbox.waitFor((f) => f.type === 'subscribed');
    const service = other.app.chats;
    const original = service.getListItems;
    let queries = 0;
    service.getListItems = (...args) => {
      queries += 1;
      return original.apply(service, args);
    };
    try {
      // Over the 100-character preview, in characters that are not one byte each.
      user.send({ type: 'send_message', chat_id: chatId, client_id: 'long-preview', content: 'Größe 👋 '.repeat(15) });
      const update = await inbox.waitFor((f) => f.type === 'chat_updated' && f.chat.id === chatId);
      const announced = await inbox.waitFor((f) => f.type === 'new_user_message' && f.chat_id === chatId);
      expect(queries).toBe(0);
      expect(announced.user_email).toBe(email);
      expect(update.chat).toEqual((await original.call(service, [chatId]))[0]);
      expect(update.chat.last_message_preview).toMatch(/\.\.\.$/);
    } finally {
      service.getListItems = original;
    }
  });

  it('delivers a message too long for the NOTIFY payload by reading it on the other instance', async () => {
    const { client: user, ready } = await connect(url, userToken());
    const chatId = ready.chat_id as string;
    await subscribe(user, chatId);
    const { client: admin } = await connect(otherUrl, adminToken());
    await subscribe(admin, chatId);
    const reads = countReads(other);
    // 5,000 three-byte characters: 15,000 bytes, well over the 8000-byte payload limit.
    const content = '€'.repeat(5000);
    try {
      user.send({ type: 'send_message', chat_id: chatId, client_id: 'long', content });
      const ack = await user.waitFor((f) => f.type === 'ack' || f.type === 'error');
      expect(ack.type).toBe('ack');
      await waitForSeq(admin, chatId, 1);
      expect(admin.messages(chatId)[0]!.message).toEqual(ack.message);
      expect(reads.count).toBeGreaterThan(0);
    } finally {
      reads.restore();
    }
  });

  it('loses nothing when the LISTEN connections drop and come back', async () => {
    const { client: onA, chatId, adminId } = await newChat();
    await subscribe(onA, chatId);
    const { client: onB } = await connect(otherUrl, adminToken());
    await subscribe(onB, chatId);
    const write = (id: string) => chats.sendMessage(chatId, { type: 'admin', userId: adminId }, id, id);
    await write('before');
    await waitForSeq(onA, chatId, 1);
    await waitForSeq(onB, chatId, 1);

    const database = new URL(ctx.databaseUrl).pathname.slice(1);
    const admin = postgres(ctx.databaseUrl.replace(`/${database}`, '/postgres'), { max: 1, onnotice: () => {} });
    const listenerPids = async () =>
      (await admin<{ pid: number }[]>`
        select pid from pg_stat_activity
        where datname = ${database} and query ilike 'listen %' and pid <> pg_backend_pid()`).map((r) => r.pid);
    const catchUps = [ctx.app.hub.counters.catchUps, other.app.hub.counters.catchUps];
    try {
      expect(await listenerPids()).toHaveLength(2);
      // Hold the listeners off while messages are written, so their NOTIFYs reach nobody.
      await admin.unsafe(`alter database ${database} allow_connections false`);
      await admin`select pg_terminate_backend(pid) from unnest(${await listenerPids()}::int[]) pid`;
      for (let i = 0; i < 50 && (await listenerPids()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await listenerPids()).toHaveLength(0);
      for (let i = 1; i <= 10; i++) await write(`gap${i}`);
    } finally {
      await admin.unsafe(`alter database ${database} allow_connections true`);
      await admin.end();
    }
    // Only the catch-up after re-LISTEN can bring these: nothing else is written meanwhile.
    await waitForSeq(onA, chatId, 11);
    await waitForSeq(onB, chatId, 11);
    expect(ctx.app.hub.counters.catchUps).toBeGreaterThan(catchUps[0]!);
    expect(other.app.hub.counters.catchUps).toBeGreaterThan(catchUps[1]!);
    for (let i = 1; i <= 5; i++) await write(`after${i}`);
    await waitForSeq(onA, chatId, 16);
    await waitForSeq(onB, chatId, 16);
    expect(seqs(onA.messages(chatId))).toEqual(range(1, 16));
    expect(seqs(onB.messages(chatId))).toEqual(range(1, 16));
  });
});
