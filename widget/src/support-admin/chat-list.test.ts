// <support-admin>'s chat list in Chromium against the real server and Postgres: tabs, order, unread,
// previews, live moves, search, paging. The database is shared with other test files, so each test
// makes its own customers and looks only at their cards.
/// <reference path="../../test-support/mocha-globals.d.ts" />
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ChatConnection } from '../shared/chat-connection.js';
import type { Message } from '../shared/protocol.js';
import { adminReply, api, chatOf, uniqueSub, waitFor } from '../../test-support/helpers.js';
import { strings } from './strings.js';
import type { SupportAdminConversation } from './conversation.js';
import {
  bubbleTexts, card, cardIds, cards, connections, conversation, convRoot, ctx, customer, inbox, list, listRoot, open, reply, rows, says,
  setUpInboxTests, tab,
} from './test-helpers.js';

setUpInboxTests();

// ---- the list ----

describe('<support-admin> list', () => {
  it('shows chats newest activity first, archived ones only under Archived, with server counts on the tabs', async () => {
    const a = await customer();
    const b = await customer();
    const c = await customer();
    await says(a, 'first');
    await says(b, 'second');
    await says(c, 'third');
    await api(`${ctx.server}/api/admin/chats/${b.chatId}/archive`, ctx.samToken, 'POST');
    const el = await inbox();

    const ids = cardIds(el);
    expect(ids).to.include.members([a.chatId, c.chatId]);
    expect(ids).not.to.include(b.chatId);
    expect(ids.indexOf(c.chatId)).to.be.lessThan(ids.indexOf(a.chatId));
    const counts = await api<{ counts: { active: number; archived: number } }>(`${ctx.server}/api/admin/chats?limit=1`, ctx.samToken);
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
      `${ctx.server}/api/admin/chats?limit=5&q=${encodeURIComponent(a.email)}`,
      ctx.samToken,
    );
    expect(fresh.chats.find((chat) => chat.id === a.chatId)!.unread).to.equal(false);
  });

  it('prefixes the preview with "You: " for agent replies and shows the 100-character preview', async () => {
    const a = await customer();
    const b = await customer();
    await says(a, 'Hello');
    const long = `${'Thanks for waiting! '.repeat(8)}end`;
    await adminReply(ctx.server, ctx.leeToken, a.chatId, long);
    await says(b, 'A question from b');
    const el = await inbox();

    const preview = card(el, a.chatId)!.querySelector('.preview')!;
    expect(preview.querySelector('.you')!.textContent).to.equal('You: ');
    expect(preview.textContent!.trim()).to.equal(`You: ${long.slice(0, 97)}...`);
    expect(card(el, b.chatId)!.querySelector('.you') === null, 'absent').to.equal(true);
    const meta = (chatId: string) => [...card(el, chatId)!.querySelectorAll('.meta > *')].map((n) => n.textContent);
    expect(meta(b.chatId)).to.deep.equal(['1 message', 'now']);
    expect(meta(a.chatId)[0]).to.equal('2 messages');
  });

  it('moves a card to the top and marks it unread when its customer writes, live', async () => {
    const a = await customer();
    const b = await customer();
    await says(a, 'older');
    await says(b, 'newer');
    await api(`${ctx.server}/api/admin/chats/${a.chatId}`, ctx.samToken); // viewed: not unread
    const el = await inbox();
    expect(cardIds(el).indexOf(b.chatId)).to.be.lessThan(cardIds(el).indexOf(a.chatId));
    expect(card(el, a.chatId)!.classList.contains('unread')).to.equal(false);

    await says(a, 'I am back');
    await waitFor(() => cardIds(el)[0] === a.chatId, 'a moved to the top');
    await waitFor(() => card(el, a.chatId)!.classList.contains('unread'), 'a unread');
    expect(card(el, a.chatId)!.querySelector('.preview')!.textContent!.trim()).to.equal('I am back');
  });

  it('shows a new chat as soon as its first message arrives', async () => {
    const el = await inbox();
    const a = await customer();
    await says(a, 'Brand new here');
    await waitFor(() => cardIds(el)[0] === a.chatId, 'new chat on top');
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
    expect(listRoot(el).querySelector('.empty-title')!.textContent).to.equal('No chats match “\u2068no-such-person-anywhere\u2069”');
  });

  it('loads the next page when the list is scrolled to its end', async () => {
    // Five cards a page: enough chats exist after a few more customers write.
    for (let i = 0; i < 7; i++) await says(await customer(), `filler ${i}`);
    const el = await inbox(ctx.samToken, { pageSize: 5 });
    // The sentinel is in view at once in a 700 px list: pages keep coming until it leaves the view.
    await waitFor(() => cards(el).length > 5, 'second page appended');
    expect(el.store.current.chats.length).to.equal(cards(el).length);
    expect(new Set(cardIds(el)).size).to.equal(cards(el).length);
    const ids = cardIds(el);
    const byActivity = [...el.store.current.chats].sort((x, y) => (x.last_message_at! < y.last_message_at! ? 1 : -1)).map((c) => c.id);
    expect(ids).to.deep.equal(byActivity);
  });
});

