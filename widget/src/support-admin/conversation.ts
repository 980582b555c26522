// The conversation pane: one conversation. Header (who, archive / restore, back), the messages with
// day dividers (customer at the start, agents at the end, sender labels, "Seen", "typing…"), older pages on scroll
// up, and the reply box (Enter sends, Shift+Enter new line) with the shared outbox's pending /
// failed / retry. Messages come from the shared ChatConnection store; the host loads and follows.
import { LitElement, html, nothing, unsafeCSS, type PropertyValues, type TemplateResult } from 'lit';
import { fill } from '../i18n/i18n.js';
import type { ChatConnection, OutboxEntry } from '../shared/chat-connection.js';
import { composer, sendOnEnter } from '../shared/composer.js';
import { dayLabel, formatDateTime, formatTime, sameDay } from '../shared/format.js';
import { linkify } from '../shared/linkify.js';
import type { Message } from '../shared/protocol.js';
import { tokenRules } from '../shared/tokens.styles.js';
import { chatSubtitle, chatTitle, hueClass, initials, isolate } from './chat-display.js';
import { conversationStyles } from './conversation.styles.js';
import type { ListChat } from './inbox-store.js';
import type { Strings } from './strings.js';

const NEAR_BOTTOM = 64;
const GROUP_GAP = 5 * 60_000;

/** Who the current agent is, to label their own replies "You". */
export interface Me {
  names: ReadonlySet<string>;
  clientIds: ReadonlySet<string>;
}

type Row =
  | { kind: 'divider'; date: Date }
  | { kind: 'message'; message: Message; first: boolean; last: boolean }
  | { kind: 'outbox'; entry: OutboxEntry; first: boolean };

export class SupportAdminConversation extends LitElement {
  static override styles = unsafeCSS(tokenRules + conversationStyles);
  static override properties = {
    connection: { attribute: false },
    chat: { attribute: false },
    status: { attribute: false },
    strings: { attribute: false },
    locale: { attribute: false },
    me: { attribute: false },
    userTyping: { attribute: false },
    busy: { attribute: false },
    loadingOlder: { state: true },
  };

  declare connection: ChatConnection;
  declare chat: ListChat;
  declare status: 'loading' | 'ready' | 'error';
  declare strings: Strings;
  /** The language tag for Intl: day dividers and times. */
  declare locale: string;
  declare me: Me;
  declare userTyping: boolean;
  /** Archive / restore in flight. */
  declare busy: boolean;
  declare loadingOlder: boolean;

  #atBottom = true;
  #lastKey = '';
  #anchor: { height: number; top: number } | null = null;
  #observer: IntersectionObserver | undefined;
  #shownChat = '';
  readonly #composer = composer(
    180,
    () => this.requestUpdate(),
    // To the chat on screen: the one being left, when it changes.
    (on) => this.connection.typing(this.#shownChat, on),
  );

  constructor() {
    super();
    this.locale = 'en';
    this.status = 'loading';
    this.userTyping = false;
    this.busy = false;
    this.loadingOlder = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#composer.stopTyping();
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  focusReply(): void {
    this.#input?.focus({ preventScroll: true });
  }

  get #input(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.messages');
  }

