// <support-admin>'s conversation in Chromium against the real server and Postgres: layout, dividers,
// replies, two agents, typing, Seen, text-only rendering.
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

// ---- the conversation ----

describe('<support-admin> conversation', () => {
  it('shows customer messages left and agent replies right with sender labels, under a day divider', async () => {
    const a = await customer({ name: 'Ana Lima' });
    await says(a, 'Hi, my invoice is wrong');
    await adminReply(ctx.server, ctx.leeToken, a.chatId, 'Let me check that for you');
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
    const connection = new ChatConnection({ server: ctx.server });
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
    expect(order.length).to.equal(6);
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
    const { messages } = await chatOf(ctx.server, a.token);
    expect(messages.at(-1)).to.include({ content: 'Line one\nLine two', sender_type: 'admin', sender_name: 'Sam' });
  });

  it('lets two agents see each other’s replies live, with the sender’s name', async () => {
    const a = await customer();
    await says(a, 'Can someone help?');
    const sam = await inbox(ctx.samToken);
    const lee = await inbox(ctx.leeToken);
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
    expect(convRoot(el).querySelector('.seen') === null, 'absent').to.equal(true);

    const user = new ChatConnection({ server: ctx.server, token: a.token, autoSubscribe: true });
    connections.push(user);
    user.start();
    await waitFor(() => user.state === 'connected' && user.messages().length === 2, 'customer connected');
    user.typing(a.chatId, true);
    await waitFor(() => !!convRoot(el).querySelector('.typing'), 'typing indicator');
    expect(convRoot(el).querySelector('.typing-text')!.textContent).to.equal('\u2068Kim\u2069 is typing…');

    await api(`${ctx.server}/api/chat/read`, a.token, 'POST', {});
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
    for (const root of roots) expect(root.querySelectorAll('img, script:not([src]), b, svg[onload]').length).to.equal(0);
    expect(bubbleTexts(el, 'user')[0]).to.equal(payload);
    expect(card(el, a.chatId)!.querySelector('.subtitle')!.textContent).to.equal('<b onmouseover="window.__xss=3">Eve</b>');
    const links = [...convRoot(el).querySelectorAll('a')].map((link) => link.getAttribute('href'));
    expect(links.every((href) => href!.startsWith('https://'))).to.equal(true);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
  });
});

