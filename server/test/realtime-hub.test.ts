// The hub alone, with an in-memory reader: a burst of events for one chat sends one chat_updated,
// and tasks that send none (an ack waiting its turn, a subscribe) never swallow it.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { Hub, type Subscriber } from '../src/realtime/hub.js';
import type { ChatListItem } from '../src/schemas/admin.js';
import type { Message } from '../src/schemas/common.js';

const chatId = randomUUID();
const noop = () => {};
const log = { error: noop, warn: noop, info: noop, debug: noop, trace: noop, fatal: noop, silent: noop, level: 'silent' } as unknown as FastifyBaseLogger;

function message(seq: number): Message {
  return {
    id: randomUUID(),
    chat_id: chatId,
    seq,
    client_id: `c${seq}`,
    content: `m${seq}`,
    sender_type: 'admin',
    sender_name: 'Sam',
    read_at: null,
    created_at: new Date().toISOString(),
  };
}

/** A reader over a list of messages; every call waits a tick, like a database round trip. */
function reader(messages: Message[], reads = { messages: 0, items: 0 }) {
  const tick = () => new Promise((r) => setTimeout(r, 1));
  const item = (): ChatListItem & { admin_viewed_at: null; last_seq: number } => ({
    id: chatId,
    user_id: randomUUID(),
    user_email: 'kim@example.com',
    user_name: null,
    last_message_at: new Date().toISOString(),
    last_message_preview: messages.at(-1)?.content ?? null,
    last_message_sender: 'admin',
    message_count: messages.length,
    unread: false,
    archived: false,
    admin_viewed_at: null,
    last_seq: messages.length,
  });
  return {
    async openCatchUp(_id: string, afterSeq: number | undefined, limit: number) {
      await tick();
      reads.messages += 1;
      const lastSeq = messages.length;
      const start = afterSeq === undefined ? lastSeq : Math.min(afterSeq, lastSeq);
      const rows = messages.filter((m) => m.seq > start);
      return { start, page: { messages: rows.slice(0, limit), has_more: rows.length > limit } };
    },
    async listMessages(_id: string, q: { after_seq?: number | undefined; limit?: number | undefined }) {
      await tick();
      reads.messages += 1;
      const rows = messages.filter((m) => m.seq > (q.after_seq ?? 0));
      return { messages: rows.slice(0, q.limit ?? 50), has_more: rows.length > (q.limit ?? 50) };
    },
    async getMessagesBySeq(_id: string, from: number, to: number) {
      await tick();
      reads.messages += 1;
      return messages.filter((m) => m.seq >= from && m.seq <= to);
    },
    async getListItems() {
      await tick();
      reads.items += 1;
      return [item()];
    },
  };
}

function socket(role: 'user' | 'admin') {
  const frames: { type: string; [k: string]: unknown }[] = [];
  const subscriber: Subscriber = {
    role,
    open: true,
    sendRaw: (data) => frames.push(JSON.parse(data)),
    dropChat: () => {},
    fail: () => {},
  };
  return { subscriber, frames };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('Hub chat_updated', () => {
  it('still sends chat_updated when an ack is queued behind the message event', async () => {
    const messages = [message(1)];
    const hub = new Hub(reader(messages), log);
    const admin = socket('admin');
    const sender = socket('admin');
    hub.subscribeAdmin(admin.subscriber);
    await hub.subscribeChat(sender.subscriber, chatId, 0);
    messages.push(message(2));
    // NOTIFY of seq 2 first, then the sender's ack waits in the same queue.
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 2, sender_type: 'admin' });
    void hub.afterDelivered(sender.subscriber, messages[1]!, () => sender.frames.push({ type: 'ack' }));
    await settle();
    expect(sender.frames.filter((f) => f.type === 'ack')).toHaveLength(1);
    const updates = admin.frames.filter((f) => f.type === 'chat_updated');
    expect(updates).toHaveLength(1);
    expect((updates[0]!.chat as { last_seq: number }).last_seq).toBe(2);
  });

  it('sends one chat_updated for a burst, and owes the chat subscribers a chat-level change', async () => {
    const messages = [message(1)];
    const hub = new Hub(reader(messages), log);
    const admin = socket('admin');
    const visitor = socket('user');
    hub.subscribeAdmin(admin.subscriber);
    await hub.subscribeChat(visitor.subscriber, chatId, 1);
    messages.push(message(2), message(3));
    hub.handleEvent({ e: 'chat', chat_id: chatId });
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 2, sender_type: 'admin' });
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 3, sender_type: 'admin' });
    await settle();
    expect(admin.frames.filter((f) => f.type === 'chat_updated')).toHaveLength(1);
    // The chat-level change (e.g. admin_viewed_at for "Seen") reaches the visitor too.
    expect(visitor.frames.filter((f) => f.type === 'chat_updated')).toHaveLength(1);
    expect(visitor.frames.filter((f) => f.type === 'new_message').map((f) => (f.message as Message).seq)).toEqual([2, 3]);
  });
});