  // ---- scrolling ----

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('chat') && this.chat?.id !== this.#shownChat) {
      // Another chat: start at its bottom, and the draft typing state belongs to the old one.
      this.#composer.stopTyping();
      this.#shownChat = this.chat?.id ?? '';
      this.#lastKey = '';
      this.#atBottom = true;
      const input = this.#input;
      if (input) {
        input.value = '';
        input.style.height = '';
      }
    }
    const scroller = this.#scroller;
    if (scroller && this.loadingOlder && !this.#anchor) this.#anchor = { height: scroller.scrollHeight, top: scroller.scrollTop };
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const scroller = this.#scroller;
    if (!scroller) return;
    if (this.#anchor && !this.loadingOlder) {
      // Older messages went in above: keep what the agent was reading in place.
      scroller.scrollTop = this.#anchor.top + (scroller.scrollHeight - this.#anchor.height);
      this.#anchor = null;
    }
    const messages = this.connection.messages(this.chat.id);
    const outbox = this.connection.outbox(this.chat.id);
    const last = messages[messages.length - 1];
    const key = `${this.status}|${last?.id ?? ''}|${outbox.length}|${this.userTyping}`;
    if (key !== this.#lastKey) {
      const own = outbox.length > 0;
      if (this.#lastKey === '' || this.#atBottom || own) scroller.scrollTop = scroller.scrollHeight;
      this.#lastKey = key;
    }
    const top = this.renderRoot.querySelector('.top-sentinel');
    if (!this.#observer) {
      this.#observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.#loadOlder();
      }, { root: scroller, rootMargin: '200px 0px 0px 0px' });
    }
    this.#observer.disconnect();
    if (top) this.#observer.observe(top);
  }

  #onScroll(): void {
    const scroller = this.#scroller!;
    this.#atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM;
  }

  async #loadOlder(): Promise<void> {
    const chatId = this.chat.id;
    if (this.loadingOlder || this.status !== 'ready' || !this.connection.hasMore(chatId)) return;
    // Only when the agent scrolled up: a short conversation's top is always in view.
    const scroller = this.#scroller;
    if (!scroller || scroller.scrollHeight <= scroller.clientHeight) return;
    const anchor = { height: scroller.scrollHeight, top: scroller.scrollTop };
    this.loadingOlder = true;
    this.#anchor = anchor;
    try {
      await this.connection.loadOlder(chatId);
    } catch {
      // scrolling up again retries
    } finally {
      this.loadingOlder = false;
    }
  }

  // ---- reply box ----

  #send(): void {
    const input = this.#input!;
    const content = input.value.trim();
    if (!content) return;
    this.dispatchEvent(new CustomEvent('reply-send', { detail: content }));
    input.value = '';
    input.style.height = '';
    this.#composer.stopTyping();
    this.#atBottom = true;
    this.requestUpdate();
    input.focus();
  }

  // ---- rendering ----

  #mine(message: Message): boolean {
    return message.sender_type === 'admin' && (this.me.clientIds.has(message.client_id) || (message.sender_name !== null && this.me.names.has(message.sender_name)));
  }

  #rows(): Row[] {
    const rows: Row[] = [];
    const messages = this.connection.messages(this.chat.id);
    let previous: { date: Date; key: string } | null = null;
    const keyOf = (m: Message) => (m.sender_type === 'user' ? 'user' : `admin:${m.sender_name ?? ''}`);
    messages.forEach((message, i) => {
      const date = new Date(message.created_at);
      const key = keyOf(message);
      const newDay = !previous || !sameDay(previous.date, date);
      if (newDay) rows.push({ kind: 'divider', date });
      const first = newDay || previous!.key !== key || date.getTime() - previous!.date.getTime() > GROUP_GAP;
      const next = messages[i + 1];
      const last =
        !next || keyOf(next) !== key || Date.parse(next.created_at) - date.getTime() > GROUP_GAP || !sameDay(new Date(next.created_at), date);
      rows.push({ kind: 'message', message, first, last });
      previous = { date, key };
    });
    const outbox = this.connection.outbox(this.chat.id);
    outbox.forEach((entry, i) => {
      const date = new Date(entry.created_at);
      if (!previous || !sameDay(previous.date, date)) rows.push({ kind: 'divider', date });
      const first = i === 0 && (!previous || !previous.key.startsWith('admin') || !this.#mineKey(previous.key));
      rows.push({ kind: 'outbox', entry, first });
      previous = { date, key: 'outbox' };
    });
    return rows;
  }

  #mineKey(key: string): boolean {
    return [...this.me.names].some((name) => key === `admin:${name}`);
  }

  /** "Seen" goes under the newest agent reply the customer has read. */
  #seenId(): string | null {
    const messages = this.connection.messages(this.chat.id);
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i]!;
      if (message.sender_type === 'admin' && message.read_at) return message.id;
    }
    return null;
  }

  #renderRow(row: Row, seenId: string | null, customer: string): TemplateResult {
    const s = this.strings;
    const locale = this.locale;
    if (row.kind === 'divider') {
      const label = dayLabel(row.date, new Date(), locale);
      return html`<div class="divider" part="divider" role="separator" aria-label=${label}><span>${label}</span></div>`;
    }
    if (row.kind === 'outbox') {
      const { entry } = row;
      const failed = entry.status === 'failed';
      return html`<div class="row admin mine ${failed ? 'failed' : 'pending'} ${row.first ? 'first' : ''}" part="message message-admin" data-client-id=${entry.client_id}>
        ${row.first ? html`<span class="sender">${s.you}</span>` : nothing}
        <div class="bubble">${linkify(entry.content)}</div>
        <div class="meta">
          ${failed
            ? html`<span class="error">${s.failed}</span>
                <button type="button" class="link" @click=${() => this.connection.retry(entry.client_id)}>${s.retry}</button>
                <button type="button" class="link" @click=${() => this.connection.discard(entry.client_id)}>${s.discard}</button>`
            : html`<span>${s.sending}</span>`}
        </div>
      </div>`;
    }
    const { message, first, last } = row;
    const date = new Date(message.created_at);
    const user = message.sender_type === 'user';
    const mine = this.#mine(message);
    const sender = user ? customer : mine ? s.you : message.sender_name ?? s.support;
    return html`<div
      class="row ${user ? 'user' : 'admin'} ${mine ? 'mine' : ''} ${first ? 'first' : ''} ${last ? 'last' : ''}"
      part="message ${user ? 'message-user' : 'message-admin'}"
      data-seq=${message.seq}
    >
      ${first ? html`<span class="sender"><bdi>${sender}</bdi></span>` : html`<span class="sr">${fill(s.sender, { name: isolate(sender) })}</span>`}
      <div class="bubble" title=${formatDateTime(date, locale)}>${linkify(message.content)}</div>
      ${last || message.id === seenId
        ? html`<div class="meta">
            <time datetime=${message.created_at}>${formatTime(date, locale)}</time>
            ${message.id === seenId ? html`<span class="seen">${s.seen}</span>` : nothing}
          </div>`
        : nothing}
    </div>`;
  }

  #renderMessages(customer: string): TemplateResult {
    const s = this.strings;
    if (this.status === 'loading' && this.connection.messages(this.chat.id).length === 0) {
      return html`<div class="ghosts" aria-hidden="true">
          <i class="g user"></i><i class="g user short"></i><i class="g admin"></i><i class="g user"></i><i class="g admin short"></i>
        </div>
        <p class="sr" role="status">${s.loadingMessages}</p>`;
    }
    if (this.status === 'error') {
      return html`<div class="state-error">
        <p>${s.openFailed}</p>
        <button type="button" class="button" @click=${() => this.dispatchEvent(new CustomEvent('conversation-retry'))}>${s.retry}</button>
      </div>`;
    }
    const seenId = this.#seenId();
    return html`${this.connection.hasMore(this.chat.id)
        ? html`<div class="top-sentinel">${this.loadingOlder ? html`<span class="spinner" aria-hidden="true"></span><span class="sr" role="status">${s.loadingOlder}</span>` : nothing}</div>`
        : nothing}
      ${this.#rows().map((row) => this.#renderRow(row, seenId, customer))}
      ${this.userTyping
        ? html`<div class="row user typing" aria-live="polite">
            <div class="bubble"><i></i><i></i><i></i></div>
            <span class="sr">${fill(s.typing, { name: isolate(customer) })}</span>
          </div>`
        : nothing}`;
  }

  override render(): TemplateResult {
    const s = this.strings;
    const chat = this.chat;
    const title = chatTitle(chat, s);
    const subtitle = chatSubtitle(chat);
    const empty = !this.#input?.value.trim();
    return html`<section class="conversation" part="conversation" aria-labelledby="conversation-title">
      <header part="conversation-header">
        <button type="button" class="icon back" part="back-button" aria-label=${s.back} @click=${() => this.dispatchEvent(new CustomEvent('conversation-back'))}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M15 5l-7 7 7 7" /></svg>
        </button>
        <span class="avatar ${hueClass(chat.user_id)}" aria-hidden="true">${initials(chat, s)}</span>
        <div class="who">
          <h2 id="conversation-title" dir="auto">${title}</h2>
          <p class="sub">
            ${subtitle ? html`<span dir="auto">${subtitle}</span>` : nothing}
            ${this.userTyping ? html`<span class="typing-text">${fill(s.typing, { name: isolate(chat.user_name || s.customer) })}</span>` : nothing}
            ${chat.archived ? html`<span class="badge">${s.archivedBadge}</span>` : nothing}
          </p>
        </div>
        <div class="header-actions" part="header-actions">
          <slot name="conversation-actions"></slot>
          <button
            type="button"
            class="button archive"
            part="archive-button"
            title=${chat.archived ? s.restore : s.archive}
            ?disabled=${this.busy}
            @click=${() => this.dispatchEvent(new CustomEvent('conversation-archive', { detail: !chat.archived }))}
          >
            ${chat.archived
              ? html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12a8 8 0 1 0 2.3-5.6M4 4v4h4" /></svg><span class="label">${s.restore}</span>`
              : html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 7h16M6 7v11a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7M9 11h6M5 4h14v3H5z" /></svg><span class="label">${s.archive}</span>`}
          </button>
        </div>
      </header>
      <div class="messages" part="messages" role="log" aria-label=${s.messages} tabindex="0" @scroll=${this.#onScroll}>
        ${this.#renderMessages(chat.user_name || title)}
      </div>
      <form class="composer" part="composer" @submit=${(e: Event) => (e.preventDefault(), this.#send())}>
        <textarea
          part="reply"
          rows="1"
          maxlength="5000"
          aria-label=${s.replyLabel}
          aria-describedby="reply-hint"
          placeholder=${s.replyPlaceholder}
          @keydown=${(event: KeyboardEvent) => sendOnEnter(event, () => this.#send())}
          @input=${this.#composer.input}
        ></textarea>
        <button type="submit" class="send" part="send-button" aria-label=${s.send} ?disabled=${empty}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2.5-6.5z" /></svg>
        </button>
      </form>
      <p class="hint" id="reply-hint">${s.replyHint}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'support-admin-conversation': SupportAdminConversation;
  }
}
