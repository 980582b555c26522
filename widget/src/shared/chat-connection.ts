/**
 * ChatConnection: the one real-time link to a support-chat server, framework-free, shared by
 * `<support-chat>` and `<support-admin>` (Lit elements use ChatConnectionController around it).
 *
 * It keeps every message exactly once and in seq order, whatever the network does:
 * - WebSocket to `${server}/ws`; the token goes in the first frame (`auth`), never in the URL.
 * - Subscriptions (`subscribe({channel:'chat', chat_id})`, `subscribe({channel:'admin'})`) are
 *   re-sent on every reconnect, chat channels with `after_seq` = the highest seq held.
 * - Full-jitter exponential backoff 0.5 s → 30 s; reconnects at once on `online`, page visible and
 *   close 1012 (server restart). Close 4001 asks the host for a token (`token-expired`).
 * - While the socket is down the leader polls `GET messages?after_seq=` every 5 s and sends
 *   through REST; the outbox (pending / failed, same `client_id` on every resend) is persisted in
 *   an injectable storage (localStorage in the widget) and flushed on every (re)connect.
 * - `tabs: 'name'`: one tab holds the socket (Web Locks leader), the others mirror its frames over
 *   a BroadcastChannel and route their sends through it; `isLeader` tells which tab is which.
 *
 * Public API
 *   new ChatConnection(options)        see ChatConnectionOptions
 *   start() / stop()                   open / close everything (idempotent)
 *   setToken(token)                    re-authenticates (reconnects with the new token)
 *   subscribe(sub) / unsubscribe(sub)  channels; the user widget sets `autoSubscribe` instead
 *   state, user, chatId, isLeader      current facts
 *   messages(chatId), hasMore(chatId)  the store (sorted by seq, deduped by id and seq)
 *   seed(chatId, page)                 add REST-loaded messages (admin: a conversation's history)
 *   loadLatest(), loadOlder(chatId)    REST history: newest page / the page before the oldest held
 *   send(content, chatId?)             optimistic send, returns the OutboxEntry
 *   retry(clientId), discard(clientId) act on a failed entry
 *   outbox(chatId?)                    entries not yet acknowledged
 *   markRead(chatId, upToSeq), typing(chatId, on)
 *   markViewed(chatId), forget(chatId) admin: record a view; drop an unfollowed chat's messages
 *   deleteConversation()               user: erase the chat on the server and start over
 *   on(event, listener) → off()        events: state, ready, message, messages, outbox, frame,
 *                                      token-expired, error (see ChatConnectionEvents)
 */
import { ApiError, createApiClient, type ApiClient } from './api-client.js';
import {
  CLOSE,
  type ClientFrame,
  type Message,
  type MessagePage,
  type ServerFrame,
  type ServerFrameOf,
  type UserChatResponse,
} from './protocol.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';
export type OutboxStatus = 'pending' | 'failed';
export type Subscription = { channel: 'chat'; chat_id: string } | { channel: 'admin' };

export interface OutboxEntry {
  client_id: string;
  /** null until the server told us the caller's own chat (sends before `ready`). */
  chat_id: string | null;
  content: string;
  created_at: string;
  status: OutboxStatus;
  /** Error code of the last failure, when status is `failed`. */
  error?: string;
}

export interface ReadyInfo {
  user: { sub: string; role: 'user' | 'admin' };
  chat_id: string | null;
  expires_in: number;
}

export interface ChatConnectionEvents {
  state: ConnectionState;
  ready: ReadyInfo;
  /** One newly stored message. `live`: it arrived in real time, not from a history load. */
  message: { chat_id: string; message: Message; live: boolean };
  /** The store of a chat changed (new messages, read receipts, older page). */
  messages: { chat_id: string };
  outbox: readonly OutboxEntry[];
  /** Every server frame, after the connection applied it (also mirrored to follower tabs). */
  frame: ServerFrame;
  /** Chat-level facts: when an admin last viewed it (the widget's "Seen"). */
  chat: { chat_id: string; admin_viewed_at: string | null };
  /** The server refused the token; call setToken() with a fresh one. */
  'token-expired': { reason: string };
  error: ServerFrameOf<'error'>;
}

/** The subset of the Storage interface the outbox needs. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

/** REST paths for the polling fallback and history; the defaults are the user API. */
export interface RestPaths {
  messages(chatId: string, query: string): string;
  send(chatId: string): string;
  read(chatId: string): string | null;
}

