// Shared by the <support-admin> browser tests: customers and agents made through the real REST API
// with tokens from widget/test-support, the element in a fixture, and queries into its shadow roots.
/// <reference path="../../test-support/mocha-globals.d.ts" />
import { fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ChatConnection } from '../shared/chat-connection.js';
import type { Message } from '../shared/protocol.js';
import { api, chatOf, mintToken, serverInfo, uniqueSub, waitFor } from '../../test-support/helpers.js';
import './index.js';
import type { SupportAdminChatList } from './chat-list.js';
import type { SupportAdminConversation } from './conversation.js';
import type { SupportAdmin } from './support-admin.component.js';

export const ctx = { server: '', samToken: '', leeToken: '' };
export const connections: ChatConnection[] = [];

/** Call at the top of each test file. */
export function setUpInboxTests(): void {
  before(async () => {
    ctx.server = (await serverInfo()).url;
    ctx.samToken = await mintToken(uniqueSub('sam'), { admin: true, name: 'Sam' });
    ctx.leeToken = await mintToken(uniqueSub('lee'), { admin: true, name: 'Lee' });
  });
  afterEach(() => {
    fixtureCleanup();
    for (const connection of connections.splice(0)) connection.stop();
    localStorage.clear();
    history.replaceState(null, '', location.pathname + location.search);
  });
}

export interface Customer {
  sub: string;
  token: string;
  chatId: string;
  email: string;
}

export async function customer(claims: { name?: string } = {}): Promise<Customer> {
  const sub = uniqueSub('customer');
  const token = await mintToken(sub, claims);
  const { chat } = await chatOf(ctx.server, token);
  return { sub, token, chatId: chat.id, email: `${sub}@example.com` };
}

let sent = 0;
export const says = (who: Customer, content: string) =>
  api<Message>(`${ctx.server}/api/chat/messages`, who.token, 'POST', { client_id: `t-${Date.now()}-${++sent}`, content });

export async function inbox(token = ctx.samToken, attrs: { hash?: boolean; pageSize?: number } = {}): Promise<SupportAdmin> {
  const server = ctx.server;
  const pageSize = attrs.pageSize ?? 30;
  const el = attrs.hash
    ? await fixture<SupportAdmin>(html`<support-admin server=${server} token=${token} page-size=${pageSize} muted style="height: 700px"></support-admin>`)
    : await fixture<SupportAdmin>(html`<support-admin server=${server} token=${token} page-size=${pageSize} muted no-hash style="height: 700px"></support-admin>`);
  await waitFor(() => el.state === 'connected', `connected (is ${el.state})`);
  await waitFor(() => el.store.current.status === 'ready', 'list loaded');
  return el;
}

export const list = (el: SupportAdmin) => el.shadowRoot!.querySelector<SupportAdminChatList>('support-admin-chat-list')!;
export const listRoot = (el: SupportAdmin) => list(el).shadowRoot!;
export const cards = (el: SupportAdmin) => [...listRoot(el).querySelectorAll<HTMLButtonElement>('button.card')];
export const card = (el: SupportAdmin, chatId: string) => listRoot(el).querySelector<HTMLButtonElement>(`button.card[data-id="${chatId}"]`);
export const cardIds = (el: SupportAdmin) => cards(el).map((c) => c.dataset.id!);
export const tab = (el: SupportAdmin, name: 'active' | 'archived') => listRoot(el).querySelector<HTMLButtonElement>(`#tab-${name}`)!;
export const conversation = (el: SupportAdmin) => el.shadowRoot!.querySelector<SupportAdminConversation>('support-admin-conversation');
export const convRoot = (el: SupportAdmin) => conversation(el)!.shadowRoot!;
export const rows = (el: SupportAdmin, who: 'user' | 'admin' | '' = '') =>
  [...convRoot(el).querySelectorAll<HTMLElement>(`.row${who ? `.${who}` : ''}:not(.typing)`)];
export const bubbleTexts = (el: SupportAdmin, who: 'user' | 'admin' | '' = '') =>
  rows(el, who).map((r) => r.querySelector('.bubble')!.textContent!.trim());

export async function open(el: SupportAdmin, chatId: string): Promise<void> {
  await waitFor(() => !!card(el, chatId), `card ${chatId} listed`);
  card(el, chatId)!.click();
  await waitFor(() => !!conversation(el) && el.conversationStatus === 'ready' && el.openId === chatId, 'conversation open');
  await conversation(el)!.updateComplete;
}

export async function reply(el: SupportAdmin, text: string): Promise<void> {
  const input = convRoot(el).querySelector('textarea')!;
  input.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}
