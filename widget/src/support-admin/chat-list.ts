// The left pane: title, connection state, search, Active / Archived tabs with counts and the cards,
// newest activity first, with infinite scroll. Keyboard: ↑ ↓ Home End move between cards (one
// tab stop for the whole list), Enter opens. Reads the InboxStore; says `chat-select` when a card
// is chosen and `list-tab` / `list-search` / `list-more` for the host to act on.
import { LitElement, html, nothing, unsafeCSS, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ConnectionState } from '../shared/chat-connection.js';
import { fill, plural } from '../i18n/i18n.js';
import { formatDateTime, relativeTime } from '../shared/format.js';
import { tokenRules } from '../shared/tokens.styles.js';
import { chatSubtitle, chatTitle, formatCount, hueClass, initials, isolate } from './chat-display.js';
import { chatListStyles } from './chat-list.styles.js';
import type { InboxStore, ListChat, Tab } from './inbox-store.js';
import type { Strings } from './strings.js';

const SEARCH_DEBOUNCE = 250;

export class SupportAdminChatList extends LitElement {
  static override styles = unsafeCSS(tokenRules + chatListStyles);
  static override properties = {
    store: { attribute: false },
    strings: { attribute: false },
    locale: { attribute: false },
    selectedId: { attribute: false },
    state: { attribute: false },
    now: { attribute: false },
    actions: { attribute: false },
  };

  declare store: InboxStore;
  declare strings: Strings;
  /** The language tag for Intl: counts, plurals, times. */
  declare locale: string;
  declare selectedId: string | null;
  declare state: ConnectionState;
  /** Re-rendered by the host every so often so relative times tick. */
  declare now: number;
  /** Header controls (notifications, sound) rendered by the host. */
  declare actions: TemplateResult | typeof nothing;

  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #observer: IntersectionObserver | undefined;
  #focusId: string | null = null;

