// Property-based attack on the WebSocket frame handling: whatever an authenticated client sends
// (arbitrary JSON, frames that are almost right, invalid UTF-8, huge strings, deep nesting), the
// server answers with a stable error code or a valid reply, never closes the socket for it, never
// stores anything it should not, and keeps its memory bounded.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, userToken, type TestContext } from './support/helper.js';
import { listen, WsClient, type Frame } from './support/ws-client.js';

const FRAME_TYPES = ['auth', 'subscribe', 'unsubscribe', 'send_message', 'typing', 'mark_read', 'ping'];
const KNOWN_ERRORS = new Set(['bad_frame', 'chat_not_found', 'empty_message', 'message_too_long', 'rate_limited', 'forbidden']);

let ctx: TestContext;
let url: string;
let client: WsClient;
let chatId: string;

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 100_000, WS_CONNECT_RATE_LIMIT: 100_000 });
  url = await listen(ctx.app);
  const session = await WsClient.ready(url, userToken(`fuzz-${randomUUID()}`));
  client = session.client;
  chatId = session.ready.chat_id as string;
});
afterAll(async () => {
  client?.close();
  await ctx.close();
});

/** Frames that look like ours: a known type with fields drawn from plausible and hostile values. */
const hostileValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, 0),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  fc.constantFrom('x'.repeat(10_001), '\u0000', 'مرحبا 👋', '<script>alert(1)</script>', '__proto__'),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.object({ maxDepth: 3 }),
);
const almostFrame = fc.record(
  {
    type: fc.constantFrom(...FRAME_TYPES, 'new_message', 'ack', '', 'SEND_MESSAGE'),
    channel: fc.constantFrom('chat', 'admin', 'other'),
    chat_id: fc.oneof(hostileValue, fc.constant('own')),
    client_id: hostileValue,
    content: hostileValue,
    after_seq: hostileValue,
    up_to_seq: hostileValue,
    typing: hostileValue,
    token: hostileValue,
    extra: hostileValue,
  },
  { requiredKeys: ['type'] },
);

function deepNesting(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('WebSocket frames under fuzzing', () => {
  it('answers every hostile frame with a known error or a valid reply and keeps the socket open', async () => {
    const seenErrors = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(almostFrame, fc.jsonValue()), { minLength: 1, maxLength: 8 }), async (frames) => {
        const before = client.frames.length;
        for (const frame of frames) {
          const value =
            frame && typeof frame === 'object' && !Array.isArray(frame) && (frame as { chat_id?: unknown }).chat_id === 'own'
              ? { ...frame, chat_id: chatId }
              : frame;
          const text = JSON.stringify(value) ?? 'null';
          // Frames over maxPayload (16 KiB) close the socket with 1009 by design (realtime-protocol).
          if (Buffer.byteLength(text) > 15 * 1024) continue;
          client.send(text);
        }
        try {
          await client.roundTrip();
        } catch (err) {
          const closed = await Promise.race([client.closed, new Promise((r) => setTimeout(() => r('open'), 100))]);
          throw new Error(`no pong; socket ${JSON.stringify(closed)} after ${JSON.stringify(frames).slice(0, 500)}`, { cause: err });
        }
        const replies = client.frames.slice(before);
        for (const reply of replies.filter((f: Frame) => f.type === 'error')) {
          seenErrors.add(reply.code);
          expect(KNOWN_ERRORS, `unexpected error code ${reply.code}`).toContain(reply.code);
          expect(reply.message).toBeTypeOf('string');
          expect(JSON.stringify(reply)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        }
      }),
      { numRuns: 150, seed: 4242 },
    );
    expect(seenErrors).toContain('bad_frame');
  }, 120_000);

  it('rejects non-JSON, invalid UTF-8, binary and deeply nested frames with bad_frame', async () => {
    const raw: (string | Buffer)[] = [
      'not json',
      '{"type":"ping"',
      Buffer.from([0xff, 0xfe, 0xfd, 0x7b]),
      Buffer.from('{"type":"send_message","content":"\u0000"}'),
      deepNesting(5000),
      `{"type":"ping","id":"${'\ud800'}"}`,
    ];
    for (const data of raw) {
      const before = client.frames.length;
      client.ws.send(data);
      await client.roundTrip();
      const errors = client.frames.slice(before).filter((f: Frame) => f.type === 'error');
      for (const error of errors) expect(KNOWN_ERRORS).toContain(error.code);
    }
    // Binary and non-JSON are never valid frames.
    const codes = client.frames.filter((f: Frame) => f.type === 'error').map((f: Frame) => f.code);
    expect(codes).toContain('bad_frame');
  });

  it('stores nothing from hostile frames except well-formed sends to the caller own chat', async () => {
    const rows = await ctx.database.sql<{ chat_id: string; content: string }[]>`select chat_id, content from support_messages`;
    for (const row of rows) {
      expect(row.chat_id).toBe(chatId);
      expect(row.content.trim().length).toBeGreaterThan(0);
      expect([...row.content].length).toBeLessThanOrEqual(5000);
      expect(row.content).not.toContain('\u0000');
    }
  });

  it('keeps memory bounded over 10,000 bad frames', async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    // In batches under the 64-frames-in-flight limit, so the ping is never the frame refused.
    for (let batch = 0; batch < 200; batch++) {
      for (let i = 0; i < 50; i++) client.send(i % 2 ? '{"type":"nope"}' : `{"type":"send_message","chat_id":"${i}"}`);
      await client.roundTrip();
      client.frames.length = 0;
    }
    client.frames.length = 0;
    global.gc?.();
    const grown = process.memoryUsage().heapUsed - before;
    // The server shares this process; 10k answered frames must not leave tens of MB behind.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    const closed = await Promise.race([client.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))]);
    expect(closed).toBe(false);
  }, 120_000);
});
