// A simulated visitor or admin speaking the real WebSocket protocol the way docs/protocol.md tells
// clients to: auth first, subscribe with after_seq = the highest seq held (new_message, replay or
// own acks), an outbox of unacknowledged sends resent with the SAME client_id after every reconnect,
// backoff with jitter. It logs everything the verification needs: each session's received seqs,
// every send and its ack, errors and close codes.
import WebSocket from 'ws';

export interface SentEntry {
  clientId: string;
  chatId: string;
  content: string;
  attempts: number;
  /** Set once an ack arrived: the stored message's id and seq. */
  ack?: { id: string; seq: number };
}

export interface ChatLog {
  /** One list per subscription (session): the after_seq it started from and the seqs received. */
  sessions: { afterSeq: number; seqs: number[] }[];
  /** Highest seq held (from new_message, replay or own acks): the next after_seq. */
  lastSeq: number;
  /** Seqs this client holds through its own acks (it may never get them as new_message). */
  ackedSeqs: Set<number>;
}

export interface ClientOptions {
  name: string;
  role: 'user' | 'admin';
  token: string;
  /** Instance URLs, preferred first; a refused connection moves on to the next. */
  urls: string[];
  origin: string;
  /** Admins: chats to follow. Visitors follow their own chat from `ready`. */
  chatIds?: string[];
  /** Admins: also subscribe to the admin channel (counted, not verified: not guaranteed). */
  adminChannel?: boolean;
  /** Visitors: mark admin replies read (sometimes), so the email guards see reads too. */
  markReadChance?: number;
  random: () => number;
}

type State = 'idle' | 'connecting' | 'auth' | 'subscribing' | 'live' | 'stopped';

export class ChaosClient {
  readonly chats = new Map<string, ChatLog>();
  readonly sent = new Map<string, SentEntry>();
  readonly outbox = new Map<string, SentEntry>();
  readonly errors: Record<string, number> = {};
  readonly closes: Record<string, number> = {};
  readonly unexpected: string[] = [];
  connects = 0;
  sessionsLive = 0;
  adminFrames = 0;
  ownChatId: string | null = null;
  state: State = 'idle';
  private ws: WebSocket | null = null;
  private urlIndex = 0;
  private failures = 0;
  private sendCounter = 0;
  private awaitingSubscribed = new Set<string>();
  private subscribeTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private retryTimers = new Set<NodeJS.Timeout>();
  private liveWaiters: (() => void)[] = [];

  constructor(private readonly options: ClientOptions) {
    for (const chatId of options.chatIds ?? []) this.chatLog(chatId);
  }

  get name(): string {
    return this.options.name;
  }

  get role(): 'user' | 'admin' {
    return this.options.role;
  }

  get live(): boolean {
    return this.state === 'live';
  }

  /** The instance the current (or last) socket went to. */
  get url(): string {
    return this.options.urls[this.urlIndex % this.options.urls.length]!;
  }

