/**
 * `<support-admin>`: the live support inbox. A chat list (Active / Archived, search, infinite
 * scroll) beside the open conversation on wide screens, one pane with back navigation on narrow
 * ones (container query, so it follows the element's width, not the window's). Everything is
 * live through the shared ChatConnection: `subscribe({channel:'admin'})` for the list,
 * `subscribe({channel:'chat'})` for the open conversation.
 *
 * Attributes: server (default: the script's origin), token (an admin JWT), muted (no sound),
 * no-hash (do not keep the open chat in `#chat=<id>`), page-size (cards per list page, default 30),
 * lang (the language; default: the nearest `lang` in the page, else the browser's).
 * Properties: the same in camelCase, plus `strings` (partial overrides in, the strings in use out)
 * and `language` (read-only: `{ tag, lang, rtl }` in use).
 * Events: support-unread-change {count} (unread active chats), support-connection-change {state},
 * support-token-expired {reason} (set a fresh `token`).
 * Slot: `conversation-actions` (extra buttons in the conversation header).
 * Parts: list, conversation, and from them list-header, status, search, card, conversation-header,
 * header-actions, back-button, archive-button, messages, message, message-user, message-admin,
 * divider, composer, reply, send-button, toast.
 */
import { LitElement, html, nothing, unsafeCSS, type TemplateResult } from 'lit';
import { chooseLanguage, fetchCatalogue, fill, knownOverrides, type LanguageChoice } from '../i18n/i18n.js';
import { ApiError } from '../shared/api-client.js';
import type { ChatConnection, ConnectionState } from '../shared/chat-connection.js';
import { ChatConnectionController } from '../shared/chat-connection.controller.js';
import { emit } from '../shared/events.js';
import type { AdminChatResponse, ServerFrame } from '../shared/protocol.js';
import { tokenRules } from '../shared/tokens.styles.js';
import { notificationPermission, notify, playPing, requestNotifications, type NotificationPermissionState } from './attention.js';
import { chatTitle, tokenClaims } from './chat-display.js';
import { SupportAdminChatList } from './chat-list.js';
import { SupportAdminConversation, type Me } from './conversation.js';
import { InboxStore, type ListChat, type Tab } from './inbox-store.js';
import { strings as english, type Strings } from './strings.js';
import { supportAdminStyles } from './support-admin.styles.js';

const HASH_KEY = 'chat';
const TICK = 30_000;
const TYPING_TIMEOUT = 8000;
const TOAST_TIME = 6000;
/** While the socket is down the list is refreshed over REST this often (the admin channel has no replay). */
const OFFLINE_REFRESH = 15_000;
const ENGLISH: LanguageChoice = { tag: 'en', lang: 'en', rtl: false };
const BELL = 'M18 16v-5a6 6 0 1 0-12 0v5l-2 2h16zM10 20a2 2 0 0 0 4 0';
const CROSS = 'M7 7l10 10M17 7L7 17';

interface Toast {
  id: number;
  text: string;
  retry?: () => void;
}

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The origin the bundle was loaded from: the default `server`. */
function scriptOrigin(): string {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
}

