// <support-admin> as a whole in Chromium against the real server and Postgres: archive / restore /
// auto-unarchive live, keyboard, the URL hash, one or two panes, axe.
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
    await el.updateComplete;
    await list(el).updateComplete;
    // At once: before the server answered.
    expect(card(el, a.chatId) === null, 'absent').to.equal(true);
    await waitFor(() => !el.archiving, 'archive answered');
    await conversation(el)!.updateComplete;
    expect(archive().textContent!.trim()).to.equal(strings.restore);
    tab(el, 'archived').click();
    await waitFor(() => el.store.current.status === 'ready' && !!card(el, a.chatId), 'in Archived');

    archive().click();
    await el.updateComplete;
    await list(el).updateComplete;
    expect(card(el, a.chatId) === null, 'absent').to.equal(true);
    await waitFor(() => !el.archiving, 'restore answered');
    tab(el, 'active').click();
    await waitFor(() => !!card(el, a.chatId), 'back in Active');

    // Archived elsewhere (another agent), then the customer writes again.
    el.closeConversation();
    await api(`${ctx.server}/api/admin/chats/${a.chatId}/archive`, ctx.leeToken, 'POST');
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
    expect(cards(el).filter((c) => c.tabIndex === 0).length).to.equal(1);
  });

  it('keeps the open chat in the URL hash so a reload opens it again', async () => {
    const a = await customer();
    await says(a, 'remember me');
    const el = await inbox(ctx.samToken, { hash: true });
    await open(el, a.chatId);
    expect(location.hash).to.equal(`#chat=${a.chatId}`);
    fixtureCleanup();

    const again = await inbox(ctx.samToken, { hash: true });
    await waitFor(() => again.openId === a.chatId && again.conversationStatus === 'ready', 'reopened from the hash');
    again.closeConversation();
    expect(location.hash).to.equal('');
  });

  it('offers the back button only when the conversation replaces the list', async () => {
    const a = await customer();
    await says(a, 'Which layout?');
    const el = await inbox();
    const back = () => getComputedStyle(convRoot(el).querySelector('.back')!).display;
    // 1000 px: two panes, the conversation (about 620 px) narrower than the one-pane breakpoint itself.
    el.style.width = '1000px';
    await open(el, a.chatId);
    expect(back()).to.equal('none');
    el.style.width = '500px';
    await waitFor(() => back() !== 'none', 'back button in one-pane layout');
  });

  it('passes an axe check with the list and a conversation open', async () => {
    const a = await customer({ name: 'Axe Person' });
    await says(a, 'Checking accessibility');
    await adminReply(ctx.server, ctx.samToken, a.chatId, 'Reply with a link https://example.com');
    const el = await inbox();
    await open(el, a.chatId);
    await expect(el).to.be.accessible();
  });
});
