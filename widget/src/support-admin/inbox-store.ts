// The inbox list as the admin sees it: both tabs' loaded pages, cursors and counts, kept live by
// `chat_updated` items. Framework-free: the element renders it and calls `onChange` to re-render.
import type { ApiClient } from '../shared/api-client.js';
import type { ChatListItem, ChatListResponse } from '../shared/protocol.js';

export type Tab = 'active' | 'archived';
export type ListChat = ChatListItem & { admin_viewed_at?: string | null; last_seq?: number };
export type Counts = ChatListResponse['counts'];

export interface TabList {
  chats: ListChat[];
  /** null once every page is loaded. */
  cursor: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadingMore: boolean;
  /** The query the loaded pages answer. */
  q: string;
}

/** Counts refresh at most this often when live items arrive that the store cannot account for. */
const COUNTS_REFRESH = 1500;

/** Newest activity first, ties by id descending: the server's order, so pages and live items interleave. */
export function compareChats(a: ListChat, b: ListChat): number {
  const at = a.last_message_at ?? '';
  const bt = b.last_message_at ?? '';
  if (at !== bt) return at < bt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The server's search (`ilike` on email or name), for live items while a query is active. */
export function matchesQuery(chat: ListChat, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [chat.user_email, chat.user_name].some((field) => field?.toLowerCase().includes(needle));
}

const emptyList = (): TabList => ({ chats: [], cursor: null, status: 'idle', loadingMore: false, q: '' });

export class InboxStore {
  tab: Tab = 'active';
  q = '';
  counts: Counts = { active: 0, archived: 0, unread: 0 };
  countCap = 1000;
  countsKnown = false;
  /** Cards per page (the server allows 1–100). */
  pageSize = 30;
  readonly lists: Record<Tab, TabList> = { active: emptyList(), archived: emptyList() };
  /** Every chat seen, by id: where it was and whether it was unread, to move counts by deltas. */
  readonly #known = new Map<string, { archived: boolean; unread: boolean }>();
  readonly #generation: Record<Tab, number> = { active: 0, archived: 0 };
  #countsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly onChange: () => void,
    private readonly onError: (error: unknown, retry: () => void) => void = () => {},
  ) {}

  get current(): TabList {
    return this.lists[this.tab];
  }

  find(id: string): ListChat | undefined {
    return this.lists.active.chats.find((c) => c.id === id) ?? this.lists.archived.chats.find((c) => c.id === id);
  }

  setTab(tab: Tab): void {
    this.tab = tab;
    const list = this.lists[tab];
    if (list.status === 'idle' || list.q !== this.q) void this.load(tab);
    this.onChange();
  }

  setQuery(q: string): void {
    if (q === this.q) return;
    this.q = q;
    void this.load(this.tab);
    // The other tab reloads when it is shown.
    const other = this.tab === 'active' ? 'archived' : 'active';
    this.lists[other] = emptyList();
  }

  /** Reloads the first page of the shown tab (and forgets the other's: it reloads when shown). */
  reload(): Promise<void> {
    const other = this.tab === 'active' ? 'archived' : 'active';
    if (this.lists[other].status !== 'loading') this.lists[other] = emptyList();
    return this.load(this.tab);
  }

  /** First page (replacing what is held) or, with `more`, the next page after the cursor. */
  async load(tab: Tab, more = false): Promise<void> {
    const list = this.lists[tab];
    if (more && (!list.cursor || list.loadingMore || list.status !== 'ready')) return;
    const generation = more ? this.#generation[tab] : ++this.#generation[tab];
    const q = this.q;
    const params = new URLSearchParams({ archived: String(tab === 'archived'), limit: String(this.pageSize) });
    if (q.trim()) params.set('q', q.trim());
    if (more && list.cursor) params.set('cursor', list.cursor);
    if (more) list.loadingMore = true;
    else if (list.status !== 'ready' || list.q !== q) list.status = 'loading';
    this.onChange();
    try {
      const page = await this.api.request<ChatListResponse>('GET', `/api/admin/chats?${params}`);
      if (generation !== this.#generation[tab]) return;
      const target = this.lists[tab];
      const incoming = page.chats;
      for (const chat of incoming) this.#remember(chat);
      if (more) {
        const held = new Set(target.chats.map((c) => c.id));
        target.chats = [...target.chats, ...incoming.filter((c) => !held.has(c.id))].sort(compareChats);
      } else {
        target.chats = incoming;
      }
      target.cursor = page.next_cursor;
      target.status = 'ready';
      target.q = q;
      target.loadingMore = false;
      this.#setCounts(page.counts, page.count_cap);
    } catch (error) {
      if (generation !== this.#generation[tab]) return;
      const target = this.lists[tab];
      target.loadingMore = false;
      if (!more) target.status = target.chats.length ? 'ready' : 'error';
      this.onError(error, () => void this.load(tab, more));
    } finally {
      this.onChange();
    }
  }

  /** A live list item (chat_updated, archive / restore answers): move it to where it belongs now. */
  apply(item: ListChat): void {
    const previous = this.#known.get(item.id);
    this.#remember(item);
    if (previous) {
      const wasUnread = previous.unread && !previous.archived;
      const isUnread = item.unread && !item.archived;
      if (previous.archived !== item.archived) {
        this.counts.active += item.archived ? -1 : 1;
        this.counts.archived += item.archived ? 1 : -1;
      }
      if (wasUnread !== isUnread) this.counts.unread += isUnread ? 1 : -1;
      this.counts = { active: Math.max(0, this.counts.active), archived: Math.max(0, this.counts.archived), unread: Math.max(0, this.counts.unread) };
    } else {
      this.#refreshCountsSoon();
    }
    for (const tab of ['active', 'archived'] as const) {
      const list = this.lists[tab];
      const others = list.chats.filter((c) => c.id !== item.id);
      const belongs =
        list.status === 'ready' &&
        item.archived === (tab === 'archived') &&
        item.last_message_at !== null &&
        matchesQuery(item, list.q);
      if (belongs) {
        let at = others.findIndex((c) => compareChats(item, c) < 0);
        if (at === -1) at = others.length;
        // Below the last loaded card with more pages to come: it arrives with its page.
        if (at < others.length || !list.cursor) others.splice(at, 0, item);
      }
      list.chats = others;
    }
    this.onChange();
  }

  /** A chat that no longer exists (its customer's data was deleted). */
  remove(id: string): void {
    const known = this.find(id);
    if (!known) return;
    for (const tab of ['active', 'archived'] as const) {
      this.lists[tab].chats = this.lists[tab].chats.filter((c) => c.id !== id);
    }
    const key = known.archived ? 'archived' : 'active';
    this.counts = {
      ...this.counts,
      [key]: Math.max(0, this.counts[key] - 1),
      unread: Math.max(0, this.counts.unread - (known.unread && !known.archived ? 1 : 0)),
    };
    this.onChange();
  }

  /** Locally known as read (the open conversation), until the server's item says so too. */
  markSeen(id: string): void {
    const chat = this.find(id);
    if (chat?.unread) this.apply({ ...chat, unread: false });
  }

  dispose(): void {
    clearTimeout(this.#countsTimer);
  }

  #remember(chat: ListChat): void {
    this.#known.set(chat.id, { archived: chat.archived, unread: chat.unread });
  }

  #setCounts(counts: Counts, cap: number): void {
    this.counts = { ...counts };
    this.countCap = cap;
    this.countsKnown = true;
  }

  #refreshCountsSoon(): void {
    if (this.#countsTimer !== undefined) return;
    this.#countsTimer = setTimeout(async () => {
      this.#countsTimer = undefined;
      try {
        const page = await this.api.request<ChatListResponse>('GET', '/api/admin/chats?limit=1');
        this.#setCounts(page.counts, page.count_cap);
        this.onChange();
      } catch {
        // the next live item or reload tries again
      }
    }, COUNTS_REFRESH);
  }
}
