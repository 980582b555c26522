// The connection's logic against a fake WebSocket and fake fetch: backoff, dedupe, outbox, states.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE as SERVER_CLOSE } from '../../../server/src/schemas/frames.js';
import {
  backoffDelay,
  ChatConnection,
  tokenSubject,
  type ChatConnectionOptions,
  type KeyValueStorage,
  type WebSocketLike,
} from './chat-connection.js';
import { CLOSE, type ClientFrame, type Message, type ServerFrame } from './protocol.js';

const CHAT = '00000000-0000-4000-8000-000000000001';

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: ClientFrame[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  /** Open, answer auth with ready, and answer the subscribe. */
  handshake() {
    this.open();
    this.receive({ type: 'ready', user: { sub: 'alice', role: 'user' }, chat_id: CHAT, expires_in: 3600 });
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1]!;

function message(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
    chat_id: CHAT,
    seq,
    client_id: `c${seq}`,
    content: `m${seq}`,
    sender_type: 'admin',
    sender_name: 'Agent',
    read_at: null,
    created_at: new Date(2025, 0, 1, 12, seq).toISOString(),
    ...extra,
  };
}

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

type FetchCall = { method: string; url: string; body: unknown };
function fakeFetch(routes: (call: FetchCall) => { status: number; body: unknown } | 'network') {
  const calls: FetchCall[] = [];
  const impl = vi.fn(async (url: string, init: RequestInit) => {
    const call = { method: String(init.method), url, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const result = routes(call);
    if (result === 'network') throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(result.body), { status: result.status });
  });
  return { calls, impl: impl as unknown as typeof fetch };
}

const jwt = (sub: string) => `h.${btoa(JSON.stringify({ sub })).replace(/=+$/, '')}.s`;
const emptyChat = { status: 200, body: { chat: { id: CHAT, archived: false, admin_viewed_at: null, last_seq: 0 }, messages: [], has_more: false } };

function make(options: Partial<ChatConnectionOptions> = {}, routes = (_c: FetchCall) => emptyChat as { status: number; body: unknown } | 'network') {
  const http = fakeFetch(routes);
  const connection = new ChatConnection({
    server: 'https://chat.test',
    token: jwt('alice'),
    autoSubscribe: true,
    WebSocket: FakeSocket,
    fetch: http.impl,
    random: () => 0.5,
    ...options,
  });
  return { connection, http };
}

