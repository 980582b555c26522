// <support-admin> in other languages, in Chromium against the real server: the language is chosen
// from `lang`, only its catalogue is fetched, overrides apply on top, every visible text comes from
// the catalogue or Intl, and Arabic lays the inbox out right to left.
/// <reference path="../../test-support/mocha-globals.d.ts" />
import { expect, fixture, html } from '@open-wc/testing';
import { adminReply, waitFor } from '../../test-support/helpers.js';
import { fill, type Plural } from '../i18n/i18n.js';
import { dayLabel, formatDateTime, formatTime, relativeTime } from '../shared/format.js';
import { initials } from './chat-display.js';
import { strings as english, type Strings } from './strings.js';
import type { SupportAdmin } from './support-admin.component.js';
import { card, conversation, convRoot, ctx, customer, list, listRoot, open, rows, says, setUpInboxTests } from './test-helpers.js';
import type { SupportAdminUserActions } from './user-actions.js';

setUpInboxTests();

async function inboxIn(lang: string, style = 'height: 700px; width: 960px'): Promise<SupportAdmin> {
  const el = await fixture<SupportAdmin>(
    html`<support-admin lang=${lang} server=${ctx.server} token=${ctx.samToken} muted no-hash style=${style}></support-admin>`,
  );
  await ready(el);
  return el;
}

async function ready(el: SupportAdmin): Promise<void> {
  await waitFor(() => el.state === 'connected' && el.store.current.status === 'ready', 'connected, list loaded');
  await waitFor(() => !!el.shadowRoot!.querySelector('support-admin-chat-list'), 'rendered');
  await list(el).updateComplete;
}

const title = (el: SupportAdmin) => listRoot(el).querySelector('h1')!.textContent;
const fetchedCatalogues = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.startsWith('/widget/i18n/'));
const centre = (node: Element) => {
  const rect = node.getBoundingClientRect();
  return rect.left + rect.width / 2;
};