describe('Hub delivery of messages carried by their NOTIFY', () => {
  const seqsOf = (frames: { type: string; [k: string]: unknown }[]) =>
    frames.filter((f) => f.type === 'new_message').map((f) => (f.message as Message).seq);

  it('delivers a carried message without reading the table', async () => {
    const messages = [message(1)];
    const reads = { messages: 0, items: 0 };
    const hub = new Hub(reader(messages, reads), log);
    const visitor = socket('user');
    const agent = socket('admin');
    await hub.subscribeChat(visitor.subscriber, chatId, 1);
    await hub.subscribeChat(agent.subscriber, chatId, 1);
    const before = reads.messages;
    messages.push(message(2));
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 2, sender_type: 'admin', message: messages[1]! });
    await settle();
    expect(reads.messages).toBe(before);
    expect(seqsOf(visitor.frames)).toEqual([2]);
    expect(agent.frames.find((f) => f.type === 'new_message')!.message).toEqual(messages[1]);
  });

  it('reads the missing messages when a subscriber lacks one before the carried message', async () => {
    const messages = [message(1)];
    const reads = { messages: 0, items: 0 };
    const hub = new Hub(reader(messages, reads), log);
    const visitor = socket('user');
    await hub.subscribeChat(visitor.subscriber, chatId, 1);
    const before = reads.messages;
    // Seq 2's NOTIFY was lost (LISTEN was down): seq 3 arrives carried, seq 2 only in the table.
    messages.push(message(2), message(3));
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 3, sender_type: 'admin', message: messages[2]! });
    await settle();
    expect(reads.messages).toBeGreaterThan(before);
    expect(seqsOf(visitor.frames)).toEqual([2, 3]);
  });

  it('acks the sender from its own stored message when its NOTIFY is late, and sends it once', async () => {
    const messages = [message(1)];
    const reads = { messages: 0, items: 0 };
    const hub = new Hub(reader(messages, reads), log);
    const sender = socket('admin');
    await hub.subscribeChat(sender.subscriber, chatId, 1);
    const before = reads.messages;
    messages.push(message(2));
    await hub.afterDelivered(sender.subscriber, messages[1]!, () => sender.frames.push({ type: 'ack' }));
    expect(sender.frames.map((f) => f.type).slice(-2)).toEqual(['new_message', 'ack']);
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 2, sender_type: 'admin', message: messages[1]! });
    await settle();
    expect(reads.messages).toBe(before);
    expect(seqsOf(sender.frames)).toEqual([2]);
  });

  it('reads before acking when the sender lacks an earlier message', async () => {
    const messages = [message(1)];
    const hub = new Hub(reader(messages), log);
    const sender = socket('admin');
    await hub.subscribeChat(sender.subscriber, chatId, 1);
    // Seq 2 (someone else's) has no NOTIFY yet; the sender's own seq 3 must not overtake it.
    messages.push(message(2), message(3));
    await hub.afterDelivered(sender.subscriber, messages[2]!, () => sender.frames.push({ type: 'ack' }));
    expect(seqsOf(sender.frames)).toEqual([2, 3]);
    expect(sender.frames.at(-1)!.type).toBe('ack');
  });
});

describe('Hub chat_updated from the inbox item a message NOTIFY carries', () => {
  it('sends the carried item and the user email from it without reading', async () => {
    const messages = [message(1)];
    const reads = { messages: 0, items: 0 };
    const hub = new Hub(reader(messages, reads), log);
    const admin = socket('admin');
    hub.subscribeAdmin(admin.subscriber);
    const userMessage: Message = { ...message(2), sender_type: 'user', sender_name: null };
    messages.push(userMessage);
    const item = {
      id: chatId,
      user_id: randomUUID(),
      user_email: 'lee@example.com',
      user_name: 'Lee',
      last_message_at: userMessage.created_at,
      last_message_preview: userMessage.content,
      last_message_sender: 'user' as const,
      message_count: 2,
      unread: true,
      archived: false,
      admin_viewed_at: null,
      last_seq: 2,
    };
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 2, sender_type: 'user', message: userMessage, item });
    await settle();
    expect(reads).toEqual({ messages: 0, items: 0 });
    expect(admin.frames.find((f) => f.type === 'chat_updated')!.chat).toEqual(item);
    expect(admin.frames.find((f) => f.type === 'new_user_message')).toMatchObject({ user_email: 'lee@example.com', message: userMessage });
  });

  it('reads the item when the NOTIFY carried none', async () => {
    const messages = [message(1), message(2)];
    const reads = { messages: 0, items: 0 };
    const hub = new Hub(reader(messages, reads), log);
    const admin = socket('admin');
    hub.subscribeAdmin(admin.subscriber);
    hub.handleEvent({ e: 'message', chat_id: chatId, seq: 2, sender_type: 'admin' });
    await settle();
    expect(reads.items).toBe(1);
    expect((admin.frames.find((f) => f.type === 'chat_updated')!.chat as { last_seq: number }).last_seq).toBe(2);
  });
});