function hashChatId(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get(HASH_KEY);
  return id && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

export class SupportAdmin extends LitElement {
  static override styles = unsafeCSS(tokenRules + supportAdminStyles);
  static override properties = {
    server: { type: String },
    token: { type: String },
    muted: { type: Boolean, reflect: true },
    noHash: { type: Boolean, attribute: 'no-hash' },
    pageSize: { type: Number, attribute: 'page-size' },
    openId: { state: true },
    openChat: { state: true },
    conversationStatus: { state: true },
    archiving: { state: true },
    userTyping: { state: true },
    toasts: { state: true },
    permission: { state: true },
    now: { state: true },
  };

  declare server: string;
  declare token: string;
  declare muted: boolean;
  declare noHash: boolean;
  /** Cards per list page (1–100). */
  declare pageSize: number;
  declare openId: string | null;
  declare openChat: ListChat | null;
  declare conversationStatus: 'loading' | 'ready' | 'error';
  declare archiving: boolean;
  declare userTyping: boolean;
  declare toasts: Toast[];
  declare permission: NotificationPermissionState;
  declare now: number;

  /** The language in use: `tag` for Intl, `lang` for the catalogue, `rtl` for layout. */
  language: LanguageChoice = ENGLISH;
  #catalogue: Partial<Strings> = {};
  #overrides: Partial<Strings> = {};
  #strings: Strings = english;
  /** The choice whose catalogue is on its way; the inbox keeps its current language until it lands. */
  #choosing: LanguageChoice | null = null;
  /** False until the first catalogue is in: nothing renders before, so English never flashes first. */
  #languageReady = false;
  #controller: ChatConnectionController | null = null;
  #store: InboxStore | null = null;
  #toastId = 0;
  #lastUnread = -1;
  #everReady = false;
  #tick: ReturnType<typeof setInterval> | undefined;
  #offlineRefresh: ReturnType<typeof setInterval> | undefined;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #sentClientIds = new Set<string>();

  constructor() {
    super();
    this.server = '';
    this.token = '';
    this.muted = false;
    this.noHash = false;
    this.pageSize = 30;
    this.openId = null;
    this.openChat = null;
    this.conversationStatus = 'loading';
    this.archiving = false;
    this.userTyping = false;
    this.toasts = [];
    this.permission = notificationPermission();
    this.now = Date.now();
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  /** The strings in use (English, the chosen language, then the site's overrides). */
  get strings(): Strings {
    return this.#strings;
  }
  /** Site overrides of any documented key; unknown keys are reported once and ignored. */
  set strings(overrides: Partial<Strings>) {
    this.#overrides = knownOverrides(english, overrides, 'support-admin') as Partial<Strings>;
    this.#applyStrings();
  }

  get baseUrl(): string {
    return (this.server || scriptOrigin()).replace(/\/+$/, '');
  }

  get connection(): ChatConnection {
    return this.#controller!.connection;
  }

  get store(): InboxStore {
    return this.#store!;
  }

  get state(): ConnectionState {
    return this.#controller?.connection.state ?? 'connecting';
  }

  /** Unread active chats (the server's count). */
  get unreadCount(): number {
    return this.#store?.counts.unread ?? 0;
  }

  // ---- lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    // A `strings` set before the element was defined is an own property hiding the setter.
    if (Object.hasOwn(this, 'strings')) {
      const overrides = this.strings;
      Reflect.deleteProperty(this, 'strings');
      this.strings = overrides;
    }
    this.#chooseLanguage();
    this.#store ??= new InboxStore(
      this.#api(),
      () => this.#onStoreChange(),
      (error, retry) => this.#toast(this.#errorText(error, this.strings.loadError), retry),
    );
    if (!this.#controller) {
      // Created here, not in the constructor: `server` and `token` are attributes, read once connected.
      this.#controller = new ChatConnectionController(
        this,
        {
          server: this.baseUrl,
          token: this.token || null,
          storage: safeStorage(),
          storagePrefix: 'support-admin:outbox',
          rest: {
            messages: (chatId, query) => `/api/admin/chats/${chatId}?${query}`,
            send: (chatId) => `/api/admin/chats/${chatId}/messages`,
            read: () => null,
          },
        },
        {
          state: (state) => this.#onState(state),
          ready: () => this.#onReady(),
          frame: (frame) => this.#onFrame(frame),
          'token-expired': ({ reason }) => {
            emit(this, 'support-token-expired', { reason });
          },
        },
      );
      this.connection.subscribe({ channel: 'admin' });
    }
    this.store.pageSize = Math.min(100, Math.max(1, Math.floor(this.pageSize) || 30));
    void this.store.load(this.store.tab);
    this.#tick = setInterval(() => (this.now = Date.now()), TICK);
    window.addEventListener('hashchange', this.#onHash);
    document.addEventListener('visibilitychange', this.#onVisible);
    if (!this.noHash) {
      const id = hashChatId();
      if (id) void this.openConversation(id, { focus: false });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    clearInterval(this.#offlineRefresh);
    this.#offlineRefresh = undefined;
    this.#store?.dispose();
    window.removeEventListener('hashchange', this.#onHash);
    document.removeEventListener('visibilitychange', this.#onVisible);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang' && this.isConnected) this.#chooseLanguage();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('token') && this.#controller && changed.get('token') !== undefined) {
      this.connection.setToken(this.token || null);
    }
  }

  #api() {
    // The connection's client reads the current token on every call.
    return { request: <T>(...args: Parameters<ChatConnection['api']['request']>) => this.connection.api.request<T>(...args) };
  }

  // ---- language ----

  /** Picks the language; English applies at once, another once its catalogue is fetched. */
  #chooseLanguage(): void {
    const choice = chooseLanguage(this);
    const current = this.#choosing ?? (this.#languageReady ? this.language : null);
    if (current?.tag === choice.tag) return;
    this.#choosing = choice;
    if (choice.lang === 'en') {
      this.#useLanguage(choice, {});
      return;
    }
    void fetchCatalogue(this.baseUrl, 'admin', choice.lang).then((catalogue) => {
      if (this.#choosing !== choice) return;
      // Unreachable catalogue: all English (text, dates and direction), not English words laid out right to left.
      this.#useLanguage(Object.keys(catalogue).length ? choice : ENGLISH, catalogue as Partial<Strings>);
    });
  }

  #useLanguage(choice: LanguageChoice, catalogue: Partial<Strings>): void {
    this.#choosing = null;
    this.#languageReady = true;
    this.language = choice;
    this.#catalogue = catalogue;
    this.#applyStrings();
  }

  #applyStrings(): void {
    this.#strings = { ...english, ...this.#catalogue, ...this.#overrides };
    this.requestUpdate();
  }

  // ---- connection ----

  #onState(state: ConnectionState): void {
    emit(this, 'support-connection-change', { state });
    if (state === 'connected') {
      clearInterval(this.#offlineRefresh);
      this.#offlineRefresh = undefined;
    } else if (this.#everReady && this.#offlineRefresh === undefined) {
      this.#offlineRefresh = setInterval(() => void this.store.reload(), OFFLINE_REFRESH);
    }
  }

  #onReady(): void {
    // The admin channel is not replayed: after a reconnect the list is reloaded.
    if (this.#everReady) void this.store.reload();
    this.#everReady = true;
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'chat_updated':
        this.#applyItem(frame.chat);
        break;
      case 'new_user_message':
        if (frame.chat_id !== this.openId) this.connection.forget(frame.chat_id);
        if (frame.chat_id === this.openId) this.#setUserTyping(false);
        this.#attention(frame);
        break;
      case 'typing':
        if (frame.sender_type === 'user' && frame.chat_id === this.openId) this.#setUserTyping(frame.typing);
        break;
      case 'chat_deleted':
        this.#chatDeleted(frame.chat_id);
        break;
      case 'unsubscribed':
        if (frame.channel === 'chat' && frame.chat_id && frame.chat_id === this.openId) {
          this.#toast(this.strings.chatNotFound);
          this.closeConversation();
        }
        break;
      case 'error':
        if (!frame.client_id && frame.code === 'chat_not_found' && this.openId) {
          this.#toast(this.strings.chatNotFound);
          this.closeConversation();
        }
        break;
      default:
        break;
    }
  }

  #chatDeleted(chatId: string): void {
    this.store.remove(chatId);
    this.connection.forget(chatId);
    if (chatId === this.openId) this.closeConversation();
  }

  /** Places a live item; the open, visible conversation is read as it arrives. */
  #applyItem(item: ListChat): void {
    const viewing = item.id === this.openId && this.conversationStatus === 'ready' && document.visibilityState === 'visible';
    if (viewing && item.unread) {
      this.connection.markViewed(item.id, item.last_seq ?? this.connection.highestSeq(item.id));
      item = { ...item, unread: false };
    }
    this.store.apply(item);
    if (item.id === this.openId) this.openChat = item;
  }

  #attention(frame: Extract<ServerFrame, { type: 'new_user_message' }>): void {
    const visible = document.visibilityState === 'visible';
    if (frame.chat_id === this.openId && visible) return;
    if (!this.muted) playPing();
    if (!visible || !document.hasFocus()) {
      const s = this.strings;
      const known = this.store.find(frame.chat_id);
      const who = frame.user_email ?? (known ? chatTitle(known, s) : s.customer);
      notify(fill(s.newMessageFrom, { name: who }), frame.message.content.slice(0, 140), `support-admin:${frame.chat_id}`, () =>
        void this.openConversation(frame.chat_id),
      );
    }
  }

  #setUserTyping(typing: boolean): void {
    clearTimeout(this.#typingTimer);
    this.userTyping = typing;
    if (typing) this.#typingTimer = setTimeout(() => (this.userTyping = false), TYPING_TIMEOUT);
  }

  readonly #onVisible = () => {
    const id = this.openId;
    if (document.visibilityState !== 'visible' || !id || this.conversationStatus !== 'ready') return;
    if (this.store.find(id)?.unread || this.openChat?.unread) {
      this.connection.markViewed(id);
      this.store.markSeen(id);
    }
  };

  #onStoreChange(): void {
    this.requestUpdate();
    const store = this.#store;
    if (!store?.countsKnown) return;
    const count = store.counts.unread;
    if (count !== this.#lastUnread) {
      this.#lastUnread = count;
      emit(this, 'support-unread-change', { count });
    }
  }

  // ---- conversation ----

  /** Opens a chat: loads its newest page (which records the view) and follows it live. */
  async openConversation(id: string, { focus = true }: { focus?: boolean } = {}): Promise<void> {
    if (this.openId !== id) {
      this.#leave();
      this.openId = id;
      this.openChat = this.store.find(id) ?? null;
      this.userTyping = false;
      this.#writeHash(id);
    }
    this.conversationStatus = 'loading';
    this.connection.forget(id);
    try {
      const data = await this.connection.api.request<AdminChatResponse>('GET', `/api/admin/chats/${id}?limit=50`);
      if (this.openId !== id) return;
      this.connection.seed(id, { messages: data.messages, has_more: data.has_more });
      this.connection.subscribe({ channel: 'chat', chat_id: id });
      this.openChat = data.chat;
      this.store.apply(data.chat);
      this.conversationStatus = 'ready';
    } catch (error) {
      if (this.openId !== id) return;
      if (error instanceof ApiError && (error.code === 'chat_not_found' || error.status === 400)) {
        this.#toast(this.strings.chatNotFound);
        this.closeConversation();
        return;
      }
      this.conversationStatus = 'error';
      this.#toast(this.#errorText(error, this.strings.openFailed), () => void this.openConversation(id));
      return;
    }
    if (focus) {
      await this.updateComplete;
      this.#conversation?.focusReply();
    }
  }

  closeConversation({ focusList = true }: { focusList?: boolean } = {}): void {
    const id = this.openId;
    if (!id) return;
    this.#leave();
    this.openId = null;
    this.openChat = null;
    this.#writeHash(null);
    if (focusList) void this.#list?.focusCard(id);
  }

  #leave(): void {
    const id = this.openId;
    if (!id) return;
    this.connection.unsubscribe({ channel: 'chat', chat_id: id });
    this.connection.forget(id);
    clearTimeout(this.#typingTimer);
  }

  #reply(content: string): void {
    const id = this.openId;
    if (!id) return;
    const entry = this.connection.send(content, id);
    this.#sentClientIds.add(entry.client_id);
    this.requestUpdate();
  }

  async #setArchived(archived: boolean): Promise<void> {
    const chat = this.openChat;
    if (!chat || this.archiving) return;
    this.archiving = true;
    // At once: the card moves tabs now; the server's answer (and chat_updated) confirm it.
    const optimistic = { ...chat, archived, unread: archived ? chat.unread : chat.unread };
    this.store.apply(optimistic);
    this.openChat = optimistic;
    try {
      const result = await this.connection.api.request<{ chat: ListChat }>('POST', `/api/admin/chats/${chat.id}/${archived ? 'archive' : 'unarchive'}`);
      this.store.apply(result.chat);
      if (this.openId === chat.id) this.openChat = result.chat;
    } catch (error) {
      this.store.apply(chat);
      if (this.openId === chat.id) this.openChat = chat;
      this.#toast(this.#errorText(error, archived ? this.strings.archiveFailed : this.strings.restoreFailed), () => void this.#setArchived(archived));
    } finally {
      this.archiving = false;
    }
  }

  // ---- URL hash ----

  #writeHash(id: string | null): void {
    if (this.noHash) return;
    const params = new URLSearchParams(location.hash.slice(1));
    if (id) params.set(HASH_KEY, id);
    else params.delete(HASH_KEY);
    const hash = params.toString();
    const url = `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`;
    // A new history entry from the list into a chat, so the browser's back button goes back to the list.
    if (id && !hashChatId()) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  readonly #onHash = () => {
    if (this.noHash) return;
    const id = hashChatId();
    if (id && id !== this.openId) void this.openConversation(id, { focus: false });
    else if (!id && this.openId) this.closeConversation();
  };

  // ---- toasts ----

  #errorText(error: unknown, fallback: string): string {
    return error instanceof ApiError && error.status === 0 ? fill(this.strings.offlineError, { error: fallback }) : fallback;
  }

  #toast(text: string, retry?: () => void): void {
    const toast: Toast = { id: ++this.#toastId, text, ...(retry ? { retry } : {}) };
    this.toasts = [...this.toasts.filter((t) => t.text !== text), toast];
    setTimeout(() => this.#dismiss(toast.id), retry ? TOAST_TIME * 2 : TOAST_TIME);
  }

  #dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  // ---- rendering ----

  get #list(): SupportAdminChatList | null {
    return this.renderRoot.querySelector('support-admin-chat-list');
  }

  get #conversation(): SupportAdminConversation | null {
    return this.renderRoot.querySelector('support-admin-conversation');
  }

  #me(): Me {
    const claims = tokenClaims(this.token);
    const names = new Set<string>();
    // The server names an agent by the token's name, else its email.
    if (claims.name) names.add(claims.name);
    else if (claims.email) names.add(claims.email);
    return { names, clientIds: this.#sentClientIds };
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this.openId || event.defaultPrevented) return;
    event.preventDefault();
    this.closeConversation();
  }

  async #enableNotifications(): Promise<void> {
    this.permission = await requestNotifications();
  }

  #renderActions(): TemplateResult {
    const s = this.strings;
    const permission = this.permission;
    return html`${permission === 'default'
        ? html`<button type="button" class="tool" title=${s.notifyOn} aria-label=${s.notifyOn} @click=${this.#enableNotifications}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${BELL} /></svg>
          </button>`
        : permission === 'granted'
          ? html`<span class="tool on" role="img" title=${s.notifyEnabled} aria-label=${s.notifyEnabled}
              ><svg viewBox="0 0 24 24" aria-hidden="true"><path d=${BELL} /></svg
            ></span>`
          : permission === 'denied'
            ? html`<span class="tool" role="img" title=${s.notifyBlocked} aria-label=${s.notifyBlocked}
                ><svg viewBox="0 0 24 24" aria-hidden="true"><path d="${BELL}M4 4l16 16" /></svg
              ></span>`
            : nothing}
      <button
        type="button"
        class="tool"
        aria-pressed=${this.muted ? 'false' : 'true'}
        title=${this.muted ? s.soundOff : s.soundOn}
        aria-label=${s.soundOn}
        @click=${() => (this.muted = !this.muted)}
      >
        ${this.muted
          ? html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 9h4l5-4v14l-5-4H4zM17 9l4 6M21 9l-4 6" /></svg>`
          : html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 9h4l5-4v14l-5-4H4zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12" /></svg>`}
      </button>`;
  }

  #renderConversation(): TemplateResult {
    const s = this.strings;
    const chat = this.openChat;
    if (!this.openId) {
      return html`<div class="placeholder">
        <svg viewBox="0 0 64 64" aria-hidden="true">
          <path d="M12 14h40a4 4 0 0 1 4 4v22a4 4 0 0 1-4 4H28l-10 8v-8h-6a4 4 0 0 1-4-4V18a4 4 0 0 1 4-4z" />
          <path d="M20 26h24M20 33h14" />
        </svg>
        <p class="placeholder-title">${s.selectChat}</p>
        <p>${s.selectChatHint}</p>
      </div>`;
    }
    if (!chat) {
      return html`<div class="placeholder" role="status">
        ${this.conversationStatus === 'error'
          ? html`<p class="placeholder-title">${s.openFailed}</p>
              <button type="button" class="tool" @click=${() => void this.openConversation(this.openId!)}>${s.retry}</button>`
          : html`<span class="spinner" aria-hidden="true"></span><span class="sr">${s.loadingMessages}</span>`}
      </div>`;
    }
    return html`<support-admin-conversation
      part="conversation"
      exportparts="conversation-header,header-actions,back-button,archive-button,messages,message,message-user,message-admin,divider,composer,reply,send-button"
      .connection=${this.connection}
      .chat=${chat}
      .status=${this.conversationStatus}
      .strings=${s}
      .locale=${this.language.tag}
      .me=${this.#me()}
      .userTyping=${this.userTyping}
      .busy=${this.archiving}
      @conversation-back=${() => this.closeConversation()}
      @conversation-archive=${(e: CustomEvent<boolean>) => void this.#setArchived(e.detail)}
      @conversation-retry=${() => void this.openConversation(chat.id)}
      @reply-send=${(e: CustomEvent<string>) => this.#reply(e.detail)}
      ><support-admin-user-actions
        slot="conversation-actions"
        .chat=${chat}
        .api=${this.connection.api}
        .strings=${s}
        @user-deleted=${(e: CustomEvent<string>) => (this.#toast(this.strings.userDeleted), this.#chatDeleted(e.detail))}
        @user-action-failed=${(e: CustomEvent<string>) => this.#toast(e.detail)}
      ></support-admin-user-actions
      ><slot name="conversation-actions" slot="conversation-actions"></slot
    ></support-admin-conversation>`;
  }

  override render(): TemplateResult | typeof nothing {
    if (!this.#languageReady) return nothing;
    const s = this.strings;
    const { tag, rtl } = this.language;
    return html`<div class="inbox ${this.openId ? 'has-open' : ''}" lang=${tag} dir=${rtl ? 'rtl' : 'ltr'} @keydown=${this.#onKeydown}>
      <support-admin-chat-list
        class="list-pane"
        part="list"
        exportparts="list-header,status,search,card"
        .store=${this.store}
        .strings=${s}
        .locale=${tag}
        .selectedId=${this.openId}
        .state=${this.state}
        .now=${this.now}
        .actions=${this.#renderActions()}
        @chat-select=${(e: CustomEvent<string>) => void this.openConversation(e.detail)}
        @list-tab=${(e: CustomEvent<Tab>) => this.store.setTab(e.detail)}
        @list-search=${(e: CustomEvent<string>) => this.store.setQuery(e.detail)}
        @list-more=${() => void this.store.load(this.store.tab, true)}
        @list-retry=${() => void this.store.load(this.store.tab)}
      ></support-admin-chat-list>
      <div class="conversation-pane">${this.#renderConversation()}</div>
      <div class="toasts" role="status" aria-live="polite">
        ${this.toasts.map(
          (toast) => html`<div class="toast" part="toast">
            <span>${toast.text}</span>
            ${toast.retry
              ? html`<button type="button" @click=${() => (this.#dismiss(toast.id), toast.retry!())}>${s.retry}</button>`
              : nothing}
            <button type="button" class="x" aria-label=${s.dismiss} @click=${() => this.#dismiss(toast.id)}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${CROSS} /></svg>
            </button>
          </div>`,
        )}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'support-admin': SupportAdmin;
  }
}
