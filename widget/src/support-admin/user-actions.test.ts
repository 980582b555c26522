// Data-rights actions in <support-admin> against the real server: export downloads the customer's
// data; delete asks first, then erases it and the chat leaves every agent's list live.
/// <reference path="../../test-support/mocha-globals.d.ts" />
import { expect } from '@open-wc/testing';
import { api, waitFor } from '../../test-support/helpers.js';
import { card, conversation, ctx, customer, inbox, open, says, setUpInboxTests } from './test-helpers.js';
import type { SupportAdminUserActions } from './user-actions.js';

setUpInboxTests();

describe('<support-admin> data rights', () => {
  it('exports the customer data as a JSON download', async () => {
    const a = await customer();
    await says(a, 'Export me');
    const el = await inbox();
    await open(el, a.chatId);
    const actions = conversation(el)!.querySelector<SupportAdminUserActions>('support-admin-user-actions')!;
    await actions.updateComplete;
    const downloads: { name: string; href: string }[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, href: this.href });
    };
    try {
      actions.shadowRoot!.querySelector<HTMLButtonElement>('[part="export-button"]')!.click();
      await waitFor(() => downloads.length === 1, 'download started');
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(downloads[0]!.name).to.equal(`support-chat-${a.email}.json`);
    const data = await (await fetch(downloads[0]!.href)).text();
    expect(data).to.contain('Export me');
    expect(data).to.contain(a.email);
  });

  it('deletes the customer data after a confirmation, and the chat leaves another agent list live', async () => {
    const a = await customer();
    await says(a, 'Forget me');
    const sam = await inbox();
    const lee = await inbox(ctx.leeToken);
    await waitFor(() => !!card(lee, a.chatId), 'in Lee list');
    await open(sam, a.chatId);
    const actions = conversation(sam)!.querySelector<SupportAdminUserActions>('support-admin-user-actions')!;
    await actions.updateComplete;
    const root = actions.shadowRoot!;
    root.querySelector<HTMLButtonElement>('[part="delete-user-button"]')!.click();
    await actions.updateComplete;
    const confirm = root.querySelector<HTMLElement>('[part="delete-user-confirm"]')!;
    expect(confirm.getAttribute('role')).to.equal('alertdialog');
    expect(confirm.textContent).to.contain(a.email);
    confirm.querySelector<HTMLButtonElement>('.erase')!.click();

    await waitFor(() => !card(sam, a.chatId) && sam.openId === null, 'gone from Sam list, conversation closed');
    await waitFor(() => !card(lee, a.chatId), 'gone from Lee list live');
    const after = await api<{ chat: { id: string }; messages: unknown[] }>(`${ctx.server}/api/chat`, a.token);
    expect(after.chat.id).not.to.equal(a.chatId);
    expect(after.messages.length).to.equal(0);
  });
});