/** Lets the REST load before `subscribe` and other promise chains settle. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
};

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('backoff', () => {
  it('grows exponentially from 0.5 s and is capped at 30 s, with full jitter', () => {
    expect(backoffDelay(0, () => 0.999)).toBe(499);
    expect(backoffDelay(1, () => 0.999)).toBe(999);
    expect(backoffDelay(5, () => 0.999)).toBe(15_984);
    expect(backoffDelay(6, () => 0.999)).toBe(29_970);
    expect(backoffDelay(60, () => 0.999)).toBe(29_970);
    expect(backoffDelay(4, () => 0)).toBe(0);
  });

  it('reconnects after a jittered delay that grows with each failure and resets on ready', async () => {
    const { connection } = make();
    connection.start();
    latest().drop();
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(249); // 0.5 × 500
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    latest().drop();
    await vi.advanceTimersByTimeAsync(499); // 0.5 × 1000
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(3);
    latest().handshake();
    await settle();
    latest().drop();
    await vi.advanceTimersByTimeAsync(250);
    expect(FakeSocket.all).toHaveLength(4);
    connection.stop();
  });

  it('reconnects within half a second on close 1012 and at once on `online`', async () => {
    const environment = new EventTarget();
    const { connection } = make({ random: () => 0.99, environment });
    connection.start();
    latest().handshake();
    await settle();
    for (let i = 0; i < 5; i++) {
      latest().drop();
      await vi.advanceTimersByTimeAsync(40_000);
    }
    const before = FakeSocket.all.length;
    latest().drop(CLOSE.RESTART, 'restart');
    await vi.advanceTimersByTimeAsync(495);
    expect(FakeSocket.all.length).toBe(before + 1);
    latest().drop();
    await vi.advanceTimersByTimeAsync(10);
    const waiting = FakeSocket.all.length;
    environment.dispatchEvent(new Event('online'));
    expect(FakeSocket.all.length).toBe(waiting + 1);
    connection.stop();
  });
});

describe('protocol', () => {
  it('sends the token in the auth frame, never in the URL', () => {
    const { connection } = make();
    connection.start();
    latest().open();
    expect(latest().url).toBe('wss://chat.test/ws');
    expect(latest().sent[0]).toEqual({ type: 'auth', token: jwt('alice') });
    connection.stop();
  });

  it('loads the newest page over REST, then subscribes after the highest seq it holds', async () => {
    const { connection, http } = make({}, () => ({
      status: 200,
      body: { chat: { id: CHAT, archived: false, admin_viewed_at: null, last_seq: 4 }, messages: [message(3), message(4)], has_more: true },
    }));
    connection.start();
    latest().handshake();
    await settle();
    expect(http.calls[0]!.url).toBe('https://chat.test/api/chat?limit=30');
    expect(latest().sent[1]).toEqual({ type: 'subscribe', channel: 'chat', chat_id: CHAT, after_seq: 4 });
    expect(connection.hasMore()).toBe(true);
    latest().receive({ type: 'new_message', chat_id: CHAT, message: message(5) });
    latest().drop();
    await vi.advanceTimersByTimeAsync(1000);
    latest().handshake();
    await settle();
    expect(latest().sent[1]).toEqual({ type: 'subscribe', channel: 'chat', chat_id: CHAT, after_seq: 5 });
    connection.stop();
  });

  it('keeps CLOSE equal to the server', () => {
    expect(CLOSE).toEqual(SERVER_CLOSE);
  });
});

describe('dedupe', () => {
  it('stores each message once, by id and by seq, in seq order', async () => {
    const { connection } = make();
    const seen: number[] = [];
    connection.on('message', ({ message: m }) => seen.push(m.seq));
    connection.start();
    latest().handshake();
    await settle();
    const s = latest();
    s.receive({ type: 'new_message', chat_id: CHAT, message: message(2) });
    s.receive({ type: 'new_message', chat_id: CHAT, message: message(1) });
    s.receive({ type: 'new_message', chat_id: CHAT, message: message(2) });
    s.receive({ type: 'new_message', chat_id: CHAT, message: { ...message(2), id: '00000000-0000-4000-9000-00000000ffff' } });
    s.receive({ type: 'ack', client_id: 'c3', message: message(3, { sender_type: 'user' }) });
    s.receive({ type: 'new_message', chat_id: CHAT, message: message(3, { sender_type: 'user' }) });
    expect(connection.messages().map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(seen).toEqual([2, 1, 3]);
    connection.stop();
  });
});

describe('catch-up', () => {
  it('resumes after the last unbroken seq when an ack overtook an earlier message', async () => {
    const { connection } = make();
    connection.start();
    latest().handshake();
    await settle();
    latest().receive({ type: 'new_message', chat_id: CHAT, message: message(1) });
    latest().receive({ type: 'ack', client_id: 'c3', message: message(3, { sender_type: 'user' }) });
    expect(connection.caughtUpSeq(CHAT)).toBe(1);
    latest().drop();
    await vi.advanceTimersByTimeAsync(1000);
    latest().handshake();
    await settle();
    expect(latest().sent[1]).toEqual({ type: 'subscribe', channel: 'chat', chat_id: CHAT, after_seq: 1 });
    latest().receive({ type: 'new_message', chat_id: CHAT, message: message(2) });
    latest().receive({ type: 'new_message', chat_id: CHAT, message: message(3, { sender_type: 'user' }) });
    expect(connection.messages().map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(connection.caughtUpSeq(CHAT)).toBe(3);
    connection.stop();
  });
});

describe('outbox', () => {
  it('is pending at once, sent over the socket, and leaves the outbox on ack', async () => {
    const storage = memoryStorage();
    const { connection } = make({ storage });
    connection.start();
    latest().handshake();
    await settle();
    latest().receive({ type: 'subscribed', channel: 'chat', chat_id: CHAT, last_seq: 0 });
    const entry = connection.send('hello');
    expect(connection.outbox()).toEqual([expect.objectContaining({ status: 'pending', content: 'hello' })]);
    expect([...storage.data.values()][0]).toContain(entry.client_id);
    expect(latest().sent.at(-1)).toEqual({ type: 'send_message', chat_id: CHAT, client_id: entry.client_id, content: 'hello' });
    latest().receive({ type: 'ack', client_id: entry.client_id, message: message(1, { client_id: entry.client_id, sender_type: 'user' }) });
    expect(connection.outbox()).toEqual([]);
    expect(storage.data.size).toBe(0);
    connection.stop();
  });

  it('survives a restart and resends with the same client_id after reconnect', async () => {
    const storage = memoryStorage();
    const first = make({ storage });
    first.connection.start();
    const entry = first.connection.send('typed while offline');
    first.connection.stop();

    const second = make({ storage });
    expect(second.connection.outbox()).toEqual([expect.objectContaining({ client_id: entry.client_id, chat_id: null })]);
    second.connection.start();
    latest().handshake();
    await settle();
    latest().receive({ type: 'subscribed', channel: 'chat', chat_id: CHAT, last_seq: 0 });
    await settle();
    expect(latest().sent.filter((f) => f.type === 'send_message')).toEqual([
      { type: 'send_message', chat_id: CHAT, client_id: entry.client_id, content: 'typed while offline' },
    ]);
    second.connection.stop();
  });

  it('scopes the stored outbox to the token subject', () => {
    const storage = memoryStorage();
    const alice = make({ storage });
    alice.connection.send('from alice', CHAT);
    const bob = make({ storage, token: jwt('bob') });
    expect(bob.connection.outbox()).toEqual([]);
    expect(tokenSubject(jwt('bob'))).toBe('bob');
  });

  it('marks an entry failed on an error frame with its client_id, and retries with the same id', async () => {
    const { connection } = make();
    connection.start();
    latest().handshake();
    await settle();
    latest().receive({ type: 'subscribed', channel: 'chat', chat_id: CHAT, last_seq: 0 });
    const entry = connection.send('x'.repeat(10));
    latest().receive({ type: 'error', code: 'rate_limited', message: 'slow down', client_id: entry.client_id });
    expect(connection.outbox()[0]).toMatchObject({ status: 'failed', error: 'rate_limited' });
    connection.retry(entry.client_id);
    expect(connection.outbox()[0]!.status).toBe('pending');
    const sends = latest().sent.filter((f) => f.type === 'send_message');
    expect(sends.map((f) => (f as { client_id: string }).client_id)).toEqual([entry.client_id, entry.client_id]);
    connection.stop();
  });
});

describe('state machine and polling fallback', () => {
  it('goes connecting → connected → reconnecting, polls every 5 s and sends through REST', async () => {
    const posted: unknown[] = [];
    const { connection, http } = make({}, (call) => {
      if (call.method === 'POST') {
        posted.push(call.body);
        return { status: 201, body: message(7, { sender_type: 'user', client_id: (call.body as { client_id: string }).client_id }) };
      }
      if (call.url.includes('after_seq')) return { status: 200, body: { messages: [message(6)], has_more: false } };
      return emptyChat;
    });
    const states: string[] = [];
    connection.on('state', (s) => states.push(s));
    connection.start();
    expect(connection.state).toBe('connecting');
    latest().handshake();
    await settle();
    latest().receive({ type: 'subscribed', channel: 'chat', chat_id: CHAT, last_seq: 0 });
    expect(connection.state).toBe('connected');
    latest().drop();
    expect(connection.state).toBe('reconnecting');
    const sockets = FakeSocket.all.length;
    // Keep the socket failing; REST carries the chat.
    const failNew = setInterval(() => latest().readyState === 0 && latest().drop(), 10);
    await vi.advanceTimersByTimeAsync(5000);
    clearInterval(failNew);
    expect(FakeSocket.all.length).toBeGreaterThan(sockets);
    expect(http.calls.some((c) => c.url.endsWith('/api/chat/messages?after_seq=0&limit=100'))).toBe(true);
    expect(connection.messages().map((m) => m.seq)).toEqual([6]);
    const entry = connection.send('via rest');
    await settle();
    expect(posted).toEqual([{ client_id: entry.client_id, content: 'via rest' }]);
    expect(connection.outbox()).toEqual([]);
    expect(states.slice(0, 2)).toEqual(['connected', 'reconnecting']);
    connection.stop();
  });

  it('says offline when neither the socket nor REST reaches the server', async () => {
    const { connection } = make({}, () => 'network');
    connection.start();
    latest().drop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(connection.state).toBe('offline');
    connection.stop();
  });

  it('asks for a new token on close 4001 and reconnects with it', async () => {
    const { connection } = make();
    const reasons: string[] = [];
    connection.on('token-expired', ({ reason }) => reasons.push(reason));
    connection.start();
    latest().handshake();
    await settle();
    latest().drop(CLOSE.UNAUTHORIZED, 'token_expired');
    expect(reasons).toEqual(['token_expired']);
    await vi.advanceTimersByTimeAsync(60_000);
    const count = FakeSocket.all.length;
    connection.setToken(jwt('alice') + 'x');
    expect(FakeSocket.all.length).toBe(count + 1);
    latest().open();
    expect(latest().sent[0]).toEqual({ type: 'auth', token: jwt('alice') + 'x' });
    connection.stop();
  });
});
