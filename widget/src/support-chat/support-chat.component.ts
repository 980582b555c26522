/**
 * `<support-chat>`: the launcher, its unread badge and the live connection. This first load is a
 * plain custom element (no Lit: Lit alone would be half the first-load budget); the Lit panel is
 * imported from its own chunk on first open, or earlier when the pointer or focus reaches the
 * launcher, so opening still feels instant.
 *
 * Attributes: server, token, title, greeting, position (right | left; default: the inline end, so
 * left in Arabic), lang, open, muted. Properties: the same names, except `open` whose property is
 * `opened` (`open()` is a method), plus `strings` (partial overrides in, the strings in use out).
 * Methods: open(), close(), toggle().
 * Events: support-open, support-close, support-unread-change {count}, support-message {message},
 * support-connection-change {state}, support-token-expired {reason}.
 * Parts: launcher, launcher-icon, badge, and (exported from the panel) panel, header, title,
 * status, close-button, messages, message, message-user, message-admin, divider, composer,
 * input, send-button, new-messages, email-form.
 */
import { ChatConnection, type ConnectionState } from '../shared/chat-connection.js';
import { define } from '../shared/define.js';
import { emit } from '../shared/events.js';
import { chooseLanguage, fetchCatalogue, fill, knownOverrides, plural, type LanguageChoice } from '../i18n/i18n.js';
import { OPEN_PARAM, type Message, type VisitorToken } from '../shared/protocol.js';
import { adoptStyles } from '../shared/tokens.styles.js';
import { launcherStyles } from './launcher.styles.js';
import { strings as english, type Strings } from './strings.js';

const TYPING_TIMEOUT = 8000;
const PANEL_PARTS =
  'panel,header,title,status,close-button,messages,message,message-user,message-admin,divider,composer,input,send-button,new-messages,email-form';
const CHAT_ICON =
  'M12 3C6.98 3 3 6.58 3 11c0 2.08.89 3.97 2.34 5.39-.13 1.3-.6 2.68-1.64 3.72 2.07.06 3.86-.73 5.08-1.58.99.3 2.07.47 3.22.47 5.02 0 9-3.58 9-8s-3.98-8-9-8z';

/** The panel as the host sees it (the class lives in the lazily loaded chunk). */
interface PanelElement extends HTMLElement {
  chat: SupportChat;
  requestUpdate(): void;
  updateComplete: Promise<unknown>;
  focusInput(): void;
}

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage blocked (third-party context, privacy settings)
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

export class SupportChat extends HTMLElement {
  static observedAttributes = ['token', 'title', 'greeting', 'position', 'open', 'muted', 'lang'];

