// Parsing what arrives on the events channel: a message event's carried row is checked and mapped
// exactly like a row read from the table, or dropped so the hub reads the table instead.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseChatEvent } from '../src/realtime/listener.js';

const chatId = randomUUID();
const row = {
  id: randomUUID(),
  chat_id: chatId,
  seq: 7,
  client_id: 'c-7',
  content: 'Hello',
  sender_type: 'admin',
  sender_name: 'Sam',
  read_at: null,
  // As Postgres' json renders a timestamptz: microseconds and an offset.
  created_at: '2026-03-01T10:20:30.123456+01:00',
};
const event = (message: unknown) => JSON.stringify({ e: 'message', chat_id: chatId, seq: 7, sender_type: 'admin', message });

describe('parseChatEvent with a carried message', () => {
  it('maps the carried row to the wire message', () => {
    expect(parseChatEvent(event(row))).toEqual({
      e: 'message',
      chat_id: chatId,
      seq: 7,
      sender_type: 'admin',
      message: { ...row, created_at: '2026-03-01T09:20:30.123Z' },
    });
  });

  it('keeps the event but drops a carried row that belongs to another seq or chat', () => {
    for (const wrong of [{ ...row, seq: 8 }, { ...row, chat_id: randomUUID() }, { ...row, created_at: 'soon' }, 'text']) {
      const parsed = parseChatEvent(event(wrong));
      expect(parsed).toEqual({ e: 'message', chat_id: chatId, seq: 7, sender_type: 'admin' });
    }
  });

  it('accepts a message event without a carried row (too long for the payload)', () => {
    const bare = JSON.stringify({ e: 'message', chat_id: chatId, seq: 7, sender_type: 'user' });
    expect(parseChatEvent(bare)).toEqual({ e: 'message', chat_id: chatId, seq: 7, sender_type: 'user' });
  });
});

describe('parseChatEvent with a carried inbox item', () => {
  const item = {
    id: chatId,
    user_id: randomUUID(),
    user_email: 'kim@example.com',
    user_name: null,
    last_message_at: '2026-03-01T10:20:30.123456+01:00',
    last_message_preview: 'Hello',
    last_message_sender: 'admin',
    message_count: 7,
    unread: false,
    archived: false,
    admin_viewed_at: null,
    last_seq: 7,
  };
  const withItem = (value: unknown) =>
    JSON.stringify({ e: 'message', chat_id: chatId, seq: 7, sender_type: 'admin', item: value });

  it('maps the carried item like a row of the list query', () => {
    expect(parseChatEvent(withItem(item))).toMatchObject({ item: { ...item, last_message_at: '2026-03-01T09:20:30.123Z' } });
  });

  it('drops an item that is not the chat right after this message', () => {
    for (const wrong of [{ ...item, last_seq: 8 }, { ...item, id: randomUUID() }, { ...item, last_message_sender: 'user' }, { ...item, unread: 'yes' }]) {
      expect(parseChatEvent(withItem(wrong))).toEqual({ e: 'message', chat_id: chatId, seq: 7, sender_type: 'admin' });
    }
  });
});
