// Per-instance fan-out: who on this instance is subscribed to what, and delivery of committed
// changes to them. Every piece of work for one chat runs through that chat's serial queue, and each
// subscriber has a delivered-seq high-water mark, so a chat's messages reach each subscriber once,
// in seq order, with no gap between catch-up and live delivery.
import type { FastifyBaseLogger } from 'fastify';
import { noTelemetry, type RealtimeTelemetry } from '../metrics/telemetry.js';
import type { ChatService } from '../services/chat-service.js';
import type { ChatListItem } from '../schemas/admin.js';
import type { Message, MessagePage } from '../schemas/common.js';
import type { ChatEvent } from './events.js';

/** A socket as the hub sees it. */
export interface Subscriber {
  readonly role: 'user' | 'admin';
  /** False once the socket is closing: nothing more is sent to it. */
  readonly open: boolean;
  sendRaw(data: string): void;
  /** The hub dropped this subscriber from a chat (the chat was deleted). */
  dropChat(chatId: string): void;
  /** Delivery failed and may have skipped something: close so the client reconnects and catches up. */
  fail(): void;
}

/** A connected socket as the registry sees it (heartbeat and shutdown). */
export interface Peer {
  /** Sends a ws ping; returns false (and terminates) when the previous ping was never answered. */
  heartbeat(): boolean;
  /** Closes with a code and resolves when the socket is gone (terminated after `graceMs`). */
  shutdown(code: number, reason: string, graceMs: number): Promise<void>;
}

interface Subscription {
  /** Highest seq this subscriber has been sent; only seq > deliveredSeq is ever sent. */
  deliveredSeq: number;
}

interface Room {
  chatId: string;
  subscribers: Map<Subscriber, Subscription>;
  tail: Promise<void>;
  pending: number;
  /** Queued tasks that end with a chat_updated; only the last of a burst sends it. */
  updates: number;
  /** A skipped chat_updated was also owed to the chat's own subscribers (chat-level change). */
  owedToSubscribers: boolean;
  /** The chat's user email for new_user_message; undefined until read, reset on 'chat' events. */
  userEmail: string | null | undefined;
}

type MessageReader = Pick<ChatService, 'listMessages' | 'getMessagesBySeq' | 'getListItems' | 'openCatchUp'>;

export interface HubOptions {
  /** Rows per catch-up query. */
  pageSize?: number;
  telemetry?: RealtimeTelemetry;
}

export class Hub {
  private readonly rooms = new Map<string, Room>();
  private readonly admins = new Set<Subscriber>();
  private readonly peers = new Set<Peer>();
  private readonly pageSize: number;
  private readonly telemetry: RealtimeTelemetry;
  private closing = false;
  /** Counters for operations and tests. */
  readonly counters = { slowConsumerCloses: 0, heartbeatTerminations: 0, catchUps: 0 };

  constructor(
    private readonly chats: MessageReader,
    private readonly log: FastifyBaseLogger,
    options: HubOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.telemetry = options.telemetry ?? noTelemetry;
  }

  get connectionCount(): number {
    return this.peers.size;
  }

  track(peer: Peer): void {
    this.peers.add(peer);
  }

  untrack(peer: Peer): void {
    this.peers.delete(peer);
  }

  heartbeat(): void {
    for (const peer of this.peers) {
      if (peer.heartbeat()) continue;
      this.peers.delete(peer);
      this.counters.heartbeatTerminations += 1;
    }
  }

  /** Closes every socket (1012 on shutdown) and waits for them, up to `graceMs`. */
  async closeAll(code: number, reason: string, graceMs: number): Promise<void> {
    this.closing = true;
    await Promise.all([...this.peers].map((peer) => peer.shutdown(code, reason, graceMs)));
    this.peers.clear();
  }