  /** The language in use: `tag` for Intl, `lang` for the catalogue, `rtl` for layout. */
  language: LanguageChoice = { tag: 'en', lang: 'en', rtl: false };
  #catalogue: Partial<Strings> = {};
  #overrides: Partial<Strings> = {};
  #strings: Strings = english;
  #languageLoading: Promise<unknown> | null = null;
  /** True when running without a `token`: the visitor token lives in localStorage. */
  anonymous = false;
  adminTyping = false;
  adminViewedAt: string | null = null;
  unread = 0;
  #connection: ChatConnection | null = null;
  #token: string | null = null;
  #panel: PanelElement | null = null;
  #panelLoading: Promise<void> | null = null;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #visitor: Promise<string | null> | null = null;
  #offs: Array<() => void> = [];
  readonly #root: ShadowRoot;
  readonly #launcher: HTMLButtonElement;
  readonly #badge: HTMLElement;
  readonly #live: HTMLElement;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    adoptStyles(this.#root, launcherStyles);
    // Static markup only: every dynamic value below is set as text or an attribute.
    // title="" stops the host's `title` attribute from becoming a tooltip over the whole widget.
    this.#root.innerHTML = `<div class="root" title=""><button part="launcher" class="launcher" type="button" aria-haspopup="dialog" aria-expanded="false"><svg part="launcher-icon" class="icon chat" viewBox="0 0 24 24" aria-hidden="true"><path d="${CHAT_ICON}"/></svg><svg class="icon x" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg><span part="badge" class="badge" aria-hidden="true" hidden></span></button><div class="sr" role="status" aria-live="polite"></div></div>`;
    this.#launcher = this.#root.querySelector('button')!;
    this.#badge = this.#root.querySelector('.badge')!;
    this.#live = this.#root.querySelector('.sr')!;
    this.#launcher.addEventListener('click', () => this.toggle());
    this.#launcher.addEventListener('pointerenter', () => void this.#loadPanel());
    this.#launcher.addEventListener('focus', () => void this.#loadPanel());
  }

  // ---- properties ----

  get server(): string {
    return this.getAttribute('server') ?? '';
  }
  set server(value: string) {
    this.setAttribute('server', value);
  }
  get token(): string | null {
    return this.#token;
  }
  /** A new token re-authenticates; null switches to anonymous visitor mode. */
  set token(value: string | null) {
    const token = value || null;
    if (token === this.#token) return;
    this.#token = token;
    if (!this.#connection) return;
    if (token) {
      this.anonymous = false;
      this.#connection.setToken(token);
    } else {
      this.#connection.setToken(null);
      void this.#useVisitorToken(this.opened);
    }
  }
  get greeting(): string {
    return this.getAttribute('greeting') ?? '';
  }
  set greeting(value: string) {
    this.setAttribute('greeting', value);
  }
  /** The side in use: the attribute, else the inline end of the language (left when right-to-left). */
  get position(): 'right' | 'left' {
    const side = this.getAttribute('position');
    return side === 'left' || (side !== 'right' && this.language.rtl) ? 'left' : 'right';
  }
  set position(value: 'right' | 'left') {
    this.setAttribute('position', value);
  }
  /** The strings in use (English, the chosen language, then the site's overrides). */
  get strings(): Strings {
    return this.#strings;
  }
  /** Site overrides of any documented key; unknown keys are reported once and ignored. */
  set strings(overrides: Partial<Strings>) {
    this.#overrides = knownOverrides(english, overrides, 'support-chat');
    this.#applyStrings();
  }
  get opened(): boolean {
    return this.hasAttribute('open');
  }
  set opened(value: boolean) {
    this.toggleAttribute('open', value);
  }
  get muted(): boolean {
    return this.hasAttribute('muted');
  }
  set muted(value: boolean) {
    this.toggleAttribute('muted', value);
  }

  get connection(): ChatConnection {
    return this.#connection!;
  }

  get state(): ConnectionState {
    return this.#connection?.state ?? 'connecting';
  }

  get baseUrl(): string {
    return (this.server || scriptOrigin()).replace(/\/+$/, '');
  }

  get #visitorKey(): string {
    return `support-chat:visitor:${this.baseUrl}`;
  }

  open(): void {
    this.opened = true;
  }

  close(): void {
    this.opened = false;
  }

  toggle(): void {
    this.opened = !this.opened;
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'token') this.token = value;
    if (name === 'lang' && this.isConnected) this.#chooseLanguage();
    if (name === 'open' && (old === null) !== (value === null) && this.#connection && this.isConnected) {
      if (value !== null) void this.#onOpen();
      else this.#onClose();
    }
    this.#render();
  }

  // ---- lifecycle ----

  connectedCallback(): void {
    // A `strings` set before the element was defined is an own property hiding the setter.
    if (Object.hasOwn(this, 'strings')) {
      const overrides = this.strings;
      Reflect.deleteProperty(this, 'strings');
      this.strings = overrides;
    }
    this.#chooseLanguage();
    const connection = (this.#connection ??= new ChatConnection({
      server: this.baseUrl,
      token: this.#token,
      autoSubscribe: true,
      storage: safeStorage(),
      tabs: `support-chat:${this.baseUrl}`,
    }));
    this.#offs = [
      connection.on('state', (state) => {
        emit(this, 'support-connection-change', { state });
        this.#render();
      }),
      connection.on('messages', () => this.#onMessages()),
      connection.on('outbox', () => this.#render()),
      connection.on('ready', () => this.#render()),
      connection.on('message', ({ message, live }) => this.#onMessage(message, live)),
      connection.on('chat', ({ admin_viewed_at }) => {
        this.adminViewedAt = admin_viewed_at;
        this.#render();
      }),
      connection.on('frame', (frame) => {
        if (frame.type === 'typing' && frame.sender_type === 'admin') this.#setAdminTyping(frame.typing);
      }),
      connection.on('token-expired', ({ reason }) => void this.#onTokenExpired(reason)),
    ];
    connection.start();
    if (!this.#token) void this.#useVisitorToken(false);
    document.addEventListener('visibilitychange', this.#onVisible);
    if (new URLSearchParams(location.search).get(OPEN_PARAM) === 'open') this.opened = true;
    if (this.opened) void this.#onOpen();
    this.#render();
  }

  disconnectedCallback(): void {
    this.#connection?.stop();
    for (const off of this.#offs.splice(0)) off();
    document.removeEventListener('visibilitychange', this.#onVisible);
  }

  // ---- open / close ----

  async #onOpen(): Promise<void> {
    emit(this, 'support-open', undefined);
    if (!this.#token) void this.#useVisitorToken(true);
    await this.#loadPanel();
    this.markRead();
    const panel = this.#panel;
    await panel?.updateComplete;
    if (this.opened) panel?.focusInput();
  }

  #onClose(): void {
    emit(this, 'support-close', undefined);
    // Back to the launcher, unless the user already moved focus elsewhere on the page.
    if (this.matches(':focus-within') || document.activeElement === document.body) this.#launcher.focus();
  }

  // ---- language ----

  /** Picks the language and fetches its catalogue (English is bundled); the panel waits for it. */
  #chooseLanguage(): void {
    const choice = chooseLanguage(this);
    if (this.#languageLoading && choice.tag === this.language.tag) return;
    this.language = choice;
    (this.#root.firstChild as HTMLElement).dir = choice.rtl ? 'rtl' : 'ltr';
    this.#languageLoading = fetchCatalogue(this.baseUrl, 'chat', choice.lang).then((catalogue) => {
      if (this.language !== choice) return;
      this.#catalogue = catalogue as Partial<Strings>;
      this.#applyStrings();
    });
  }

  #applyStrings(): void {
    this.#strings = { ...english, ...this.#catalogue, ...this.#overrides };
    this.#render();
  }

  /** Imports the panel chunk once (with the catalogue, so it never shows English first). */
  #loadPanel(): Promise<void> {
    this.#panelLoading ??= Promise.all([import('./support-chat-panel.js'), this.#languageLoading]).then(([{ SupportChatPanel }]) => {
      define('support-chat-panel', SupportChatPanel);
      const panel = document.createElement('support-chat-panel') as PanelElement;
      panel.id = 'panel';
      panel.setAttribute('role', 'dialog');
      panel.setAttribute('exportparts', PANEL_PARTS);
      panel.chat = this;
      this.#panel = panel;
      this.#launcher.setAttribute('aria-controls', 'panel');
      this.#launcher.before(panel);
      this.#render();
    });
    return this.#panelLoading;
  }

  // ---- unread, sound, typing ----

  readonly #onVisible = () => {
    if (document.visibilityState === 'visible' && this.opened) this.markRead();
  };

  markRead(): void {
    if (this.unread > 0) this.#connection?.markRead();
  }

  #onMessages(): void {
    const connection = this.connection;
    const unread = connection.messages(connection.chatId).filter((m) => m.sender_type === 'admin' && !m.read_at).length;
    if (unread !== this.unread) {
      this.unread = unread;
      emit(this, 'support-unread-change', { count: unread });
    }
    if (unread && this.opened && document.visibilityState === 'visible') this.markRead();
    this.#render();
  }

  #onMessage(message: Message, live: boolean): void {
    if (!live) return;
    emit(this, 'support-message', { message });
    if (message.sender_type !== 'admin') return;
    this.#setAdminTyping(false);
    // One chime per browser: only the tab holding the socket plays it. Its own chunk: the first
    // load has room for the language machinery, not for a sound nobody hears before a reply.
    if (!this.muted && this.connection.isLeader) void import('./chime.js').then(({ playChime }) => playChime());
    const s = this.#strings;
    if (!this.opened) this.#live.textContent = fill(s.newMessageFrom, { name: message.sender_name ?? s.support, text: message.content });
  }

  #setAdminTyping(typing: boolean): void {
    clearTimeout(this.#typingTimer);
    this.adminTyping = typing;
    if (typing) this.#typingTimer = setTimeout(() => this.#setAdminTyping(false), TYPING_TIMEOUT);
    this.#render();
  }

  // ---- identity ----

  async #onTokenExpired(reason: string): Promise<void> {
    if (this.anonymous) {
      // The server no longer accepts this visitor token: continue as a new visitor.
      safeStorage()?.removeItem(this.#visitorKey);
      this.connection.setToken(null);
      await this.#useVisitorToken(true);
      return;
    }
    emit(this, 'support-token-expired', { reason });
  }

  /** Anonymous mode: reuse the stored visitor token, or create one when `create` (on open). */
  #useVisitorToken(create: boolean): Promise<string | null> {
    this.anonymous = true;
    const storage = safeStorage();
    const read = (): string | null => {
      try {
        const stored = JSON.parse(storage?.getItem(this.#visitorKey) ?? 'null') as VisitorToken | null;
        return stored && Date.parse(stored.expires_at) > Date.now() + 60_000 ? stored.token : null;
      } catch {
        return null;
      }
    };
    const apply = (token: string | null) => {
      if (token && !this.#token) this.connection.setToken(token);
      return token;
    };
    const existing = read();
    if (existing || !create) return Promise.resolve(apply(existing));
    this.#visitor ??= (async () => {
      // One visitor per browser, even when two tabs open the chat at the same moment.
      const createOnce = async () => {
        const again = read();
        if (again) return again;
        const visitor = await this.connection.api.request<VisitorToken>('POST', '/api/visitors');
        storage?.setItem(this.#visitorKey, JSON.stringify(visitor));
        return visitor.token;
      };
      try {
        const locks = navigator.locks;
        return apply(locks ? await locks.request(this.#visitorKey, createOnce) : await createOnce());
      } catch {
        return null;
      } finally {
        this.#visitor = null;
      }
    })();
    return this.#visitor;
  }

  // ---- rendering ----

  #render(): void {
    const opened = this.opened;
    const unread = this.unread;
    const s = this.#strings;
    this.#launcher.setAttribute(
      'aria-label',
      opened ? s.closeChat : unread ? plural(s.openChatUnread, unread, this.language.tag) : s.openChat,
    );
    this.#launcher.setAttribute('aria-expanded', String(opened));
    this.#badge.hidden = !unread || opened;
    this.#badge.textContent = unread > 9 ? '9+' : String(unread);
    const panel = this.#panel;
    if (panel) {
      panel.hidden = !opened;
      panel.setAttribute('aria-label', this.title || s.defaultTitle);
      // Only an explicit side: by default the panel, like the launcher, sits at the inline end.
      panel.setAttribute('position', this.getAttribute('position') ?? '');
      panel.requestUpdate();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'support-chat': SupportChat;
  }
}
