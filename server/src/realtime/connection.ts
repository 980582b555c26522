// One WebSocket's protocol: auth handshake and token expiry, authorization of every frame, and the
// client-frame handlers. Frames of one socket are handled one at a time, in arrival order.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import type { Identity } from '../auth/identity.js';
import { AppError } from '../errors.js';
import { CLOSE, type ClientFrame, type ServerFrame } from '../schemas/frames.js';
import type { UserRef } from '../services/user-service.js';
import { parseClientFrame, type ParsedFrame } from './client-frames.js';
import { notifyStatement } from './events.js';
import type { Peer, Subscriber } from './hub.js';

export interface ConnectionOptions {
  authTimeoutMs: number;
  maxBufferedBytes: number;
}

/** Frames queued behind a slow one before new frames are refused. */
const MAX_PENDING_FRAMES = 64;
/** setTimeout's ceiling (~24.8 days); visitor tokens live longer, so the timer re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A repeated `typing: true` within this window is not re-published. */
const TYPING_THROTTLE_MS = 2_000;
/** Chats an admin socket has been checked against (bounds the per-socket cache). */
const KNOWN_CHATS_LIMIT = 256;

type FrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

export class Connection implements Subscriber, Peer {
  readonly id = randomUUID();
  private state: 'auth' | 'ready' | 'closed' = 'auth';
  private identity: Identity | null = null;
  private user: UserRef | null = null;
  private ownChatId: string | null = null;
  private readonly chats = new Set<string>();
  private adminChannel = false;
  private knownChats: Set<string> | null = null;
  private typingSent: Map<string, number> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private frames = 0;
  private alive = true;
  /** The role counted in the open-sockets gauge once authenticated, so close un-counts it once. */
  private countedRole: 'user' | 'admin' | null = null;
  private authTimer: NodeJS.Timeout | null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly closed: Promise<void>;

  constructor(
    private readonly app: FastifyInstance,
    private readonly socket: WebSocket,
    private readonly log: FastifyBaseLogger,
    private readonly options: ConnectionOptions,
  ) {
    // Listeners go on before anything async, or early frames would be lost.
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    this.closed = new Promise((resolve) => socket.once('close', resolve)).then(() => this.cleanup());
    this.authTimer = setTimeout(() => this.close(CLOSE.UNAUTHORIZED, 'unauthorized'), options.authTimeoutMs);
    app.hub.track(this);
  }

  get role(): 'user' | 'admin' {
    return this.identity?.role ?? 'user';
  }

  get open(): boolean {
    return this.state !== 'closed' && this.socket.readyState === WebSocket.OPEN;
  }