const USER_PATHS: RestPaths = {
  messages: (_chatId, query) => `/api/chat/messages?${query}`,
  send: () => '/api/chat/messages',
  read: () => '/api/chat/read',
};

export interface ChatConnectionOptions {
  /** Base URL of the server, e.g. `https://chat.example.com`. */
  server: string;
  token?: string | null;
  /** Subscribe to the caller's own chat (from `ready.chat_id`) and load its newest page. */
  autoSubscribe?: boolean;
  rest?: RestPaths;
  /** Where the outbox survives reloads; null keeps it in memory only. */
  storage?: KeyValueStorage | null;
  storagePrefix?: string;
  /** Web Locks + BroadcastChannel name for one socket per browser; omit for one per instance. */
  tabs?: string;
  WebSocket?: WebSocketFactory;
  fetch?: typeof fetch;
  random?: () => number;
  pollInterval?: number;
  backoffBase?: number;
  backoffMax?: number;
  /** Where `online` / `offline` fire (window in a browser). */
  environment?: EventTarget;
  /** Page size for history loads. */
  pageSize?: number;
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base·2^attempt)). */
export function backoffDelay(attempt: number, random: () => number, base = 500, max = 30_000): number {
  return Math.floor(random() * Math.min(max, base * 2 ** Math.min(attempt, 16)));
}

/** The `sub` claim of a JWT, read without verifying (only to scope local storage per user). */
export function tokenSubject(token: string | null | undefined): string | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

export function newClientId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

interface ChatStore {
  messages: Message[];
  ids: Set<string>;
  seqs: Set<number>;
  hasMore: boolean;
}

type TabMessage =
  | { t: 'frame'; f: ServerFrame; live: boolean }
  | { t: 'state'; s: ConnectionState; ready: ReadyInfo | null }
  | { t: 'hello' }
  | { t: 'out'; f: ClientFrame };

type Listener<T> = (value: T) => void;
const OPEN = 1;

export class ChatConnection {
  state: ConnectionState = 'connecting';
  ready: ReadyInfo | null = null;
  isLeader = false;

  readonly #opts: Required<Omit<ChatConnectionOptions, 'token' | 'storage' | 'tabs'>> &
    Pick<ChatConnectionOptions, 'tabs'>;
  readonly #storage: KeyValueStorage | null;
  /** REST with the current token, for calls beyond the connection's own (contact details...). */
  readonly api: ApiClient;
  #token: string | null;
  #socket: WebSocketLike | null = null;
  #authed = false;
  #everConnected = false;
  #attempt = 0;
  #running = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #restUnreachable = false;
  #waitingForToken = false;
  readonly #stores = new Map<string, ChatStore>();
  readonly #subs = new Map<string, Subscription>();
  #entries: OutboxEntry[] = [];
  readonly #listeners = new Map<keyof ChatConnectionEvents, Set<Listener<any>>>();
  #channel: BroadcastChannel | null = null;
  #releaseLock: (() => void) | null = null;
  #lockAbort: AbortController | null = null;
  readonly #detach: Array<() => void> = [];

  constructor(options: ChatConnectionOptions) {
    this.#opts = {
      autoSubscribe: false,
      rest: USER_PATHS,
      storagePrefix: 'support-chat:outbox',
      WebSocket: globalThis.WebSocket as unknown as WebSocketFactory,
      fetch: (...args) => fetch(...args),
      random: Math.random,
      pollInterval: 5000,
      backoffBase: 500,
      backoffMax: 30_000,
      pageSize: 30,
      environment: globalThis as unknown as EventTarget,
      ...options,
      server: options.server.replace(/\/+$/, ''),
    };
    this.#storage = options.storage ?? null;
    this.#token = options.token ?? null;
    this.api = createApiClient(this.#opts.server, () => this.#token, this.#opts.fetch);
    this.#entries = this.#readOutbox().map((e) => ({ ...e }));
  }

  // ---- events ----

  on<K extends keyof ChatConnectionEvents>(type: K, listener: Listener<ChatConnectionEvents[K]>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  #emit<K extends keyof ChatConnectionEvents>(type: K, value: ChatConnectionEvents[K]): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(value);
  }

  // ---- lifecycle ----