  /** Chats this client follows (known once the first `ready` arrived, for visitors). */
  get followed(): string[] {
    return [...this.chats.keys()];
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /** Resolves when the client is live (authenticated, subscribed, outbox resent). */
  whenLive(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    return new Promise((resolve) => this.liveWaiters.push(resolve));
  }

  /** Cuts the socket without a close handshake, as a network failure would. */
  cut(): void {
    this.ws?.terminate();
  }

  stop(): void {
    this.state = 'stopped';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.subscribeTimer) clearTimeout(this.subscribeTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.ws?.terminate();
  }

  /** Writes a new message (into the outbox; sent now if live, else after the next reconnect). */
  write(chatId?: string): SentEntry | null {
    const target = chatId ?? this.ownChatId;
    if (!target || this.state === 'stopped') return null;
    const clientId = `${this.options.name}.${++this.sendCounter}`;
    const entry: SentEntry = { clientId, chatId: target, content: `chaos ${clientId}`, attempts: 0 };
    this.sent.set(clientId, entry);
    this.outbox.set(clientId, entry);
    if (this.state === 'live') this.transmit(entry);
    return entry;
  }

  private chatLog(chatId: string): ChatLog {
    let log = this.chats.get(chatId);
    if (!log) this.chats.set(chatId, (log = { sessions: [], lastSeq: 0, ackedSeqs: new Set() }));
    return log;
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    const url = this.options.urls[this.urlIndex % this.options.urls.length]!;
    const ws = new WebSocket(url, { origin: this.options.origin, perMessageDeflate: false, handshakeTimeout: 15_000 });
    this.ws = ws;
    this.connects += 1;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.state = 'auth';
      ws.send(JSON.stringify({ type: 'auth', token: this.options.token }));
    });
    ws.on('message', (data) => {
      if (this.ws !== ws) return;
      this.onFrame(JSON.parse(String(data)) as Record<string, any>);
    });
    ws.on('error', () => {});
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.closes[code] = (this.closes[code] ?? 0) + 1;
      this.onClosed(code);
    });
  }

  private onClosed(code: number): void {
    if (this.subscribeTimer) clearTimeout(this.subscribeTimer);
    this.awaitingSubscribed.clear();
    const wasLive = this.state === 'live';
    if (this.state === 'stopped') return;
    // Never live on this socket (refused, or the instance died): try the other instance next.
    if (!wasLive) this.urlIndex += 1;
    this.state = 'idle';
    if (code === 4001) this.unexpected.push(`closed 4001 (${this.options.name})`);
    this.failures = wasLive ? 0 : this.failures + 1;
    // 1012: reconnect at once with 0-1 s jitter; anything else: exponential backoff with jitter.
    const delay =
      code === 1012
        ? this.options.random() * 1000
        : Math.min(3000, 100 * 2 ** Math.min(this.failures, 5)) * (0.5 + this.options.random());
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onFrame(frame: Record<string, any>): void {
    switch (frame.type) {
      case 'ready':
        return this.onReady(frame);
      case 'subscribed':
        if (frame.channel === 'chat') this.onSubscribed(frame.chat_id as string);
        return;
      case 'new_message':
        return this.onNewMessage(frame.chat_id as string, frame.message as { seq: number; sender_type: string });
      case 'ack':
        return this.onAck(frame.client_id as string, frame.message as { id: string; seq: number; chat_id: string });
      case 'error':
        return this.onError(frame);
      case 'new_user_message':
      case 'chat_updated':
      case 'messages_read':
      case 'typing':
        this.adminFrames += 1;
        return;
      case 'unsubscribed':
        this.unexpected.push(`unsubscribed from ${frame.chat_id} (${this.options.name})`);
        return;
      default:
        return;
    }
  }

  private onReady(frame: Record<string, any>): void {
    if (this.options.role === 'user') {
      const chatId = frame.chat_id as string;
      if (this.ownChatId && this.ownChatId !== chatId) this.unexpected.push(`chat changed for ${this.options.name}`);
      this.ownChatId = chatId;
      this.chatLog(chatId);
    }
    this.state = 'subscribing';
    // Frames of one socket are handled in order: every subscribe goes out now, answers come in order.
    for (const [chatId, log] of this.chats) {
      this.awaitingSubscribed.add(chatId);
      log.sessions.push({ afterSeq: log.lastSeq, seqs: [] });
      this.ws?.send(JSON.stringify({ type: 'subscribe', channel: 'chat', chat_id: chatId, after_seq: log.lastSeq }));
    }
    if (this.options.adminChannel) this.ws?.send(JSON.stringify({ type: 'subscribe', channel: 'admin' }));
    // Subscribes run one after another on the server: an admin following many chats needs longer.
    this.subscribeTimer = setTimeout(() => this.ws?.terminate(), 30_000 + 2_000 * this.chats.size);
  }

  private onSubscribed(chatId: string): void {
    this.awaitingSubscribed.delete(chatId);
    if (this.state !== 'subscribing' || this.awaitingSubscribed.size > 0) return;
    if (this.subscribeTimer) clearTimeout(this.subscribeTimer);
    this.state = 'live';
    this.sessionsLive += 1;
    for (const entry of this.outbox.values()) this.transmit(entry);
    for (const resolve of this.liveWaiters.splice(0)) resolve();
  }

  private onNewMessage(chatId: string, message: { seq: number; sender_type: string }): void {
    const log = this.chats.get(chatId);
    if (!log) {
      this.unexpected.push(`new_message for an unfollowed chat (${this.options.name})`);
      return;
    }
    log.sessions[log.sessions.length - 1]?.seqs.push(message.seq);
    log.lastSeq = Math.max(log.lastSeq, message.seq);
    const markRead = this.options.markReadChance ?? 0;
    if (message.sender_type === 'admin' && this.state === 'live' && this.options.random() < markRead) {
      this.ws?.send(JSON.stringify({ type: 'mark_read', chat_id: chatId, up_to_seq: message.seq }));
    }
  }

  private onAck(clientId: string, message: { id: string; seq: number; chat_id: string }): void {
    const entry = this.sent.get(clientId);
    if (!entry) {
      this.unexpected.push(`ack for an unknown client_id ${clientId}`);
      return;
    }
    if (entry.ack && entry.ack.id !== message.id) {
      this.unexpected.push(`two different messages acked for ${clientId}`);
    }
    entry.ack = { id: message.id, seq: message.seq };
    this.outbox.delete(clientId);
    const log = this.chatLog(message.chat_id);
    log.ackedSeqs.add(message.seq);
    // The recipe: own acks count towards the highest seq held.
    log.lastSeq = Math.max(log.lastSeq, message.seq);
  }

  private onError(frame: Record<string, any>): void {
    const code = String(frame.code);
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    const clientId = frame.client_id as string | undefined;
    if (clientId !== undefined) {
      const entry = this.outbox.get(clientId);
      if (!entry) return;
      if (code === 'rate_limited' || code === 'internal_error' || code === 'unavailable') {
        const wait = code === 'rate_limited' ? Number(frame.retry_after ?? 1) * 1000 : 300 + this.options.random() * 700;
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          if (this.state === 'live' && this.outbox.has(clientId)) this.transmit(entry);
        }, wait);
        this.retryTimers.add(timer);
      } else {
        this.unexpected.push(`send ${clientId} refused with ${code}: ${frame.message}`);
        this.outbox.delete(clientId);
      }
      return;
    }
    if (this.state === 'subscribing') {
      // A subscribe failed (the database was away): start over on a fresh socket.
      this.ws?.terminate();
      return;
    }
    if (code !== 'internal_error' && code !== 'unavailable') {
      this.unexpected.push(`error ${code}: ${frame.message} (${this.options.name})`);
    }
  }

  private transmit(entry: SentEntry): void {
    entry.attempts += 1;
    this.ws?.send(JSON.stringify({ type: 'send_message', chat_id: entry.chatId, client_id: entry.clientId, content: entry.content }));
  }
}
