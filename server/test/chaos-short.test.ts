// The short chaos run in `npm test` (the full one is `npm run chaos`): two real server instances and
// a worker on one database, tens of clients, one dropped set of Postgres connections, one SIGKILLed
// instance, random socket cuts, a mass reconnect and a stopped worker. Nothing may be lost or doubled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportMarkdown, runChaos, type ChaosReport } from '../../bench/chaos/harness.js';
import { api } from './support/api.js';
import { adminToken, createTestApp, createTestDatabase, dropTestDatabase, userToken } from './support/helper.js';
import { listen, WsClient } from './support/ws-client.js';

describe('chaos (short run)', () => {
  let databaseUrl: string;
  let report: ChaosReport;
  
  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    report = await runChaos({
      databaseUrl,
      visitors: 30,
      admins: 4,
      messages: 400,
      durationMs: 14_000,
      connectionDrops: 1,
      cutsPerSecond: 3,
      seed: 42,
    });
    console.log(reportMarkdown(report));
  }, 300_000);
  afterAll(() => dropTestDatabase(databaseUrl));

  it('stores every message once, acknowledged or resent, and loses none', () => {
    const c = report.counts;
    expect(c.messagesWritten).toBeGreaterThan(300);
    expect(c.lost).toBe(0);
    expect(c.duplicated).toBe(0);
    expect(c.unacked).toBe(0);
    expect(c.acked).toBe(c.messagesWritten);
    expect(c.stored).toBe(c.messagesWritten);
  });

  it('delivers every message once, in seq order, to every subscriber', () => {
    const c = report.counts;
    expect(c.duplicateDeliveries).toBe(0);
    expect(c.missingDeliveries).toBe(0);
    expect(c.orderViolations).toBe(0);
    expect(c.delivered).toBeGreaterThan(0);
  });

  it('actually hit the clients with the faults', () => {
    const c = report.counts;
    expect(c.socketCuts).toBeGreaterThan(report.counts.clients);
    expect(c.reconnects).toBeGreaterThanOrEqual(c.socketCuts);
    expect(report.recovery.connectionDropMs).toHaveLength(1);
    expect(report.recovery.worker.jobsWaiting).toBeGreaterThan(0);
  });

  it('recovers without a manual step and sends no email twice', () => {
    expect(report.problems).toEqual([]);
    expect(report.counts.processCrashes).toBe(0);
    expect(report.counts.emailsDuplicated).toBe(0);
    expect(report.counts.emailsInMailbox).toBeGreaterThan(0);
    expect(report.counts.emailJobsLeft).toBe(0);
  });
});

describe('the reconnect recipe (after_seq = highest seq held, own acks included)', () => {
  it('never acks a send before the sender got every earlier message of the chat', async () => {
    const ctx = await createTestApp();
    const url = await listen(ctx.app);
    const chats = ctx.app.chats;
    try {
      const token = userToken();
      const { client, ready } = await WsClient.ready(url, token);
      const chatId = ready.chat_id as string;
      client.send({ type: 'subscribe', channel: 'chat', chat_id: chatId, after_seq: 0 });
      await client.waitFor((f) => f.type === 'subscribed');

      // Hold the admin reply's NOTIFY before the hub, so the reply is committed but not yet delivered ...
      const hub = ctx.app.hub;
      const handleEvent = hub.handleEvent.bind(hub);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const held = new Promise<void>((resolve) => {
        hub.handleEvent = (event) => {
          if (event.e !== 'message' || event.seq !== 1) return handleEvent(event);
          resolve();
          void gate.then(() => handleEvent(event));
        };
      });
      expect((await api(ctx.app).reply(adminToken(), chatId, 'earlier reply', 'a-1')).statusCode).toBe(201);
      await held;
      // ... while the visitor's own send commits with the next seq.
      const sendMessage = chats.sendMessage.bind(chats);
      const committed = new Promise<void>((resolve) => {
        chats.sendMessage = async (...args) => {
          const result = await sendMessage(...args);
          resolve();
          return result;
        };
      });
      client.send({ type: 'send_message', chat_id: chatId, client_id: 'v-1', content: 'later message' });
      await committed;
      await new Promise((resolve) => setImmediate(resolve));
      release();

      await client.waitFor((f) => f.type === 'ack');
      await client.waitFor((f) => f.type === 'new_message' && f.message.seq === 1);
      const order = client.frames.filter((f) => f.type === 'ack' || f.type === 'new_message').map((f) => `${f.type}:${f.message.seq}`);
      // A client cut right after the ack reconnects with after_seq 2: seq 1 must already be held.
      expect(order.indexOf('new_message:1')).toBeLessThan(order.indexOf('ack:2'));
      client.terminate();
    } finally {
      await ctx.close();
    }
  });
});