describe('<support-admin> languages', () => {
  beforeEach(() => performance.clearResourceTimings());

  it('lays Arabic out right to left: list on the right, customer on the right, agents on the left, composer mirrored', async () => {
    const a = await customer({ name: 'ليلى حسن' });
    await says(a, 'مرحبًا، لدي سؤال عن فاتورتي');
    await adminReply(ctx.server, ctx.leeToken, a.chatId, 'Sure, one moment (checking)');
    const el = await inboxIn('ar');
    expect(el.language).to.deep.equal({ tag: 'ar', lang: 'ar', rtl: true });
    const inbox = el.shadowRoot!.querySelector('.inbox')!;
    expect(inbox.getAttribute('dir')).to.equal('rtl');
    expect(inbox.getAttribute('lang')).to.equal('ar');
    expect(title(el)).to.equal('محادثات الدعم');
    expect(fetchedCatalogues()).to.deep.equal(['/widget/i18n/admin/ar.json']);

    const listPane = el.shadowRoot!.querySelector('.list-pane')!;
    const conversationPane = el.shadowRoot!.querySelector('.conversation-pane')!;
    expect(listPane.getBoundingClientRect().left).to.be.greaterThan(conversationPane.getBoundingClientRect().left);
    const search = listRoot(el).querySelector('input')!;
    expect(search.placeholder).to.equal('ابحث بالبريد الإلكتروني أو الاسم');
    expect(centre(listRoot(el).querySelector('.search > svg')!)).to.be.greaterThan(centre(search));

    await open(el, a.chatId);
    const item = card(el, a.chatId)!;
    expect(getComputedStyle(item).direction).to.equal('rtl');
    // The avatar at the start (right), the text beside it; counts and times in Arabic.
    expect(centre(item.querySelector('.avatar')!)).to.be.greaterThan(centre(item.querySelector('.body')!));
    expect(item.querySelector('.messages')!.textContent).to.equal('رسالتان');
    const sent = new Date(el.openChat!.last_message_at!);
    expect(item.querySelector('time')!.textContent).to.equal(relativeTime(sent, new Date(el.now), 'ar'));

    const root = convRoot(el);
    const [user] = rows(el, 'user');
    const [admin] = rows(el, 'admin');
    expect(centre(user!)).to.be.greaterThan(centre(admin!));
    expect(user!.querySelector('.sender')!.textContent).to.equal('ليلى حسن');
    expect(root.querySelector('.divider')!.textContent!.trim()).to.equal(new Intl.RelativeTimeFormat('ar', { numeric: 'auto' }).format(0, 'day'));
    // The agent's English reply keeps its own direction: the closing parenthesis stays at its end.
    expect(getComputedStyle(admin!.querySelector('.bubble')!).unicodeBidi).to.equal('plaintext');
    const textarea = root.querySelector('textarea')!;
    expect(textarea.placeholder).to.equal('اكتب ردًّا…');
    expect(centre(root.querySelector('.send')!)).to.be.lessThan(centre(textarea));
    expect(getComputedStyle(root.querySelector('.send svg')!).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    expect(getComputedStyle(root.querySelector('.hint')!).textAlign).to.equal('end');
  });

  it('puts the back arrow on the right, pointing right, when Arabic is one pane at a time', async () => {
    const a = await customer({ name: 'Omar' });
    await says(a, 'سؤال سريع');
    const el = await inboxIn('ar', 'height: 700px; width: 420px');
    await open(el, a.chatId);
    const root = convRoot(el);
    const back = root.querySelector<HTMLButtonElement>('.back')!;
    expect(back.getAttribute('aria-label')).to.equal('العودة إلى المحادثات');
    const header = root.querySelector('header')!;
    expect(centre(back)).to.be.greaterThan(centre(header));
    expect(getComputedStyle(back.querySelector('svg')!).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    // The archive button sits at the other end, before the data-rights actions.
    expect(centre(root.querySelector('.archive')!)).to.be.lessThan(centre(header));
  });

  it('takes the nearest lang of the page (pt-BR → pt) and fetches only that catalogue', async () => {
    const wrapper = await fixture<HTMLElement>(
      html`<div lang="pt-BR"><support-admin server=${ctx.server} token=${ctx.samToken} muted no-hash style="height: 600px"></support-admin></div>`,
    );
    const el = wrapper.querySelector('support-admin')!;
    await ready(el);
    expect(el.language).to.deep.equal({ tag: 'pt-BR', lang: 'pt', rtl: false });
    expect(title(el)).to.equal('Chats de suporte');
    expect(el.shadowRoot!.querySelector('.inbox')!.getAttribute('dir')).to.equal('ltr');
    expect(fetchedCatalogues()).to.deep.equal(['/widget/i18n/admin/pt.json']);
  });

  it('stays in English, fetching nothing, for a language it does not ship', async () => {
    const el = await inboxIn('ja');
    expect(el.language.lang).to.equal('en');
    expect(title(el)).to.equal('Support Chats');
    expect(fetchedCatalogues()).to.deep.equal([]);
  });

  it('switches language when `lang` changes, dates included', async () => {
    const a = await customer();
    await says(a, 'Hallo');
    const el = await inboxIn('en');
    await open(el, a.chatId);
    el.lang = 'de';
    await waitFor(() => title(el) === 'Support-Chats', 'German title');
    await conversation(el)!.updateComplete;
    expect(listRoot(el).querySelector('#tab-active span')!.textContent).to.equal('Aktiv');
    expect(convRoot(el).querySelector('.divider')!.textContent!.trim()).to.equal('Heute');
    expect(card(el, a.chatId)!.querySelector('.messages')!.textContent).to.equal('1 Nachricht');
    el.lang = 'fr';
    await waitFor(() => title(el) === 'Chats d’assistance', 'French title');
    expect(el.language.tag).to.equal('fr');
  });

  it('lets the site override a string on top of the chosen language, and warns once about an unknown key', async () => {
    const el = await inboxIn('de');
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      el.strings = { title: 'Kundendienst', sendd: 'x' } as Partial<Strings>;
      el.strings = { title: 'Kundendienst', sendd: 'x' } as Partial<Strings>;
    } finally {
      console.warn = warn;
    }
    await el.updateComplete;
    await list(el).updateComplete;
    expect(title(el)).to.equal('Kundendienst');
    expect(listRoot(el).querySelector('#tab-active span')!.textContent).to.equal('Aktiv');
    expect(el.strings.archive).to.equal('Archivieren');
    expect(warnings.length).to.equal(1);
    expect(String(warnings[0]![0])).to.contain('"sendd"');
  });

  it('writes every text and label from its catalogue (or Intl, or the chat itself)', async () => {
    const a = await customer({ name: 'Marker Person' });
    await says(a, 'Hello there');
    await adminReply(ctx.server, ctx.samToken, a.chatId, 'Hi from Sam');
    await says(a, 'Thanks');
    const el = await inboxIn('en');
    // Each entry becomes ⟦key⟧ and its placeholders, so any text that does not carry a ⟦ did not come
    // from the catalogue.
    const markers = Object.fromEntries(
      Object.entries(english).map(([key, entry]) => {
        const text = typeof entry === 'string' ? entry : (entry as Plural).other;
        return [key, `⟦${key}⟧${[...text.matchAll(/\{\w+\}/g)].join(' ')}`];
      }),
    );
    el.strings = markers as Partial<Strings>;
    el.store.setQuery(a.email); // only this customer's card: other tests' chats are unknown text
    await waitFor(() => el.store.current.status === 'ready' && el.store.current.chats.length === 1, 'one card');
    await open(el, a.chatId);
    const actions = conversation(el)!.querySelector<SupportAdminUserActions>('support-admin-user-actions')!;
    actions.shadowRoot!.querySelector<HTMLButtonElement>('[part="delete-user-button"]')!.click();
    await actions.updateComplete;

    const chat = el.openChat!;
    const now = new Date(el.now);
    const dates = [...el.connection.messages(a.chatId).map((m) => m.created_at), chat.last_message_at!].map((iso) => new Date(iso));
    const allowed = new Set([
      a.email,
      'Marker Person',
      'Hello there',
      'Hi from Sam',
      'Thanks',
      initials(chat, el.strings),
      ...dates.flatMap((d) => [formatTime(d, 'en'), formatDateTime(d, 'en'), dayLabel(d, now, 'en'), relativeTime(d, now, 'en')]),
    ]);
    const strays = new Set<string>();
    const visit = (root: ParentNode) => {
      for (const node of root.querySelectorAll('*')) {
        for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
          const value = node.getAttribute(attribute)?.trim();
          if (value) check(value);
        }
        for (const child of node.childNodes) if (child.nodeType === Node.TEXT_NODE) check(child.textContent!.trim());
        if (node.shadowRoot) visit(node.shadowRoot);
      }
    };
    const check = (text: string) => {
      if (text && !text.includes('⟦') && !allowed.has(text.replace(/[\u2068\u2069]/g, '')) && /\p{L}/u.test(text)) strays.add(text);
    };
    visit(el.shadowRoot!);
    expect([...strays]).to.deep.equal([]);

    // The states not on screen above: nothing selected, and a search without results.
    el.closeConversation();
    el.store.setQuery('no-such-person-anywhere');
    await waitFor(() => !!listRoot(el).querySelector('[data-empty]'), 'empty search');
    visit(el.shadowRoot!);
    expect([...strays]).to.deep.equal([]);
    expect(listRoot(el).querySelector('.empty-title')!.textContent).to.equal(fill(markers.emptySearch!, { query: '\u2068no-such-person-anywhere\u2069' }));
  });
});
