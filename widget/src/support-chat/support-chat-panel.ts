// The chat panel (lazily imported chunk): header with the connection dot, the message list with
// dividers, receipts and the typing indicator, the "New messages" pill, the optional email
// capture, and the composer. Reads everything from the <support-chat> host; events go back
// through the host's connection. The host defines the element after importing this chunk.
// lit-html renders it (text bindings only); a small update loop replaces LitElement, which would
// cost 2 KiB of the budget for what these few lines do.
import { html, nothing, render, type TemplateResult } from 'lit-html';
import type { OutboxEntry } from '../shared/chat-connection.js';
import { composer, sendOnEnter } from '../shared/composer.js';
import { dayLabel, formatDateTime, formatTime, sameDay } from '../shared/format.js';
import { linkify } from '../shared/linkify.js';
import type { Message } from '../shared/protocol.js';
import { panelStyles } from './panel.styles.js';
import type { SupportChat } from './support-chat.component.js';

const NEAR_BOTTOM = 48;
const GROUP_GAP = 5 * 60_000;

type Row =
  | { kind: 'message'; message: Message; last: boolean }
  | { kind: 'outbox'; entry: OutboxEntry }
  | { kind: 'divider'; date: Date };

export class SupportChatPanel extends HTMLElement {
  chat!: SupportChat;
  pill = false;
  loadingOlder = false;
  emailState: 'hidden' | 'asking' | 'invalid' | 'saved' = 'hidden';
  deleteState: 'idle' | 'confirming' | 'deleting' | 'failed' = 'idle';
  /** Resolves once the pending render is on screen. */
  updateComplete: Promise<void> = Promise.resolve();
  #pending: Promise<void> | null = null;
  readonly #root = this.attachShadow({ mode: 'open' });

