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