  constructor() {
    super();
    this.locale = 'en';
    this.selectedId = null;
    this.state = 'connecting';
    this.now = Date.now();
    this.actions = nothing;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#observer = undefined;
    clearTimeout(this.#searchTimer);
  }

  /** Moves keyboard focus to a card (the selected one by default). */
  async focusCard(id: string | null = this.selectedId): Promise<void> {
    await this.updateComplete;
    const cards = this.#cards();
    const card = cards.find((c) => c.dataset.id === id) ?? cards[0];
    if (card) {
      this.#focusId = card.dataset.id ?? null;
      this.requestUpdate();
      await this.updateComplete;
      card.focus();
    } else {
      this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
    }
  }

  #cards(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.card')];
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const sentinel = this.renderRoot.querySelector('.sentinel');
    const scroller = this.renderRoot.querySelector('.scroller');
    if (!this.#observer && scroller) {
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) this.#emit('list-more');
        },
        { root: scroller, rootMargin: '0px 0px 240px 0px' },
      );
    }
    if (sentinel && this.#observer) {
      // Re-observe: a sentinel that stays in view after a page loaded fires again, loading the next.
      this.#observer.disconnect();
      this.#observer.observe(sentinel);
    }
  }

  #emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #onSearch(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#emit('list-search', value), SEARCH_DEBOUNCE);
  }

  #clearSearch(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]');
    if (input) {
      input.value = '';
      input.focus();
    }
    clearTimeout(this.#searchTimer);
    this.#emit('list-search', '');
  }

  #onTabKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next: Tab = this.store.tab === 'active' ? 'archived' : 'active';
    this.#emit('list-tab', next);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  }

  #onCardKey(event: KeyboardEvent): void {
    const cards = this.#cards();
    const index = cards.indexOf(event.currentTarget as HTMLButtonElement);
    let next = -1;
    if (event.key === 'ArrowDown') next = Math.min(cards.length - 1, index + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, index - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = cards.length - 1;
    else return;
    event.preventDefault();
    const card = cards[next];
    if (!card) return;
    this.#focusId = card.dataset.id ?? null;
    this.requestUpdate();
    card.focus();
    card.scrollIntoView({ block: 'nearest' });
  }

  #renderTab(tab: Tab): TemplateResult {
    const s = this.strings;
    const store = this.store;
    const selected = store.tab === tab;
    const count = store.counts[tab];
    const unread = tab === 'active' && store.counts.unread > 0;
    return html`<button
      type="button"
      role="tab"
      id="tab-${tab}"
      class="tab"
      aria-selected=${selected ? 'true' : 'false'}
      aria-controls="panel"
      tabindex=${selected ? '0' : '-1'}
      @click=${() => this.#emit('list-tab', tab)}
      @keydown=${this.#onTabKey}
    >
      <span>${tab === 'active' ? s.active : s.archived}</span>
      ${store.countsKnown
        ? html`<span class="count ${unread ? 'has-unread' : ''}" data-count=${tab}>${formatCount(count, store.countCap, s, this.locale)}</span>`
        : nothing}
      ${unread ? html`<span class="sr">${plural(s.unreadCount, store.counts.unread, this.locale)}</span>` : nothing}
    </button>`;
  }

  #renderCard(chat: ListChat, focusId: string | null): TemplateResult {
    const s = this.strings;
    const locale = this.locale;
    const title = chatTitle(chat, s);
    const subtitle = chatSubtitle(chat);
    const when = chat.last_message_at ? new Date(chat.last_message_at) : null;
    const selected = chat.id === this.selectedId;
    return html`<li>
      <button
        type="button"
        class="card ${chat.unread ? 'unread' : ''} ${selected ? 'selected' : ''}"
        part="card"
        data-id=${chat.id}
        tabindex=${chat.id === focusId ? '0' : '-1'}
        aria-current=${selected ? 'true' : 'false'}
        @click=${() => this.#emit('chat-select', chat.id)}
        @keydown=${this.#onCardKey}
        @focus=${() => (this.#focusId = chat.id)}
      >
        <span class="avatar ${hueClass(chat.user_id)}" aria-hidden="true">${initials(chat, s)}</span>
        <span class="body">
          <span class="top">
            <span class="name" dir="auto">${title}</span>
            ${chat.unread ? html`<span class="unread-dot" role="img" aria-label=${s.unread}></span>` : nothing}
          </span>
          ${subtitle ? html`<span class="subtitle" dir="auto">${subtitle}</span>` : nothing}
          <span class="preview"
            >${chat.last_message_sender === 'admin' ? html`<span class="you">${s.youPrefix} </span>` : nothing}${chat.last_message_preview === null
              ? s.noPreview
              : html`<bdi>${chat.last_message_preview}</bdi>`}</span
          >
          <span class="meta"
            ><span class="messages">${plural(s.messageCount, chat.message_count, locale)}</span>${when
              ? html`<time datetime=${chat.last_message_at!} title=${formatDateTime(when, locale)}>${relativeTime(when, new Date(this.now), locale)}</time>`
              : nothing}</span
          >
        </span>
      </button>
    </li>`;
  }

  #renderBody(): TemplateResult {
    const s = this.strings;
    const list = this.store.current;
    if (list.status === 'loading' || list.status === 'idle') {
      return html`<ul class="cards skeleton" aria-hidden="true">
          ${[0, 1, 2, 3, 4, 5].map(
            () => html`<li class="card ghost"><span class="avatar"></span><span class="body"><i></i><i></i><i></i></span></li>`,
          )}
        </ul>
        <p class="sr" role="status">${s.loading}</p>`;
    }
    if (list.status === 'error') {
      return html`<div class="empty">
        <p class="empty-title">${s.loadError}</p>
        <button type="button" class="button" @click=${() => this.#emit('list-retry')}>${s.retry}</button>
      </div>`;
    }
    if (list.chats.length === 0) {
      const q = list.q.trim();
      const archived = this.store.tab === 'archived';
      return html`<div class="empty" data-empty=${this.store.tab}>
        <svg viewBox="0 0 48 48" aria-hidden="true" class="empty-icon">
          <rect x="6" y="10" width="36" height="28" rx="6" />
          <path d="M6 26h10l3 5h10l3-5h10" />
        </svg>
        <p class="empty-title">${q ? fill(s.emptySearch, { query: isolate(q) }) : archived ? s.emptyArchived : s.emptyActive}</p>
        <p class="empty-hint">${q ? s.emptySearchHint : archived ? s.emptyArchivedHint : s.emptyActiveHint}</p>
      </div>`;
    }
    const ids = list.chats.map((c) => c.id);
    const focusId = this.#focusId && ids.includes(this.#focusId) ? this.#focusId : this.selectedId && ids.includes(this.selectedId) ? this.selectedId : ids[0]!;
    return html`<ul class="cards" aria-label=${s.chats}>
        ${repeat(
          list.chats,
          (chat) => chat.id,
          (chat) => this.#renderCard(chat, focusId),
        )}
      </ul>
      ${list.cursor ? html`<div class="sentinel"><span class="spinner" aria-hidden="true"></span><span class="sr">${s.loadingMore}</span></div>` : nothing}`;
  }

  override render(): TemplateResult {
    const s = this.strings;
    const state = this.state;
    const q = this.store.q;
    return html`<header part="list-header">
        <div class="title-row">
          <h1>${s.title}</h1>
          <span class="status ${state}" part="status" role="status">
            <span class="dot" aria-hidden="true"></span>
            <span class="sr">${s.connectionLabel} </span>${s[state]}
          </span>
        </div>
        <div class="actions">${this.actions}</div>
      </header>
      <div class="search" role="search">
        <svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="11" cy="11" r="6.5" /><path d="M16 16l4.5 4.5" /></svg>
        <input type="search" part="search" .value=${q} placeholder=${s.search} aria-label=${s.search} @input=${this.#onSearch} />
        ${q
          ? html`<button type="button" class="clear" aria-label=${s.clearSearch} @click=${this.#clearSearch}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 7l10 10M17 7L7 17" /></svg>
            </button>`
          : nothing}
      </div>
      <div class="tabs" role="tablist" aria-label=${s.tabs}>${this.#renderTab('active')}${this.#renderTab('archived')}</div>
      <div class="scroller" id="panel" role="tabpanel" aria-labelledby="tab-${this.store.tab}" aria-busy=${this.store.current.status === 'loading' ? 'true' : 'false'}>
        ${this.#renderBody()}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'support-admin-chat-list': SupportAdminChatList;
  }
}