  #atBottom = true;
  #lastKey = '';
  #scrollAnchor: { height: number; top: number } | null = null;
  readonly #composer = composer(
    140,
    () => this.requestUpdate(),
    (on) => this.#connection.typing(this.#connection.chatId, on),
  );
  #savedEmail = '';
  #reportedLanguage = '';

  constructor() {
    super();
    // Constructable sheets exist wherever the rest of the panel runs; the launcher keeps a fallback.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(panelStyles);
    this.#root.adoptedStyleSheets = [sheet];
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this.chat.close();
      }
    });
  }

  /** Batches changes into one render per microtask, like LitElement. */
  requestUpdate(): void {
    this.updateComplete = this.#pending ??= Promise.resolve().then(() => {
      this.#pending = null;
      if (!this.chat) return;
      this.#willUpdate();
      render(this.#render(), this.#root, { host: this });
      this.#updated();
    });
  }

  #set(patch: Partial<Pick<SupportChatPanel, 'pill' | 'loadingOlder' | 'emailState' | 'deleteState'>>): void {
    const changed = (Object.keys(patch) as Array<keyof typeof patch>).some((key) => this[key] !== patch[key]);
    Object.assign(this, patch);
    if (changed) this.requestUpdate();
  }

  connectedCallback(): void {
    this.requestUpdate();
    window.visualViewport?.addEventListener('resize', this.#onViewport);
    window.visualViewport?.addEventListener('scroll', this.#onViewport);
    this.#onViewport();
  }

  disconnectedCallback(): void {
    window.visualViewport?.removeEventListener('resize', this.#onViewport);
    window.visualViewport?.removeEventListener('scroll', this.#onViewport);
  }

  /** Mobile: keep the full-screen panel above the on-screen keyboard. */
  readonly #onViewport = () => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    this.style.setProperty('--_vvh', `${viewport.height}px`);
    this.style.setProperty('--_vvtop', `${viewport.offsetTop}px`);
    if (this.#atBottom) this.#scrollToBottom();
  };

  focusInput(): void {
    this.#input?.focus();
  }

  get #input(): HTMLTextAreaElement | null {
    return this.#root.querySelector('textarea');
  }

  get #list(): HTMLElement | null {
    return this.#root.querySelector('.messages');
  }

  get #connection() {
    return this.chat.connection;
  }

  // ---- scrolling ----

  #willUpdate(): void {
    const list = this.#list;
    if (list && this.loadingOlder) this.#scrollAnchor = { height: list.scrollHeight, top: list.scrollTop };
  }

  #updated(): void {
    const list = this.#list;
    if (!list) return;
    if (this.#scrollAnchor && !this.loadingOlder) {
      // Older messages went in above: keep the one the reader was looking at in place.
      list.scrollTop = this.#scrollAnchor.top + (list.scrollHeight - this.#scrollAnchor.height);
      this.#scrollAnchor = null;
    }
    const messages = this.#connection.messages();
    const outbox = this.#connection.outbox(this.#connection.chatId);
    const last = messages[messages.length - 1];
    const key = `${last?.id ?? ''}|${outbox.length}|${this.chat.adminTyping}`;
    if (key !== this.#lastKey) {
      const first = this.#lastKey === '';
      this.#lastKey = key;
      const own = outbox.length > 0 || last?.sender_type === 'user';
      if (first || this.#atBottom || own) this.#scrollToBottom();
      else if (last) this.#set({ pill: true });
    }
    this.#showEmailPrompt();
    this.#reportLanguage();
  }

  /** Jumps (never animates: a smooth scroll would pass the top and trigger a history load). */
  #scrollToBottom(): void {
    const list = this.#list;
    if (!list) return;
    list.scrollTop = list.scrollHeight;
    this.#atBottom = true;
    this.#set({ pill: false });
  }

  #onScroll(): void {
    const list = this.#list!;
    this.#atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM;
    if (this.#atBottom) this.#set({ pill: false });
    if (list.scrollTop < 80 && this.#connection.hasMore() && !this.loadingOlder) void this.#loadOlder();
  }

  async #loadOlder(): Promise<void> {
    const list = this.#list;
    if (list) this.#scrollAnchor = { height: list.scrollHeight, top: list.scrollTop };
    this.#set({ loadingOlder: true });
    try {
      await this.#connection.loadOlder();
    } catch {
      // the next scroll to the top tries again
    } finally {
      this.#set({ loadingOlder: false });
    }
  }

  // ---- composer ----

  #send(): void {
    const input = this.#input!;
    const content = input.value.trim();
    if (!content) return;
    this.#connection.send(content);
    input.value = '';
    input.style.height = 'auto';
    this.#composer.stopTyping();
    this.#scrollToBottom();
    this.requestUpdate();
    input.focus();
  }

  // ---- email capture (anonymous visitors) ----

  get #contactKey(): string {
    return `support-chat:contact:${this.chat.baseUrl}:${this.#connection.ready?.user.sub ?? ''}`;
  }

  #showEmailPrompt(): void {
    if (this.emailState !== 'hidden' || !this.chat.anonymous) return;
    const sentSomething =
      this.#connection.outbox().length > 0 || this.#connection.messages().some((m) => m.sender_type === 'user');
    if (!sentSomething || !this.#connection.ready) return;
    try {
      if (localStorage.getItem(this.#contactKey)) return;
    } catch {
      return;
    }
    this.#set({ emailState: 'asking' });
  }

  /** Tells the server the visitor's language once per session, so reply emails are written in it. */
  #reportLanguage(): void {
    const tag = this.chat.language.tag;
    const key = `${this.#contactKey}:locale`;
    if (!this.#connection.ready || this.#reportedLanguage === key + tag) return;
    this.#reportedLanguage = key + tag;
    try {
      if (sessionStorage.getItem(key) === tag) return;
      sessionStorage.setItem(key, tag);
    } catch {
      // storage blocked: once per page instead
    }
    // A failure is tried again on the next page load, not on every render.
    this.#connection.api.request('PATCH', '/api/chat/contact', { locale: tag }).catch(() => {
      try {
        sessionStorage.removeItem(key);
      } catch {
        // as above
      }
    });
  }

  async #saveEmail(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const field = (event.target as HTMLFormElement).elements.namedItem('email') as HTMLInputElement;
    const email = field.value.trim();
    if (!field.checkValidity() || !email) {
      this.#set({ emailState: 'invalid' });
      return;
    }
    try {
      await this.#connection.api.request('PATCH', '/api/chat/contact', { email });
      this.#savedEmail = email;
      this.#set({ emailState: 'saved' });
      localStorage.setItem(this.#contactKey, 'saved');
    } catch {
      this.#set({ emailState: 'invalid' });
    }
  }

  #dismissEmail(): void {
    this.#set({ emailState: 'saved' });
    this.#savedEmail = '';
    try {
      localStorage.setItem(this.#contactKey, 'dismissed');
    } catch {
      // only this session then
    }
  }

  // ---- rendering ----

  #rows(): Row[] {
    const rows: Row[] = [];
    const messages = this.#connection.messages();
    let previous: Date | null = null;
    messages.forEach((message, i) => {
      const date = new Date(message.created_at);
      if (!previous || !sameDay(previous, date)) rows.push({ kind: 'divider', date });
      previous = date;
      const next = messages[i + 1];
      const last =
        !next ||
        next.sender_type !== message.sender_type ||
        Date.parse(next.created_at) - date.getTime() > GROUP_GAP ||
        !sameDay(new Date(next.created_at), date);
      rows.push({ kind: 'message', message, last });
    });
    const outbox = this.#connection.outbox(this.#connection.chatId);
    for (const entry of outbox) {
      const date = new Date(entry.created_at);
      if (!previous || !sameDay(previous, date)) rows.push({ kind: 'divider', date });
      previous = date;
      rows.push({ kind: 'outbox', entry });
    }
    return rows;
  }

  #renderRow(row: Row, seenId: string | null): TemplateResult {
    const s = this.chat.strings;
    if (row.kind === 'divider') {
      return html`<div class="divider" part="divider" role="separator"><span>${dayLabel(row.date, new Date(), this.chat.language.tag)}</span></div>`;
    }
    if (row.kind === 'outbox') {
      const { entry } = row;
      const failed = entry.status === 'failed';
      return html`<div class="row user ${failed ? 'failed' : 'pending'}" part="message message-user">
        <div class="bubble">${linkify(entry.content)}</div>
        <div class="meta">
          ${failed
            ? html`<span class="error">${s.failed}</span>
                <button type="button" class="link" @click=${() => this.#connection.retry(entry.client_id)}>${s.retry}</button>
                <button type="button" class="link" @click=${() => this.#connection.discard(entry.client_id)}>${s.discard}</button>`
            : html`<span>${s.sending}</span>`}
        </div>
      </div>`;
    }
    const { message, last } = row;
    const date = new Date(message.created_at);
    const user = message.sender_type === 'user';
    return html`<div
      class="row ${user ? 'user' : 'admin'} ${last ? 'last' : ''}"
      part="message ${user ? 'message-user' : 'message-admin'}"
      data-seq=${message.seq}
    >
      ${!user && last ? html`<span class="avatar" aria-hidden="true">${(message.sender_name ?? s.support).charAt(0)}</span>` : nothing}
      <div class="bubble" title=${formatDateTime(date, this.chat.language.tag)}><span class="sr">${user ? s.you : message.sender_name ?? s.support}: </span>${linkify(message.content)}</div>
      ${last || message.id === seenId
        ? html`<div class="meta">
            ${!user && message.sender_name ? html`<span>${message.sender_name}</span> · ` : nothing}
            <time datetime=${message.created_at}>${formatTime(date, this.chat.language.tag)}</time>
            ${message.id === seenId ? html` · <span class="seen">${s.seen}</span>` : nothing}
          </div>`
        : nothing}
    </div>`;
  }

  /** "Seen": the user's last message, once an admin opened the chat after it was written. */
  #seenMessageId(): string | null {
    const viewed = this.chat.adminViewedAt;
    if (!viewed) return null;
    const messages = this.#connection.messages();
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i]!;
      if (message.sender_type === 'user') return Date.parse(viewed) >= Date.parse(message.created_at) ? message.id : null;
    }
    return null;
  }

  #renderEmail(): TemplateResult | typeof nothing {
    const s = this.chat.strings;
    if (this.emailState === 'hidden') return nothing;
    if (this.emailState === 'saved') {
      return this.#savedEmail ? html`<p class="email-done" part="email-form">${s.emailSaved.replace('{email}', this.#savedEmail)}</p>` : nothing;
    }
    return html`<form class="email" part="email-form" @submit=${this.#saveEmail} novalidate>
      <label for="email"><strong>${s.emailPrompt}</strong><span>${s.emailHint}</span></label>
      <div class="email-row">
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          inputmode="email"
          required
          placeholder=${s.emailPlaceholder}
          aria-invalid=${this.emailState === 'invalid' ? 'true' : 'false'}
          aria-describedby="email-error"
        />
        <button type="submit" class="small">${s.emailSave}</button>
      </div>
      <div id="email-error" class="error" aria-live="polite">${this.emailState === 'invalid' ? s.emailInvalid : ''}</div>
      <button type="button" class="link" @click=${this.#dismissEmail}>${s.dismiss}</button>
    </form>`;
  }

  #renderDeleteConfirm(): TemplateResult | typeof nothing {
    if (this.deleteState === 'idle') return nothing;
    const s = this.chat.strings;
    return html`<div class="confirm" part="delete-confirm" role="alertdialog" aria-label=${s.deleteConversation}>
      <p>${this.deleteState === 'failed' ? s.deleteFailed : s.deleteConfirm}</p>
      <div class="actions">
        <button type="button" class="danger" ?disabled=${this.deleteState === 'deleting'} @click=${this.#deleteConversation}>
          ${s.deleteAction}
        </button>
        <button type="button" class="link" @click=${() => this.#set({ deleteState: 'idle' })}>${s.cancel}</button>
      </div>
    </div>`;
  }

  readonly #deleteConversation = async () => {
    this.#set({ deleteState: 'deleting' });
    try {
      await this.#connection.deleteConversation();
      this.#set({ deleteState: 'idle', emailState: 'hidden' });
      this.focusInput();
    } catch {
      this.#set({ deleteState: 'failed' });
    }
  };

  #render(): TemplateResult {
    const chat = this.chat;
    const s = chat.strings;
    const state = chat.state;
    const seenId = this.#seenMessageId();
    const empty = !this.#input?.value.trim();
    const title = chat.title || s.defaultTitle;
    return html`<section class="panel" part="panel">
      <header part="header">
        <div class="brand" aria-hidden="true">
          <svg viewBox="0 0 24 24">
            <path
              d="M12 3C6.98 3 3 6.58 3 11c0 2.08.89 3.97 2.34 5.39-.13 1.3-.6 2.68-1.64 3.72 2.07.06 3.86-.73 5.08-1.58.99.3 2.07.47 3.22.47 5.02 0 9-3.58 9-8s-3.98-8-9-8z"
            />
          </svg>
        </div>
        <div class="heading">
          <h2 part="title">${title}</h2>
          <p class="status" part="status">
            <span class="dot ${state}" aria-hidden="true"></span>
            <span class="sr">${s.connectionLabel}: </span><span class="state">${s[state]}</span>
          </p>
        </div>
        ${this.#connection.messages().length > 0
          ? html`<button
              type="button"
              class="delete"
              part="delete-button"
              aria-label=${s.deleteConversation}
              title=${s.deleteConversation}
              @click=${() => this.#set({ deleteState: 'confirming' })}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6" /></svg>
            </button>`
          : nothing}
        <button type="button" class="close" part="close-button" aria-label=${s.close} @click=${() => chat.close()}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
        </button>
      </header>
      ${this.#renderDeleteConfirm()}
      <div class="body">
        <div
          class="messages"
          part="messages"
          role="log"
          aria-live="polite"
          aria-label=${s.messages}
          tabindex="0"
          @scroll=${this.#onScroll}
        >
          ${this.loadingOlder ? html`<div class="loading" role="status">${s.loadingOlder}</div>` : nothing}
          ${this.#connection.hasMore()
            ? nothing
            : html`<div class="row admin last greeting">
                <span class="avatar" aria-hidden="true">${title.charAt(0)}</span>
                <div class="bubble">${chat.greeting || s.defaultGreeting}</div>
                <div class="meta">${s.replyTime}</div>
              </div>`}
          ${this.#rows().map((row) => this.#renderRow(row, seenId))} ${this.#renderEmail()}
          ${chat.adminTyping
            ? html`<div class="row admin typing">
                <div class="bubble"><i></i><i></i><i></i><span class="sr">${s.typing}</span></div>
              </div>`
            : nothing}
        </div>
        ${this.pill
          ? html`<button type="button" class="pill" part="new-messages" @click=${this.#scrollToBottom}>
              ${s.newMessages} <span aria-hidden="true">↓</span>
            </button>`
          : nothing}
      </div>
      <form class="composer" part="composer" @submit=${(e: Event) => (e.preventDefault(), this.#send())}>
        <textarea
          part="input"
          rows="1"
          maxlength="5000"
          aria-label=${s.inputLabel}
          placeholder=${s.placeholder}
          enterkeyhint="send"
          @keydown=${(event: KeyboardEvent) => sendOnEnter(event, () => this.#send())}
          @input=${this.#composer.input}
        ></textarea>
        <button type="submit" class="send" part="send-button" aria-label=${s.send} ?disabled=${empty}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2.5-6.5z" /></svg>
        </button>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'support-chat-panel': SupportChatPanel;
  }
}