  sendRaw(data: string): void {
    if (!this.open) return;
    this.socket.send(data);
    // A client that does not read must not make the server buffer without bound.
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.app.hub.counters.slowConsumerCloses += 1;
      this.close(CLOSE.TRY_AGAIN_LATER, 'slow_consumer');
    }
  }

  dropChat(chatId: string): void {
    this.chats.delete(chatId);
  }

  fail(): void {
    this.close(CLOSE.TRY_AGAIN_LATER, 'try_again');
  }

  heartbeat(): boolean {
    if (!this.alive) {
      this.socket.terminate();
      return false;
    }
    this.alive = false;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
    return true;
  }

  shutdown(code: number, reason: string, graceMs: number): Promise<void> {
    this.close(code, reason);
    const timer = setTimeout(() => this.socket.terminate(), graceMs);
    return this.closed.finally(() => clearTimeout(timer));
  }

  private send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  private close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearTimers();
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  private cleanup(): void {
    this.state = 'closed';
    this.clearTimers();
    const hub = this.app.hub;
    for (const chatId of this.chats) hub.unsubscribeChat(this, chatId);
    this.chats.clear();
    if (this.adminChannel) hub.unsubscribeAdmin(this);
    hub.untrack(this);
    if (this.countedRole) this.app.metrics.socketClosed(this.countedRole);
    this.countedRole = null;
  }

  private clearTimers(): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.authTimer = this.expiryTimer = null;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const ref = `${this.id.slice(0, 8)}.${++this.frames}`;
    if (this.pending >= MAX_PENDING_FRAMES) {
      this.sendError(new AppError('rate_limited', 'Too many frames in flight; wait for replies', { retry_after: 1 }), ref);
      return;
    }
    this.pending += 1;
    this.chain = this.chain
      .then(() => this.handle(data, isBinary, ref))
      .finally(() => {
        this.pending -= 1;
      });
  }

  /** Never rejects: every failure becomes an error frame (or a close before auth). */
  private async handle(data: RawData, isBinary: boolean, ref: string): Promise<void> {
    if (this.state === 'closed') return;
    const parsed: ParsedFrame = isBinary
      ? { ok: false, message: 'Frames are JSON text, not binary' }
      : parseClientFrame(rawText(data));
    if (this.state === 'auth') {
      if (!parsed.ok || parsed.frame.type !== 'auth') return this.close(CLOSE.UNAUTHORIZED, 'unauthorized');
    }
    if (!parsed.ok) {
      return this.sendError(new AppError('bad_frame', parsed.message), ref, parsed.clientId);
    }
    const frame = parsed.frame;
    try {
      await this.dispatch(frame);
    } catch (err) {
      this.sendError(err, ref, frame.type === 'send_message' ? frame.client_id : undefined);
    }
  }

  private dispatch(frame: ClientFrame): Promise<void> | void {
    switch (frame.type) {
      case 'auth':
        return this.onAuth(frame);
      case 'subscribe':
        return frame.channel === 'chat' ? this.onSubscribeChat(frame) : this.onSubscribeAdmin();
      case 'unsubscribe':
        return this.onUnsubscribe(frame);
      case 'send_message':
        return this.onSendMessage(frame);
      case 'typing':
        return this.onTyping(frame);
      case 'mark_read':
        return this.onMarkRead(frame);
      case 'ping':
        return this.send({ type: 'pong', ...(frame.id !== undefined ? { id: frame.id } : {}) });
    }
  }

  private async onAuth(frame: FrameOf<'auth'>): Promise<void> {
    let identity: Identity;
    try {
      identity = this.app.identity.verify(frame.token);
    } catch (err) {
      if (this.state === 'auth') return this.close(CLOSE.UNAUTHORIZED, err instanceof AppError ? err.code : 'token_invalid');
      throw err;
    }
    if (this.state === 'ready') {
      // A fresh token for the same caller extends the session without reconnecting.
      if (identity.sub !== this.identity?.sub || identity.role !== this.identity.role) {
        throw new AppError('forbidden', 'A new token must be for the same user and role');
      }
      this.identity = identity;
      this.armExpiry();
      return this.sendReady();
    }
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    let user: UserRef;
    let chatId: string | null = null;
    if (identity.role === 'admin') {
      user = await this.app.users.ensureUser(identity);
    } else {
      // One read for the user and their chat; only a first visit (or new claims) writes.
      ({ user, chatId } = await this.app.users.ensureUserWithChat(identity));
      chatId ??= (await this.app.chats.getOrCreateChat(user.id)).id;
    }
    if (this.state === 'closed') return;
    this.identity = identity;
    this.user = user;
    this.ownChatId = chatId;
    this.state = 'ready';
    this.countedRole = identity.role;
    this.app.metrics.socketOpened(identity.role);
    this.armExpiry();
    this.sendReady();
  }

  private sendReady(): void {
    const identity = this.identity!;
    this.send({
      type: 'ready',
      user: { sub: identity.sub, role: identity.role },
      chat_id: this.ownChatId,
      expires_in: Math.max(0, identity.exp - Math.floor(Date.now() / 1000)),
    });
  }

  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const exp = this.identity!.exp * 1000;
    const wait = exp - Date.now();
    this.expiryTimer = setTimeout(
      () => (exp <= Date.now() ? this.close(CLOSE.UNAUTHORIZED, 'token_expired') : this.armExpiry()),
      Math.min(Math.max(wait, 0), MAX_TIMER_MS),
    );
  }

  /** Users reach only their own chat; admins any existing chat. Unknown and foreign look the same. */
  private async authorizeChat(chatId: string): Promise<void> {
    if (this.role === 'user') {
      if (chatId !== this.ownChatId) throw new AppError('chat_not_found', 'Chat not found');
      return;
    }
    if (this.knownChats?.has(chatId)) return;
    if (!(await this.app.chats.findChat(chatId))) throw new AppError('chat_not_found', 'Chat not found');
    this.knownChats ??= new Set();
    if (this.knownChats.size >= KNOWN_CHATS_LIMIT) this.knownChats.clear();
    this.knownChats.add(chatId);
  }

  private async onSubscribeChat(frame: FrameOf<'subscribe'> & { channel: 'chat' }): Promise<void> {
    await this.authorizeChat(frame.chat_id);
    this.chats.add(frame.chat_id);
    await this.app.hub.subscribeChat(this, frame.chat_id, frame.after_seq);
  }

  private onSubscribeAdmin(): void {
    if (this.role !== 'admin') throw new AppError('forbidden', 'The admin channel is for support admins');
    this.adminChannel = true;
    this.app.hub.subscribeAdmin(this);
    this.send({ type: 'subscribed', channel: 'admin' });
  }

  private onUnsubscribe(frame: FrameOf<'unsubscribe'>): void {
    if (frame.channel === 'admin') {
      this.adminChannel = false;
      this.app.hub.unsubscribeAdmin(this);
      return this.send({ type: 'unsubscribed', channel: 'admin' });
    }
    if (!frame.chat_id) throw new AppError('bad_frame', 'unsubscribe from a chat needs chat_id');
    this.chats.delete(frame.chat_id);
    this.app.hub.unsubscribeChat(this, frame.chat_id);
    this.send({ type: 'unsubscribed', channel: 'chat', chat_id: frame.chat_id });
  }

  private async onSendMessage(frame: FrameOf<'send_message'>): Promise<void> {
    // Admins are checked by the service (chat_not_found) inside the write transaction.
    if (this.role === 'user' && frame.chat_id !== this.ownChatId) throw new AppError('chat_not_found', 'Chat not found');
    const user = this.user!;
    const result = await this.app.sendLimiter.send(user.id, () =>
      this.app.chats.sendMessage(frame.chat_id, { type: this.role, userId: user.id }, frame.client_id, frame.content),
    );
    // Everyone else (and the sender's own subscription) gets it through NOTIFY, like REST writes;
    // the ack waits until this socket's subscription has every earlier message of the chat.
    await this.app.hub.afterDelivered(this, result.message, () =>
      this.send({ type: 'ack', client_id: frame.client_id, message: result.message }),
    );
  }

  private async onTyping(frame: FrameOf<'typing'>): Promise<void> {
    await this.authorizeChat(frame.chat_id);
    this.typingSent ??= new Map();
    const last = this.typingSent.get(frame.chat_id);
    if (frame.typing) {
      if (last !== undefined && Date.now() - last < TYPING_THROTTLE_MS) return;
      this.typingSent.set(frame.chat_id, Date.now());
    } else {
      if (last === undefined) return;
      this.typingSent.delete(frame.chat_id);
    }
    await this.app.db.execute(
      notifyStatement({ e: 'typing', chat_id: frame.chat_id, sender_type: this.role, typing: frame.typing }),
    );
  }

  private async onMarkRead(frame: FrameOf<'mark_read'>): Promise<void> {
    await this.authorizeChat(frame.chat_id);
    // A user reads the admin's replies; an admin reading a chat is "viewed" (the widget's "Seen").
    if (this.role === 'user') await this.app.chats.markReadByUser(frame.chat_id, frame.up_to_seq);
    else await this.app.chats.markViewedByAdmin(frame.chat_id);
  }

  private sendError(err: unknown, ref: string, clientId?: string): void {
    const extra = clientId !== undefined ? { client_id: clientId } : {};
    if (err instanceof AppError) {
      const retryAfter = err.extra.retry_after;
      if (err.code === 'rate_limited') this.app.metrics.rateLimited('ws');
      if (err.statusCode >= 500) this.log.error({ err, ref }, 'websocket frame failed');
      else this.log.debug({ code: err.code, ref }, 'websocket frame rejected');
      return this.send({
        type: 'error',
        code: err.code,
        message: err.message,
        ref,
        ...extra,
        ...(typeof retryAfter === 'number' ? { retry_after: retryAfter } : {}),
      });
    }
    this.log.error({ err, ref }, 'websocket frame failed');
    this.send({ type: 'error', code: 'internal_error', message: 'Something went wrong on our side', ref, ...extra });
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