  /**
   * Subscribes to a chat. With `afterSeq` every stored message after it is sent first (paged),
   * then live ones; without it delivery starts after the chat's current last seq. Sends
   * `subscribed` when the catch-up is done, from inside the chat's queue so no live message
   * can overtake it.
   */
  subscribeChat(subscriber: Subscriber, chatId: string, afterSeq: number | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      void this.enqueue(chatId, async (room) => {
        // Errors here concern this subscriber only: report them to it, not to the whole room.
        try {
          // The chat's last_seq and the first page in one statement; the start is clamped to
          // last_seq, so a client ahead of the server (restored database) restarts from the real end.
          const opened = await this.chats.openCatchUp(chatId, afterSeq, this.pageSize);
          if (!opened || !subscriber.open) return resolve();
          const subscription: Subscription = { deliveredSeq: opened.start };
          room.subscribers.set(subscriber, subscription);
          await this.catchUp(room, subscriber, subscription, opened.page);
          if (room.subscribers.get(subscriber) === subscription) {
            send(subscriber, { type: 'subscribed', channel: 'chat', chat_id: chatId, last_seq: subscription.deliveredSeq });
          }
          resolve();
        } catch (err) {
          room.subscribers.delete(subscriber);
          reject(err);
        }
      });
    });
  }

  /**
   * Runs `send` (an ack) once `subscriber` has been sent every message of the chat up to
   * `message`, the one it just stored. Clients count their own acks towards after_seq: an ack
   * that overtook an earlier message still on its way would make a reconnect right after it skip
   * that message for good.
   */
  afterDelivered(subscriber: Subscriber, message: Message, send: () => void): Promise<void> {
    const subscription = this.rooms.get(message.chat_id)?.subscribers.get(subscriber);
    if (!subscription || subscription.deliveredSeq >= message.seq) {
      send();
      return Promise.resolve();
    }
    // If delivery fails the socket is closed (see enqueue) and the client resends: no ack then.
    return this.enqueue(message.chat_id, async (room) => {
      // The write often returns before its NOTIFY arrives: the committed message is at hand.
      if (room.subscribers.has(subscriber) && !this.deliverKnown(room, message)) await this.deliver(room, message.seq);
      send();
    });
  }

  unsubscribeChat(subscriber: Subscriber, chatId: string): void {
    const room = this.rooms.get(chatId);
    if (!room) return;
    room.subscribers.delete(subscriber);
    this.dropIfIdle(room);
  }

  subscribeAdmin(subscriber: Subscriber): void {
    this.admins.add(subscriber);
  }

  unsubscribeAdmin(subscriber: Subscriber): void {
    this.admins.delete(subscriber);
  }

  isSubscribed(subscriber: Subscriber, chatId: string): boolean {
    return this.rooms.get(chatId)?.subscribers.has(subscriber) ?? false;
  }

  /** A committed change arrived through LISTEN. */
  handleEvent(event: ChatEvent): void {
    if (this.closing) return;
    const room = this.rooms.get(event.chat_id);
    const hasChatSubscribers = room !== undefined && room.subscribers.size > 0;
    switch (event.e) {
      case 'message':
        if (!hasChatSubscribers && this.admins.size === 0) return;
        void this.enqueueUpdate(event.chat_id, (r) => this.onMessage(r, event));
        return;
      case 'read':
        if (!hasChatSubscribers && this.admins.size === 0) return;
        void this.enqueueUpdate(event.chat_id, async (r) => {
          const frame = JSON.stringify({
            type: 'messages_read',
            chat_id: event.chat_id,
            up_to_seq: event.up_to_seq,
            read_at: event.read_at,
          });
          for (const subscriber of r.subscribers.keys()) sendRaw(subscriber, frame);
          await this.publishChatUpdated(r, false);
        });
        return;
      case 'chat':
        if (room) room.userEmail = undefined;
        if (!hasChatSubscribers && this.admins.size === 0) return;
        void this.enqueueUpdate(event.chat_id, (r) => this.publishChatUpdated(r, true));
        return;
      case 'typing': {
        if (!room) return;
        const frame = JSON.stringify({
          type: 'typing',
          chat_id: event.chat_id,
          sender_type: event.sender_type,
          typing: event.typing,
        });
        // Ephemeral and unordered with messages: sent at once, to the other side only.
        for (const subscriber of room.subscribers.keys()) {
          if (subscriber.role !== event.sender_type) sendRaw(subscriber, frame);
        }
        return;
      }
      case 'deleted':
        if (!hasChatSubscribers && this.admins.size === 0) return;
        void this.enqueue(event.chat_id, async (r) => {
          const frame = JSON.stringify({ type: 'unsubscribed', channel: 'chat', chat_id: event.chat_id });
          for (const subscriber of [...r.subscribers.keys()]) {
            r.subscribers.delete(subscriber);
            subscriber.dropChat(event.chat_id);
            sendRaw(subscriber, frame);
          }
          // Admin lists drop the row; an admin viewing the chat got `unsubscribed` above as well.
          const deleted = JSON.stringify({ type: 'chat_deleted', chat_id: event.chat_id });
          for (const admin of this.admins) sendRaw(admin, deleted);
        });
        return;
    }
  }

  /** LISTEN was (re)established: anything committed while it was down is read from the table. */
  catchUpAll(): void {
    if (this.closing) return;
    this.counters.catchUps += 1;
    for (const room of this.rooms.values()) {
      if (room.subscribers.size > 0) void this.enqueue(room.chatId, (r) => this.deliver(r, undefined));
    }
  }

  private async onMessage(room: Room, event: Extract<ChatEvent, { e: 'message' }>): Promise<void> {
    const carried = event.message;
    const fetched = carried && this.deliverKnown(room, carried) ? carried : await this.deliver(room, event.seq);
    if (event.item) room.userEmail = event.item.user_email;
    if (this.admins.size === 0) return;
    if (event.sender_type === 'user') {
      const message = carried ?? fetched ?? (await this.chats.getMessagesBySeq(room.chatId, event.seq, event.seq))[0];
      if (message) {
        if (room.userEmail === undefined) {
          const [item] = await this.chats.getListItems([room.chatId]);
          room.userEmail = item?.user_email ?? null;
        }
        const frame = JSON.stringify({
          type: 'new_user_message',
          chat_id: room.chatId,
          user_email: room.userEmail,
          message,
        });
        for (const admin of this.admins) sendRaw(admin, frame);
      }
    }
    await this.publishChatUpdated(room, false, event.item);
  }

  /**
   * Delivers a committed message without reading it, when no subscriber lacks an earlier one
   * (the common case: NOTIFYs of a chat arrive in seq order). Returns false on a gap (a LISTEN
   * reconnect, a subscriber still behind): then only the table has what is missing.
   */
  private deliverKnown(room: Room, message: Message): boolean {
    for (const s of room.subscribers.values()) {
      if (s.deliveredSeq < message.seq - 1) return false;
    }
    this.sendToBehind(room, message);
    return true;
  }

  /**
   * Sends every stored message above the lowest delivered seq to each subscriber that lacks it.
   * Writers of one chat hold its row lock until commit, so commit order is seq order and the rows
   * read here are a gap-free run; `untilSeq` skips the query when everyone already has that seq.
   * Returns the message with seq `untilSeq` when it was read.
   */
  private async deliver(room: Room, untilSeq: number | undefined): Promise<Message | undefined> {
    let found: Message | undefined;
    let from = Infinity;
    for (const s of room.subscribers.values()) {
      if (untilSeq === undefined || s.deliveredSeq < untilSeq) from = Math.min(from, s.deliveredSeq);
    }
    while (from !== Infinity) {
      const page = await this.chats.listMessages(room.chatId, { after_seq: from, limit: this.pageSize });
      for (const message of page.messages) this.sendToBehind(room, message);
      found ??= page.messages.find((m) => m.seq === untilSeq);
      const last = page.messages[page.messages.length - 1];
      from = page.has_more && last ? last.seq : Infinity;
    }
    return found;
  }

  /** Sends `message` to the subscribers that have not had it; callers keep it gap-free. */
  private sendToBehind(room: Room, message: Message): void {
    let frame: string | undefined;
    for (const [subscriber, s] of room.subscribers) {
      if (message.seq <= s.deliveredSeq) continue;
      s.deliveredSeq = message.seq;
      if (!subscriber.open) continue;
      frame ??= JSON.stringify({ type: 'new_message', chat_id: room.chatId, message });
      subscriber.sendRaw(frame);
      this.telemetry.messageDelivered(message.created_at, 'live');
    }
  }

  /** Replays stored messages to one new subscriber (others in the room are not touched), from `first` on. */
  private async catchUp(room: Room, subscriber: Subscriber, s: Subscription, first: MessagePage): Promise<void> {
    let replayed = 0;
    let page = first;
    try {
      for (;;) {
        for (const message of page.messages) {
          if (room.subscribers.get(subscriber) !== s || !subscriber.open) return;
          s.deliveredSeq = message.seq;
          subscriber.sendRaw(JSON.stringify({ type: 'new_message', chat_id: room.chatId, message }));
          replayed += 1;
          this.telemetry.messageDelivered(message.created_at, 'replay');
        }
        if (!page.has_more || page.messages.length === 0) return;
        page = await this.chats.listMessages(room.chatId, { after_seq: s.deliveredSeq, limit: this.pageSize });
      }
    } finally {
      this.telemetry.caughtUp(replayed);
    }
  }

  /**
   * chat_updated for admin lists (and, on chat-level changes, for the chat's own subscribers).
   * A burst of events for one chat sends one update, from the last queued task. `known` is the
   * chat's item as of the event (a message NOTIFY carries it); without it the item is read.
   */
  private async publishChatUpdated(room: Room, toChatSubscribers: boolean, known?: ChatListItem): Promise<void> {
    // Other queued tasks (a subscribe, an ack waiting its turn) send no chat_updated: only a later
    // update task may stand in for this one, and it owes the chat's subscribers what this one did.
    if (room.updates > 1) {
      room.owedToSubscribers ||= toChatSubscribers;
      return;
    }
    const toSubscribers = toChatSubscribers || room.owedToSubscribers;
    room.owedToSubscribers = false;
    const audience = [...this.admins];
    if (toSubscribers) for (const subscriber of room.subscribers.keys()) audience.push(subscriber);
    if (audience.length === 0) return;
    const item = known ?? (await this.chats.getListItems([room.chatId]))[0];
    if (!item) return;
    room.userEmail = item.user_email;
    const frame = JSON.stringify({ type: 'chat_updated', chat: item });
    for (const subscriber of new Set(audience)) sendRaw(subscriber, frame);
  }

  /** A task that ends with a chat_updated (message, read and chat events). */
  private enqueueUpdate(chatId: string, task: (room: Room) => Promise<unknown>): Promise<void> {
    this.roomOf(chatId).updates += 1;
    return this.enqueue(chatId, async (r) => {
      try {
        await task(r);
      } finally {
        r.updates -= 1;
      }
    });
  }

  private roomOf(chatId: string): Room {
    let room = this.rooms.get(chatId);
    if (!room) {
      room = {
        chatId,
        subscribers: new Map(),
        tail: Promise.resolve(),
        pending: 0,
        updates: 0,
        owedToSubscribers: false,
        userEmail: undefined,
      };
      this.rooms.set(chatId, room);
    }
    return room;
  }

  private enqueue(chatId: string, task: (room: Room) => Promise<unknown>): Promise<void> {
    const r = this.roomOf(chatId);
    r.pending += 1;
    const run = r.tail
      .then(() => task(r))
      .then(
        () => undefined,
        (err: unknown) => {
          this.log.error({ err, chat_id: chatId }, 'realtime delivery failed');
          // Nothing is lost (delivered seqs did not move) but nothing may come until the next event:
          // close these sockets so their clients reconnect and catch up.
          for (const subscriber of r.subscribers.keys()) subscriber.fail();
          r.subscribers.clear();
        },
      )
      .finally(() => {
        r.pending -= 1;
        this.dropIfIdle(r);
      });
    r.tail = run;
    return run;
  }

  private dropIfIdle(room: Room): void {
    if (room.pending === 0 && room.subscribers.size === 0 && this.rooms.get(room.chatId) === room) {
      this.rooms.delete(room.chatId);
    }
  }
}

function sendRaw(subscriber: Subscriber, data: string): void {
  if (subscriber.open) subscriber.sendRaw(data);
}

function send(subscriber: Subscriber, frame: unknown): void {
  sendRaw(subscriber, JSON.stringify(frame));
}
