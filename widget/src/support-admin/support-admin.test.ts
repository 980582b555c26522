// <support-admin> in Chromium against the real server and Postgres (see widget/test-support). The
// database is shared with other test files, so each test makes its own customers and looks only
// at their cards.
/// <reference path="../../test-support/mocha-globals.d.ts" />
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ChatConnection } from '../shared/chat-connection.js';
import type { Message } from '../shared/protocol.js';
import { adminReply, api, chatOf, mintToken, serverInfo, uniqueSub, waitFor } from '../../test-support/helpers.js';
import './index.js';
import type { SupportAdminChatList } from './chat-list.js';
import type { SupportAdminConversation } from './conversation.js';
import { strings } from './strings.js';
import type { SupportAdmin } from './support-admin.component.js';

let server = '';
let samToken = '';
let leeToken = '';
const connections: ChatConnection[] = [];

before(async () => {
  server = (await serverInfo()).url;
  samToken = await mintToken(uniqueSub('sam'), { admin: true, name: 'Sam' });
  leeToken = await mintToken(uniqueSub('lee'), { admin: true, name: 'Lee' });
});

afterEach(() => {
  fixtureCleanup();
  for (const connection of connections.splice(0)) connection.stop();
  localStorage.clear();
  history.replaceState(null, '', location.pathname + location.search);
});

// ---- helpers ----

interface Customer {
  sub: string;
  token: string;
  chatId: string;
  email: string;
}

async function customer(claims: { name?: string } = {}): Promise<Customer> {
  const sub = uniqueSub('customer');
  const token = await mintToken(sub, claims);
  const { chat } = await chatOf(server, token);
  return { sub, token, chatId: chat.id, email: `${sub}@example.com` };
}

let sent = 0;
const says = (who: Customer, content: string) =>
  api<Message>(`${server}/api/chat/messages`, who.token, 'POST', { client_id: `t-${Date.now()}-${++sent}`, content });

async function inbox(token = samToken, attrs: { hash?: boolean } = {}): Promise<SupportAdmin> {
  const el = attrs.hash
    ? await fixture<SupportAdmin>(html`<support-admin server=${server} token=${token} muted style="height: 700px"></support-admin>`)
    : await fixture<SupportAdmin>(html`<support-admin server=${server} token=${token} muted no-hash style="height: 700px"></support-admin>`);
  await waitFor(() => el.state === 'connected', `connected (is ${el.state})`);
  await waitFor(() => el.store.current.status === 'ready', 'list loaded');
  return el;
}

const list = (el: SupportAdmin) => el.shadowRoot!.querySelector<SupportAdminChatList>('support-admin-chat-list')!;
const listRoot = (el: SupportAdmin) => list(el).shadowRoot!;
const cards = (el: SupportAdmin) => [...listRoot(el).querySelectorAll<HTMLButtonElement>('button.card')];
const card = (el: SupportAdmin, chatId: string) => listRoot(el).querySelector<HTMLButtonElement>(`button.card[data-id="${chatId}"]`);
const cardIds = (el: SupportAdmin) => cards(el).map((c) => c.dataset.id!);
const tab = (el: SupportAdmin, name: 'active' | 'archived') => listRoot(el).querySelector<HTMLButtonElement>(`#tab-${name}`)!;
const conversation = (el: SupportAdmin) => el.shadowRoot!.querySelector<SupportAdminConversation>('support-admin-conversation');
const convRoot = (el: SupportAdmin) => conversation(el)!.shadowRoot!;
const rows = (el: SupportAdmin, who: 'user' | 'admin' | '' = '') =>
  [...convRoot(el).querySelectorAll<HTMLElement>(`.row${who ? `.${who}` : ''}:not(.typing)`)];
const bubbleTexts = (el: SupportAdmin, who: 'user' | 'admin' | '' = '') => rows(el, who).map((r) => r.querySelector('.bubble')!.textContent!.trim());

/** Re-renders come from frames: wait for the card list to show a condition. */
const cardsShow = (el: SupportAdmin, check: () => boolean, what: string) => waitFor(check, what);

async function open(el: SupportAdmin, chatId: string): Promise<void> {
  await cardsShow(el, () => !!card(el, chatId), `card ${chatId} listed`);
  card(el, chatId)!.click();
  await waitFor(() => !!conversation(el) && el.conversationStatus === 'ready' && el.openId === chatId, 'conversation open');
  await conversation(el)!.updateComplete;
}