  get chatId(): string | null {
    return this.ready?.chat_id ?? null;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const listen = (target: EventTarget | undefined, type: string, fn: () => void) => {
      if (!target?.addEventListener) return;
      target.addEventListener(type, fn);
      this.#detach.push(() => target.removeEventListener(type, fn));
    };
    const doc = globalThis.document as Document | undefined;
    listen(this.#opts.environment, 'online', () => this.#reconnectNow());
    listen(this.#opts.environment, 'offline', () => this.#setState('offline'));
    listen(doc ?? this.#opts.environment, 'visibilitychange', () => {
      if (!doc || doc.visibilityState === 'visible') this.#reconnectNow();
    });
    const tabs = this.#opts.tabs;
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (tabs && locks && typeof BroadcastChannel !== 'undefined') {
      // One leader per user: tabs signed in as someone else have their own socket.
      const name = `${tabs}:${tokenSubject(this.#token) ?? 'anonymous'}`;
      this.#channel = new BroadcastChannel(name);
      this.#channel.onmessage = (event: MessageEvent<TabMessage>) => this.#onTabMessage(event.data);
      this.#channel.postMessage({ t: 'hello' } satisfies TabMessage);
      this.#lockAbort = new AbortController();
      locks
        .request(`${name}:leader`, { signal: this.#lockAbort.signal }, () => {
          if (!this.#running) return undefined;
          return new Promise<void>((release) => {
            this.#releaseLock = release;
            this.#becomeLeader();
          });
        })
        .catch(() => {});
      if (this.#token) void this.#loadLatestIfEmpty();
    } else {
      this.#becomeLeader();
    }
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.isLeader = false;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#pollTimer);
    this.#closeSocket();
    this.#lockAbort?.abort();
    this.#lockAbort = null;
    this.#releaseLock?.();
    this.#releaseLock = null;
    this.#channel?.close();
    this.#channel = null;
    for (const off of this.#detach.splice(0)) off();
  }

  /** A new token re-authenticates: the socket reconnects and the outbox is flushed again. */
  setToken(token: string | null): void {
    if (token === this.#token) return;
    const scopeChanged = tokenSubject(token) !== tokenSubject(this.#token);
    // Messages written before there was any identity (a visitor's first send) belong to the new one.
    const carried = this.#token ? [] : this.#entries;
    if (carried.length) this.#persist(() => []);
    this.#token = token;
    this.#waitingForToken = false;
    if (scopeChanged) {
      this.#stores.clear();
      this.ready = null;
      const stored = this.#readOutbox();
      const fresh = carried.filter((e) => !stored.some((s) => s.client_id === e.client_id));
      if (fresh.length) this.#persist((list) => [...list, ...fresh]);
      this.#entries = [...stored, ...fresh];
      this.#emit('outbox', this.#entries);
    }
    if (!this.#running) return;
    if (scopeChanged && this.#opts.tabs) {
      this.stop();
      this.start();
    } else if (this.isLeader) {
      this.#closeSocket();
      this.#attempt = 0;
      this.#connect();
    } else if (scopeChanged) {
      void this.#loadLatestIfEmpty();
    }
  }

  #becomeLeader(): void {
    if (!this.#running) return;
    this.isLeader = true;
    this.#connect();
  }

  #setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.#emit('state', state);
    if (this.isLeader) this.#broadcast({ t: 'state', s: state, ready: this.ready });
  }

  #offlineNow(): boolean {
    const nav = globalThis.navigator as Navigator | undefined;
    return nav?.onLine === false;
  }

  #reconnectNow(): void {
    if (!this.#running || !this.isLeader || this.#waitingForToken) return;
    if (this.#socket && this.#authed) return;
    clearTimeout(this.#reconnectTimer);
    this.#attempt = 0;
    this.#closeSocket();
    this.#connect();
  }

  // ---- socket ----

  #connect(): void {
    if (!this.#running || !this.isLeader) return;
    if (!this.#token) {
      this.#setState(this.#offlineNow() ? 'offline' : this.#everConnected ? 'reconnecting' : 'connecting');
      return;
    }
    const url = `${this.#opts.server.replace(/^http/, 'ws')}/ws`;
    let socket: WebSocketLike;
    try {
      socket = new this.#opts.WebSocket(url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    this.#authed = false;
    if (this.state !== 'offline') this.#setState(this.#everConnected ? 'reconnecting' : 'connecting');
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#rawSend({ type: 'auth', token: this.#token ?? '' });
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket || typeof event.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return;
      }
      this.#onSocketFrame(frame);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#authed = false;
      this.#onSocketClosed(event.code, event.reason);
    };
  }

  #closeSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#authed = false;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000);
      } catch {
        // already closed
      }
    }
  }

  #onSocketClosed(code: number, reason: string): void {
    if (!this.#running) return;
    if (code === CLOSE.UNAUTHORIZED) {
      this.#waitingForToken = true;
      this.#setState(this.#everConnected ? 'reconnecting' : 'connecting');
      this.#emit('token-expired', { reason: reason || 'unauthorized' });
      return;
    }
    if (code === CLOSE.RESTART) {
      // Every client of the restarting instance reconnects now: spread them over half a second.
      this.#scheduleReconnect(Math.floor(this.#opts.random() * 500));
    } else {
      this.#scheduleReconnect();
    }
    this.#setState(this.#offlineNow() ? 'offline' : this.#everConnected ? 'reconnecting' : 'connecting');
    this.#startPolling();
  }

  #scheduleReconnect(delay?: number): void {
    clearTimeout(this.#reconnectTimer);
    const wait = delay ?? backoffDelay(this.#attempt, this.#opts.random, this.#opts.backoffBase, this.#opts.backoffMax);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => this.#connect(), wait);
  }

  #rawSend(frame: ClientFrame): boolean {
    if (!this.#socket || this.#socket.readyState !== OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  #onSocketFrame(frame: ServerFrame): void {
    if (frame.type === 'ready') {
      this.#authed = true;
      this.#everConnected = true;
      this.#attempt = 0;
      this.#restUnreachable = false;
      this.ready = { user: frame.user, chat_id: frame.chat_id, expires_in: frame.expires_in };
      this.#adoptOwnChat();
      this.#emit('ready', this.ready);
      this.#broadcast({ t: 'state', s: this.state, ready: this.ready });
      const own = frame.chat_id;
      if (this.#opts.autoSubscribe && own) {
        this.#subs.set(`chat:${own}`, { channel: 'chat', chat_id: own });
        // The newest page over REST first, so a long chat is not replayed whole over the socket.
        const socket = this.#socket;
        void this.#loadLatestIfEmpty().then(() => {
          if (this.#socket === socket && this.#authed) for (const sub of this.#subs.values()) this.#sendSubscribe(sub);
        });
        return;
      }
      if (this.#subs.size === 0) this.#onLive();
      for (const sub of this.#subs.values()) this.#sendSubscribe(sub);
      return;
    }
    if (frame.type === 'subscribed') {
      this.#onLive();
    }
    this.#applyFrame(frame, true);
    this.#broadcast({ t: 'frame', f: frame, live: true });
  }

  /** Socket authenticated and caught up: stop polling, flush the outbox. */
  #onLive(): void {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
    this.#setState('connected');
    this.#flushOutbox();
  }

  #sendSubscribe(sub: Subscription): void {
    if (sub.channel === 'chat') {
      this.#rawSend({ type: 'subscribe', channel: 'chat', chat_id: sub.chat_id, after_seq: this.caughtUpSeq(sub.chat_id) });
    } else {
      this.#rawSend({ type: 'subscribe', channel: 'admin' });
    }
  }

  subscribe(sub: Subscription): void {
    const key = sub.channel === 'chat' ? `chat:${sub.chat_id}` : 'admin';
    if (this.#subs.has(key)) return;
    this.#subs.set(key, sub);
    if (this.#authed) this.#sendSubscribe(sub);
  }

  unsubscribe(sub: Subscription): void {
    const key = sub.channel === 'chat' ? `chat:${sub.chat_id}` : 'admin';
    if (!this.#subs.delete(key)) return;
    if (this.#authed) this.#rawSend({ type: 'unsubscribe', channel: sub.channel, ...(sub.channel === 'chat' ? { chat_id: sub.chat_id } : {}) });
  }

  // ---- frames (from the socket, or mirrored from the leader tab) ----

  #applyFrame(frame: ServerFrame, live: boolean): void {
    switch (frame.type) {
      case 'new_message':
      case 'new_user_message':
        this.#store([frame.message], live);
        this.#resolveOutbox(frame.message);
        break;
      case 'ack':
        this.#store([frame.message], live);
        this.#resolveOutbox(frame.message, frame.client_id);
        break;
      case 'chat_updated':
        this.#emit('chat', { chat_id: frame.chat.id, admin_viewed_at: frame.chat.admin_viewed_at });
        break;
      case 'messages_read':
        this.#applyRead(frame.chat_id, frame.up_to_seq, frame.read_at);
        break;
      case 'error':
        if (frame.client_id) this.#failEntry(frame.client_id, frame.code);
        this.#emit('error', frame);
        break;
      default:
        break;
    }
    this.#emit('frame', frame);
  }

  #applyRead(chatId: string, upToSeq: number, readAt: string): void {
    const store = this.#stores.get(chatId);
    if (!store) return;
    let changed = false;
    for (const message of store.messages) {
      if (message.sender_type === 'admin' && message.seq <= upToSeq && !message.read_at) {
        message.read_at = readAt;
        changed = true;
      }
    }
    if (changed) this.#emit('messages', { chat_id: chatId });
  }

  // ---- message store ----

  #storeOf(chatId: string): ChatStore {
    let store = this.#stores.get(chatId);
    if (!store) this.#stores.set(chatId, (store = { messages: [], ids: new Set(), seqs: new Set(), hasMore: false }));
    return store;
  }

  /** Adds messages it does not hold yet (by id and by seq), keeping seq order. */
  #store(messages: readonly Message[], live: boolean): Message[] {
    const added: Message[] = [];
    for (const message of messages) {
      const store = this.#storeOf(message.chat_id);
      if (store.ids.has(message.id) || store.seqs.has(message.seq)) continue;
      store.ids.add(message.id);
      store.seqs.add(message.seq);
      const list = store.messages;
      let at = list.length;
      while (at > 0 && list[at - 1]!.seq > message.seq) at -= 1;
      list.splice(at, 0, { ...message });
      added.push(message);
    }
    const chats = new Set(added.map((m) => m.chat_id));
    for (const message of added) this.#emit('message', { chat_id: message.chat_id, message, live });
    for (const chatId of chats) this.#emit('messages', { chat_id: chatId });
    return added;
  }

  messages(chatId: string | null = this.chatId): readonly Message[] {
    return (chatId && this.#stores.get(chatId)?.messages) || [];
  }

  hasMore(chatId: string | null = this.chatId): boolean {
    return (chatId && this.#stores.get(chatId)?.hasMore) || false;
  }

  highestSeq(chatId: string): number {
    const list = this.#stores.get(chatId)?.messages;
    return list?.length ? list[list.length - 1]!.seq : 0;
  }

  /**
   * The `after_seq` for catch-up: the end of the unbroken run of seqs held. Seqs in a chat have no
   * gaps, so a hole (our ack overtook someone's message) means that message is still to come.
   */
  caughtUpSeq(chatId: string): number {
    const list = this.#stores.get(chatId)?.messages ?? [];
    let seq = list[0]?.seq ?? 0;
    for (const message of list) {
      if (message.seq > seq + 1) break;
      seq = message.seq;
    }
    return seq;
  }

  /**
   * The user's "Delete this conversation": the server erases the chat (`DELETE /api/chat`), then
   * everything held locally for it goes and the connection starts over on the new, empty chat.
   */
  async deleteConversation(): Promise<void> {
    await this.api.request('DELETE', '/api/chat', { confirm: true });
    this.#stores.clear();
    this.ready = null;
    this.#entries = [];
    this.#persist(() => []);
    this.#emit('outbox', this.#entries);
    if (this.#running) {
      this.stop();
      this.start();
    }
  }

  /**
   * Drops what is held for a chat that is not followed (admins: `new_user_message` frames store
   * single messages of every chat, which would leave gaps before the next opening's history).
   */
  forget(chatId: string): void {
    if (this.#subs.has(`chat:${chatId}`)) return;
    this.#stores.delete(chatId);
  }

  /** Adds a REST page (history) to the store; `has_more` is kept when the page is the oldest. */
  seed(chatId: string, page: MessagePage, older = true): void {
    const store = this.#storeOf(chatId);
    const oldestBefore = store.messages[0]?.seq ?? Infinity;
    this.#store(page.messages, false);
    if (older && (page.messages[0]?.seq ?? Infinity) <= oldestBefore) store.hasMore = page.has_more;
    this.#emit('messages', { chat_id: chatId });
  }

  /** The newest page of the caller's own chat (user API `GET /api/chat`), when nothing is held. */
  async loadLatest(): Promise<void> {
    const data = await this.api.request<UserChatResponse>('GET', `/api/chat?limit=${this.#opts.pageSize}`);
    const chatId = data.chat.id;
    if (!this.ready) this.ready = { user: { sub: tokenSubject(this.#token) ?? '', role: 'user' }, chat_id: chatId, expires_in: 0 };
    this.#adoptOwnChat();
    this.#emit('chat', { chat_id: chatId, admin_viewed_at: data.chat.admin_viewed_at });
    this.seed(chatId, data, true);
  }

  async #loadLatestIfEmpty(): Promise<void> {
    if (this.chatId && this.messages().length) return;
    try {
      await this.loadLatest();
    } catch {
      // the leader's frames and the next poll fill the view
    }
  }

  /** Loads the page before the oldest held message; resolves to how many were added. */
  async loadOlder(chatId: string | null = this.chatId): Promise<number> {
    if (!chatId) return 0;
    const store = this.#storeOf(chatId);
    const oldest = store.messages[0]?.seq;
    const query = `${oldest ? `before_seq=${oldest}&` : ''}limit=${this.#opts.pageSize}`;
    const page = await this.api.request<MessagePage>('GET', this.#opts.rest.messages(chatId, query));
    const before = store.messages.length;
    this.seed(chatId, page, true);
    return store.messages.length - before;
  }

  // ---- polling fallback ----

  #startPolling(): void {
    if (this.#pollTimer !== undefined || !this.isLeader) return;
    const tick = async () => {
      if (!this.#running || !this.isLeader || this.#authed) {
        this.#pollTimer = undefined;
        return;
      }
      await this.pollOnce();
      if (this.#running && this.isLeader && !this.#authed) this.#pollTimer = setTimeout(tick, this.#opts.pollInterval);
      else this.#pollTimer = undefined;
    };
    this.#pollTimer = setTimeout(tick, this.#opts.pollInterval);
  }

  /** One REST round while the socket is down: new messages for every chat channel, then the outbox. */
  async pollOnce(): Promise<void> {
    if (!this.#token) return;
    try {
      if (this.#opts.autoSubscribe && !this.chatId) await this.loadLatest();
      const chats = [...this.#subs.values()].flatMap((s) => (s.channel === 'chat' ? [s.chat_id] : []));
      if (this.#opts.autoSubscribe && this.chatId && !chats.includes(this.chatId)) chats.push(this.chatId);
      for (const chatId of chats) {
        let after = this.caughtUpSeq(chatId);
        let more = true;
        while (more) {
          const query = `after_seq=${after}&limit=100`;
          const page = await this.api.request<MessagePage>('GET', this.#opts.rest.messages(chatId, query));
          for (const message of this.#store(page.messages, true)) this.#broadcastMessage(message);
          after = page.messages[page.messages.length - 1]?.seq ?? after;
          more = page.has_more && page.messages.length > 0;
        }
      }
      if (this.#restUnreachable) {
        // The server answers again: try the socket now rather than at the end of a long backoff.
        this.#restUnreachable = false;
        this.#reconnectNow();
      }
      if (!this.#authed && !this.#offlineNow()) this.#setState(this.#everConnected ? 'reconnecting' : 'connecting');
      await this.#flushOutbox();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        this.#waitingForToken = true;
        this.#emit('token-expired', { reason: err.code });
      } else if (err instanceof ApiError && err.status === 0) {
        this.#restUnreachable = true;
        // Neither the socket nor REST reaches the server: say so.
        if (!this.#authed) this.#setState('offline');
      }
    }
  }

  /** Hands a REST-learned message to follower tabs as the frame the socket would have sent. */
  #broadcastMessage(message: Message): void {
    this.#broadcast({ t: 'frame', f: { type: 'new_message', chat_id: message.chat_id, message }, live: true });
  }

  // ---- outbox ----

  #outboxKey(): string {
    return `${this.#opts.storagePrefix}:${this.#opts.server}:${tokenSubject(this.#token) ?? 'anonymous'}`;
  }

  #readOutbox(): OutboxEntry[] {
    try {
      const raw = this.#storage?.getItem(this.#outboxKey());
      const list = raw ? (JSON.parse(raw) as OutboxEntry[]) : [];
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  /** Read-modify-write on every change, so tabs writing the same key do not drop each other's entries. */
  #persist(change: (list: OutboxEntry[]) => OutboxEntry[]): void {
    if (!this.#storage) return;
    try {
      const next = change(this.#readOutbox());
      if (next.length) this.#storage.setItem(this.#outboxKey(), JSON.stringify(next));
      else this.#storage.removeItem(this.#outboxKey());
    } catch {
      // storage full or blocked: the outbox still works in memory
    }
  }

  outbox(chatId?: string | null): readonly OutboxEntry[] {
    if (chatId === undefined) return this.#entries;
    return this.#entries.filter((e) => e.chat_id === chatId || e.chat_id === null);
  }

  #setEntries(entries: OutboxEntry[]): void {
    this.#entries = entries;
    this.#emit('outbox', entries);
  }

  /** Optimistic send: the entry is pending at once and stays in the outbox until acknowledged. */
  send(content: string, chatId: string | null = this.chatId): OutboxEntry {
    const entry: OutboxEntry = {
      client_id: newClientId(),
      chat_id: chatId,
      content,
      created_at: new Date().toISOString(),
      status: 'pending',
    };
    this.#persist((list) => [...list, entry]);
    this.#setEntries([...this.#entries, entry]);
    this.#dispatchEntry(entry);
    return entry;
  }

  retry(clientId: string): void {
    const entry = this.#entries.find((e) => e.client_id === clientId);
    if (!entry) return;
    const next: OutboxEntry = { client_id: entry.client_id, chat_id: entry.chat_id, content: entry.content, created_at: entry.created_at, status: 'pending' };
    this.#replaceEntry(next);
    this.#dispatchEntry(next);
  }

  discard(clientId: string): void {
    this.#persist((list) => list.filter((e) => e.client_id !== clientId));
    this.#setEntries(this.#entries.filter((e) => e.client_id !== clientId));
  }

  #replaceEntry(entry: OutboxEntry): void {
    this.#persist((list) => list.map((e) => (e.client_id === entry.client_id ? entry : e)));
    this.#setEntries(this.#entries.map((e) => (e.client_id === entry.client_id ? entry : e)));
  }

  #failEntry(clientId: string, code: string): void {
    const entry = this.#entries.find((e) => e.client_id === clientId);
    if (entry) this.#replaceEntry({ ...entry, status: 'failed', error: code });
  }

  /** The message is stored: its entry leaves the outbox here, and in storage for other tabs' entries. */
  #resolveOutbox(message: Message, clientId = message.client_id): void {
    if (this.#entries.some((e) => e.client_id === clientId)) this.discard(clientId);
    else if (this.#storage?.getItem(this.#outboxKey())) this.#persist((list) => list.filter((e) => e.client_id !== clientId));
  }

  /** Entries created before `ready` get the caller's own chat. */
  #adoptOwnChat(): void {
    const own = this.chatId;
    if (!own || !this.#entries.some((e) => e.chat_id === null)) return;
    this.#persist((list) => list.map((e) => (e.chat_id === null ? { ...e, chat_id: own } : e)));
    this.#setEntries(this.#entries.map((e) => (e.chat_id === null ? { ...e, chat_id: own } : e)));
  }

  #dispatchEntry(entry: OutboxEntry): void {
    if (!entry.chat_id) return; // sent on `ready`
    const frame: ClientFrame = { type: 'send_message', chat_id: entry.chat_id, client_id: entry.client_id, content: entry.content };
    if (this.isLeader) void this.#deliver(frame);
    else this.#broadcast({ t: 'out', f: frame });
  }

  /** Leader: through the socket when live, else REST (which is idempotent by client_id too). */
  async #deliver(frame: ClientFrame): Promise<void> {
    if (this.#authed && this.#rawSend(frame)) return;
    if (!this.#token) return;
    try {
      if (frame.type === 'send_message') {
        const message = await this.api.request<Message>('POST', this.#opts.rest.send(frame.chat_id), {
          client_id: frame.client_id,
          content: frame.content,
        });
        const ack: ServerFrame = { type: 'ack', client_id: frame.client_id, message };
        this.#applyFrame(ack, true);
        this.#broadcast({ t: 'frame', f: ack, live: true });
      } else if (frame.type === 'mark_read') {
        const path = this.#opts.rest.read(frame.chat_id);
        if (!path) return;
        const result = await this.api.request<{ read_at: string | null }>('POST', path, { up_to_seq: frame.up_to_seq });
        const read: ServerFrame = {
          type: 'messages_read',
          chat_id: frame.chat_id,
          up_to_seq: frame.up_to_seq,
          read_at: result.read_at ?? new Date().toISOString(),
        };
        this.#applyFrame(read, true);
        this.#broadcast({ t: 'frame', f: read, live: true });
      }
    } catch (err) {
      if (frame.type !== 'send_message') return;
      // A 4xx other than auth / rate limits will not get better by resending: show it failed.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429) {
        this.#failEntry(frame.client_id, err.code);
        this.#broadcast({ t: 'frame', f: { type: 'error', code: err.code, message: err.message, client_id: frame.client_id }, live: true });
      }
      // Otherwise it stays pending and goes out on the next poll or reconnect.
    }
  }

  #flushOutbox(): Promise<void> {
    if (!this.isLeader) return Promise.resolve();
    // Other tabs may have queued entries in the shared storage.
    const known = new Set(this.#entries.map((e) => e.client_id));
    const foreign = this.#readOutbox().filter((e) => !known.has(e.client_id));
    const pending = [...this.#entries.filter((e) => e.status === 'pending'), ...foreign.filter((e) => e.status === 'pending')];
    const own = this.chatId;
    return Promise.all(
      pending.map((e) => {
        const chatId = e.chat_id ?? own;
        if (!chatId) return undefined;
        return this.#deliver({ type: 'send_message', chat_id: chatId, client_id: e.client_id, content: e.content });
      }),
    ).then(() => undefined);
  }

  // ---- read receipts and typing ----

  markRead(chatId: string | null = this.chatId, upToSeq = chatId ? this.highestSeq(chatId) : 0): void {
    if (!chatId || upToSeq < 1) return;
    // Optimistic and shared: every tab's badge clears at once; the server's messages_read confirms it.
    const read: ServerFrame = { type: 'messages_read', chat_id: chatId, up_to_seq: upToSeq, read_at: new Date().toISOString() };
    this.#applyRead(chatId, upToSeq, read.read_at);
    this.#broadcast({ t: 'frame', f: read, live: true });
    this.#outgoing({ type: 'mark_read', chat_id: chatId, up_to_seq: upToSeq });
  }

  /**
   * Admins: records that a chat was viewed (the `mark_read` frame), without markRead's optimistic
   * receipts, which are the user's reading of admin replies.
   */
  markViewed(chatId: string, upToSeq = this.highestSeq(chatId)): void {
    if (upToSeq >= 1) this.#outgoing({ type: 'mark_read', chat_id: chatId, up_to_seq: upToSeq });
  }

  typing(chatId: string | null, typing: boolean): void {
    if (chatId) this.#outgoing({ type: 'typing', chat_id: chatId, typing });
  }

  #outgoing(frame: ClientFrame): void {
    if (!this.isLeader) this.#broadcast({ t: 'out', f: frame });
    else if (frame.type === 'typing') this.#authed && this.#rawSend(frame);
    else void this.#deliver(frame);
  }

  // ---- tabs ----

  #broadcast(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }

  #onTabMessage(message: TabMessage): void {
    if (message.t === 'hello') {
      if (this.isLeader) this.#broadcast({ t: 'state', s: this.state, ready: this.ready });
    } else if (message.t === 'out') {
      if (!this.isLeader) return;
      if (message.f.type === 'typing') this.#authed && this.#rawSend(message.f);
      else void this.#deliver(message.f);
    } else if (!this.isLeader) {
      if (message.t === 'state') {
        const hadChat = this.chatId;
        if (message.ready && (!this.ready || this.ready.chat_id !== message.ready.chat_id)) {
          this.ready = message.ready;
          this.#adoptOwnChat();
          this.#emit('ready', message.ready);
        }
        this.#setState(message.s);
        if (!hadChat && this.chatId) void this.#loadLatestIfEmpty();
      } else {
        this.#applyFrame(message.f, message.live);
      }
    }
  }
}