async function reply(el: SupportAdmin, text: string): Promise<void> {
  const input = convRoot(el).querySelector('textarea')!;
  input.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

// ---- the list ----

describe('<support-admin> list', () => {
  it('shows chats newest activity first, archived ones only under Archived, with server counts on the tabs', async () => {
    const a = await customer();
    const b = await customer();
    const c = await customer();
    await says(a, 'first');
    await says(b, 'second');
    await says(c, 'third');
    await api(`${server}/api/admin/chats/${b.chatId}/archive`, samToken, 'POST');
    const el = await inbox();

    const ids = cardIds(el);
    expect(ids).to.include.members([a.chatId, c.chatId]);
    expect(ids).not.to.include(b.chatId);
    expect(ids.indexOf(c.chatId)).to.be.lessThan(ids.indexOf(a.chatId));
    const counts = await api<{ counts: { active: number; archived: number } }>(`${server}/api/admin/chats?limit=1`, samToken);
    expect(tab(el, 'active').querySelector('.count')!.textContent).to.equal(String(counts.counts.active));
    expect(tab(el, 'archived').querySelector('.count')!.textContent).to.equal(String(counts.counts.archived));

    tab(el, 'archived').click();
    await waitFor(() => el.store.tab === 'archived' && el.store.current.status === 'ready', 'archived tab loaded');
    await list(el).updateComplete;
    expect(tab(el, 'archived').getAttribute('aria-selected')).to.equal('true');
    expect(cardIds(el)).to.include(b.chatId);
    expect(cardIds(el)).not.to.include.members([a.chatId, c.chatId]);
  });

  it('marks a chat with a customer message unread and clears the marker when it is opened', async () => {
    const a = await customer();
    await says(a, 'Anyone there?');
    const el = await inbox();
    const counts: number[] = [];
    el.addEventListener('support-unread-change', (e) => counts.push(e.detail.count));
    const before = el.unreadCount;
    expect(card(el, a.chatId)!.classList.contains('unread')).to.equal(true);
    expect(card(el, a.chatId)!.querySelector('.unread-dot')!.getAttribute('aria-label')).to.equal(strings.unread);

    await open(el, a.chatId);
    await waitFor(() => !card(el, a.chatId)!.classList.contains('unread'), 'unread marker cleared');
    await waitFor(() => counts.includes(before - 1), `support-unread-change to ${before - 1} (got ${counts})`);
    const fresh = await api<{ chats: Array<{ id: string; unread: boolean }> }>(
      `${server}/api/admin/chats?limit=5&q=${encodeURIComponent(a.email)}`,
      samToken,
    );
    expect(fresh.chats.find((chat) => chat.id === a.chatId)!.unread).to.equal(false);
  });

  it('prefixes the preview with "You: " for agent replies and shows the 100-character preview', async () => {
    const a = await customer();
    const b = await customer();
    await says(a, 'Hello');
    const long = `${'Thanks for waiting! '.repeat(8)}end`;
    await adminReply(server, leeToken, a.chatId, long);
    await says(b, 'A question from b');
    const el = await inbox();

    const preview = card(el, a.chatId)!.querySelector('.preview')!;
    expect(preview.querySelector('.you')!.textContent).to.equal('You: ');
    expect(preview.textContent!.trim()).to.equal(`You: ${long.slice(0, 97)}...`);
    expect(card(el, b.chatId)!.querySelector('.you')).to.equal(null);
    expect(card(el, b.chatId)!.querySelector('.meta')!.textContent).to.match(/^1 message · now$/);
    expect(card(el, a.chatId)!.querySelector('.meta')!.textContent).to.match(/^2 messages · /);
  });

  it('moves a card to the top and marks it unread when its customer writes, live', async () => {
    const a = await customer();
    const b = await customer();
    await says(a, 'older');
    await says(b, 'newer');
    await api(`${server}/api/admin/chats/${a.chatId}`, samToken); // viewed: not unread
    const el = await inbox();
    expect(cardIds(el).indexOf(b.chatId)).to.be.lessThan(cardIds(el).indexOf(a.chatId));
    expect(card(el, a.chatId)!.classList.contains('unread')).to.equal(false);

    await says(a, 'I am back');
    await cardsShow(el, () => cardIds(el)[0] === a.chatId, 'a moved to the top');
    await waitFor(() => card(el, a.chatId)!.classList.contains('unread'), 'a unread');
    expect(card(el, a.chatId)!.querySelector('.preview')!.textContent!.trim()).to.equal('I am back');
  });

  it('shows a new chat as soon as its first message arrives', async () => {
    const el = await inbox();
    const a = await customer();
    await says(a, 'Brand new here');
    await cardsShow(el, () => cardIds(el)[0] === a.chatId, 'new chat on top');
    expect(card(el, a.chatId)!.querySelector('.name')!.textContent).to.equal(a.email);
  });

  it('searches by email or name', async () => {
    const tagged = uniqueSub('needle');
    const a = await customer({ name: `Pat ${tagged}` });
    const b = await customer();
    await says(a, 'find me');
    await says(b, 'not me');
    const el = await inbox();
    expect(cardIds(el)).to.include.members([a.chatId, b.chatId]);

    const search = listRoot(el).querySelector<HTMLInputElement>('input[type="search"]')!;
    search.focus();
    await sendKeys({ type: tagged });
    await waitFor(() => el.store.q === tagged && el.store.current.status === 'ready' && cardIds(el).length === 1, 'one result');
    expect(cardIds(el)).to.deep.equal([a.chatId]);

    search.value = 'no-such-person-anywhere';
    search.dispatchEvent(new Event('input'));
    await waitFor(() => !!listRoot(el).querySelector('[data-empty]'), 'empty state');
    expect(listRoot(el).querySelector('.empty-title')!.textContent).to.equal(strings.emptySearch('no-such-person-anywhere'));
  });

  it('loads the next page when the list is scrolled to its end', async () => {
    const el = await inbox();
    // 30 per page: make sure there is a second page.
    const total = el.store.counts.active;
    const needed = Math.max(0, 32 - total);
    for (let i = 0; i < needed; i++) await says(await customer(), `filler ${i}`);
    el.store.reload();
    await waitFor(() => el.store.current.status === 'ready' && cards(el).length === 30, 'first page');
    expect(el.store.current.cursor).to.be.a('string');
    listRoot(el).querySelector('.scroller')!.scrollTop = 1e6;
    await waitFor(() => cards(el).length > 30, 'second page appended');
    expect(new Set(cardIds(el)).size).to.equal(cards(el).length);
  });
});

// ---- the conversation ----

describe('<support-admin> conversation', () => {
  it('shows customer messages left and agent replies right with sender labels, under a day divider', async () => {
    const a = await customer({ name: 'Ana Lima' });
    await says(a, 'Hi, my invoice is wrong');
    await adminReply(server, leeToken, a.chatId, 'Let me check that for you');
    const el = await inbox();
    await open(el, a.chatId);

    expect(bubbleTexts(el, 'user')).to.deep.equal(['Hi, my invoice is wrong']);
    expect(bubbleTexts(el, 'admin')).to.deep.equal(['Let me check that for you']);
    expect(rows(el, 'user')[0]!.querySelector('.sender')!.textContent).to.equal('Ana Lima');
    expect(rows(el, 'admin')[0]!.querySelector('.sender')!.textContent).to.equal('Lee');
    const dividers = [...convRoot(el).querySelectorAll('.divider')].map((d) => d.textContent!.trim());
    expect(dividers).to.deep.equal(['Today']);
    expect(convRoot(el).querySelector('h2')!.textContent).to.equal(a.email);
  });

  it('puts a divider between days', async () => {
    const now = Date.now();
    const message = (seq: number, created: number, sender: 'user' | 'admin'): Message => ({
      id: `00000000-0000-4000-8000-00000000000${seq}`,
      chat_id: '00000000-0000-4000-8000-000000000000',
      seq,
      client_id: `c${seq}`,
      content: `m${seq}`,
      sender_type: sender,
      sender_name: sender === 'admin' ? 'Sam' : null,
      read_at: null,
      created_at: new Date(created).toISOString(),
    });
    const connection = new ChatConnection({ server });
    connection.seed('00000000-0000-4000-8000-000000000000', {
      messages: [message(1, now - 3 * 86_400_000, 'user'), message(2, now - 86_400_000 - 60_000, 'admin'), message(3, now, 'user')],
      has_more: false,
    });
    const el = await fixture<SupportAdminConversation>(html`<support-admin-conversation
      .connection=${connection}
      .chat=${{ id: '00000000-0000-4000-8000-000000000000', user_id: '00000000-0000-4000-8000-0000000000aa', user_email: null, user_name: null, last_message_at: null, last_message_preview: null, last_message_sender: null, message_count: 3, unread: false, archived: false }}
      .status=${'ready'}
      .strings=${strings}
      .me=${{ names: new Set(['Sam']), clientIds: new Set() }}
      style="height: 600px"
    ></support-admin-conversation>`);
    const order = [...el.shadowRoot!.querySelectorAll('.divider, .row')].map((n) =>
      n.classList.contains('divider') ? `[${n.textContent!.trim()}]` : n.querySelector('.bubble')!.textContent!.trim(),
    );
    expect(order).to.have.length(6);
    expect(order[2]).to.equal('[Yesterday]');
    expect(order.slice(3)).to.deep.equal(['m2', '[Today]', 'm3']);
    expect(order[1]).to.equal('m1');
    // Sam's own reply is "You"; the anonymous customer is a Visitor with a short id.
    expect(el.shadowRoot!.querySelector('.row.admin .sender')!.textContent).to.equal('You');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Visitor 000000');
  });

  it('sends with Enter, keeps Shift+Enter as a new line, and shows the reply as "You"', async () => {
    const a = await customer();
    await says(a, 'Hello?');
    const el = await inbox();
    await open(el, a.chatId);
    const input = convRoot(el).querySelector('textarea')!;
    input.focus();
    await sendKeys({ type: 'Line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'Line two' });
    expect(input.value).to.equal('Line one\nLine two');
    await sendKeys({ press: 'Enter' });
    expect(input.value).to.equal('');
    await waitFor(() => bubbleTexts(el, 'admin').includes('Line one\nLine two') && !convRoot(el).querySelector('.pending'), 'reply stored');
    const row = rows(el, 'admin').at(-1)!;
    expect(row.querySelector('.sender')!.textContent).to.equal('You');
    const { messages } = await chatOf(server, a.token);
    expect(messages.at(-1)).to.include({ content: 'Line one\nLine two', sender_type: 'admin', sender_name: 'Sam' });
  });

  it('lets two agents see each other’s replies live, with the sender’s name', async () => {
    const a = await customer();
    await says(a, 'Can someone help?');
    const sam = await inbox(samToken);
    const lee = await inbox(leeToken);
    await open(sam, a.chatId);
    await open(lee, a.chatId);

    await reply(sam, 'Sam here, on it');
    await waitFor(() => bubbleTexts(lee, 'admin').includes('Sam here, on it'), 'Lee sees Sam’s reply');
    expect(rows(lee, 'admin').at(-1)!.querySelector('.sender')!.textContent).to.equal('Sam');
    await waitFor(() => rows(sam, 'admin').at(-1)?.querySelector('.sender')?.textContent === 'You', 'Sam sees "You"');

    await reply(lee, 'Lee adding a note');
    await waitFor(() => bubbleTexts(sam, 'admin').includes('Lee adding a note'), 'Sam sees Lee’s reply');
    const last = rows(sam, 'admin').at(-1)!;
    expect(last.querySelector('.sender')!.textContent).to.equal('Lee');
    // The other agent's list follows too.
    await waitFor(() => card(lee, a.chatId)?.querySelector('.preview')?.textContent?.trim() === 'You: Lee adding a note', 'list preview');
  });

  it('shows a customer message live, "typing…" while the customer types and "Seen" once they read', async () => {
    const a = await customer({ name: 'Kim' });
    await says(a, 'Hello');
    const el = await inbox();
    await open(el, a.chatId);
    await reply(el, 'Hi Kim, how can I help?');
    await waitFor(() => !convRoot(el).querySelector('.pending') && bubbleTexts(el, 'admin').length === 1, 'reply stored');
    expect(convRoot(el).querySelector('.seen')).to.equal(null);

    const user = new ChatConnection({ server, token: a.token, autoSubscribe: true });
    connections.push(user);
    user.start();
    await waitFor(() => user.state === 'connected' && user.messages().length === 2, 'customer connected');
    user.typing(a.chatId, true);
    await waitFor(() => !!convRoot(el).querySelector('.typing'), 'typing indicator');
    expect(convRoot(el).querySelector('.typing-text')!.textContent).to.equal(strings.typing('Kim'));

    await api(`${server}/api/chat/read`, a.token, 'POST', {});
    await waitFor(() => convRoot(el).querySelector('.seen')?.textContent?.includes(strings.seen) ?? false, 'Seen');

    await says(a, 'My order is late');
    await waitFor(() => bubbleTexts(el, 'user').includes('My order is late'), 'live customer message');
    await waitFor(() => !convRoot(el).querySelector('.typing'), 'typing cleared by the message');
    // Read while open: the card does not turn unread.
    await waitFor(() => card(el, a.chatId)?.querySelector('.preview')?.textContent?.trim() === 'My order is late', 'card preview');
    expect(card(el, a.chatId)!.classList.contains('unread')).to.equal(false);
  });

  it('renders script and markup in names and messages as text', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const a = await customer({ name: `<b onmouseover="window.__xss=3">Eve</b>` });
    await says(a, payload);
    await says(a, 'see javascript:alert(1) and https://example.com/<svg/onload=alert(1)>');
    const el = await inbox();
    await open(el, a.chatId);
    const roots = [el.shadowRoot!, listRoot(el), convRoot(el)];
    for (const root of roots) expect(root.querySelectorAll('img, script:not([src]), b, svg[onload]')).to.have.length(0);
    expect(bubbleTexts(el, 'user')[0]).to.equal(payload);
    expect(card(el, a.chatId)!.querySelector('.subtitle')!.textContent).to.equal('<b onmouseover="window.__xss=3">Eve</b>');
    const links = [...convRoot(el).querySelectorAll('a')].map((link) => link.getAttribute('href'));
    expect(links.every((href) => href!.startsWith('https://'))).to.equal(true);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
  });
});

// ---- archive, keyboard, URL, accessibility ----

describe('<support-admin> archive, keyboard and URL', () => {
  it('archives and restores at once, and a customer message brings an archived chat back live', async () => {
    const a = await customer();
    await says(a, 'Thanks, all good');
    const el = await inbox();
    await open(el, a.chatId);
    const archive = () => convRoot(el).querySelector<HTMLButtonElement>('.archive')!;
    expect(archive().textContent!.trim()).to.equal(strings.archive);

    archive().click();
    await list(el).updateComplete;
    // At once: before the server answered.
    expect(card(el, a.chatId)).to.equal(null);
    await waitFor(() => !el.archiving, 'archive answered');
    await conversation(el)!.updateComplete;
    expect(archive().textContent!.trim()).to.equal(strings.restore);
    tab(el, 'archived').click();
    await waitFor(() => el.store.current.status === 'ready' && !!card(el, a.chatId), 'in Archived');

    archive().click();
    await list(el).updateComplete;
    expect(card(el, a.chatId)).to.equal(null);
    await waitFor(() => !el.archiving, 'restore answered');
    tab(el, 'active').click();
    await waitFor(() => !!card(el, a.chatId), 'back in Active');

    // Archived elsewhere (another agent), then the customer writes again.
    el.closeConversation();
    await api(`${server}/api/admin/chats/${a.chatId}/archive`, leeToken, 'POST');
    await waitFor(() => !card(el, a.chatId), 'gone from Active live');
    await says(a, 'Actually, one more question');
    await waitFor(() => cardIds(el)[0] === a.chatId && card(el, a.chatId)!.classList.contains('unread'), 'auto-unarchived on top, unread');
  });

  it('moves through the list with arrow keys, opens with Enter and goes back with Escape', async () => {
    const a = await customer();
    const b = await customer();
    await says(a, 'a');
    await says(b, 'b');
    const el = await inbox();
    const ids = cardIds(el);
    const first = cards(el)[0]!;
    first.focus();
    await sendKeys({ press: 'ArrowDown' });
    const focused = () => listRoot(el).activeElement as HTMLElement | null;
    expect(focused()?.dataset.id).to.equal(ids[1]);
    await sendKeys({ press: 'ArrowUp' });
    expect(focused()?.dataset.id).to.equal(ids[0]);
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => el.openId === ids[1] && el.conversationStatus === 'ready', 'opened the second card');
    await waitFor(() => convRoot(el).activeElement?.localName === 'textarea', 'focus in the reply box');

    await sendKeys({ press: 'Escape' });
    await waitFor(() => el.openId === null, 'closed');
    await waitFor(() => (listRoot(el).activeElement as HTMLElement | null)?.dataset.id === ids[1], 'focus back on the card');
    expect(cards(el).filter((c) => c.tabIndex === 0)).to.have.length(1);
  });

  it('keeps the open chat in the URL hash so a reload opens it again', async () => {
    const a = await customer();
    await says(a, 'remember me');
    const el = await inbox(samToken, { hash: true });
    await open(el, a.chatId);
    expect(location.hash).to.equal(`#chat=${a.chatId}`);
    fixtureCleanup();

    const again = await inbox(samToken, { hash: true });
    await waitFor(() => again.openId === a.chatId && again.conversationStatus === 'ready', 'reopened from the hash');
    again.closeConversation();
    expect(location.hash).to.equal('');
  });

  it('passes an axe check with the list and a conversation open', async () => {
    const a = await customer({ name: 'Axe Person' });
    await says(a, 'Checking accessibility');
    await adminReply(server, samToken, a.chatId, 'Reply with a link https://example.com');
    const el = await inbox();
    await open(el, a.chatId);
    await expect(el).to.be.accessible();
  });
});
