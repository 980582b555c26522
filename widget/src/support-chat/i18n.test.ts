// <support-chat> in other languages, in Chromium against the real server: the language is chosen
// from `lang`, its catalogue fetched, overrides applied, and Arabic laid out right to left.
/// <reference path="../../test-support/mocha-globals.d.ts" />
import { expect, fixture, html } from '@open-wc/testing';
import { mintToken, serverInfo, uniqueSub, waitFor } from '../../test-support/helpers.js';
import './index.js';
import type { SupportChat } from './support-chat.component.js';

let server = '';
before(async () => {
  server = (await serverInfo()).url;
});

const launcher = (el: SupportChat) => el.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!;
const panelRoot = (el: SupportChat) => el.shadowRoot!.querySelector('support-chat-panel')!.shadowRoot!;

async function open(el: SupportChat) {
  el.open();
  await waitFor(() => !!el.shadowRoot!.querySelector('support-chat-panel')?.shadowRoot?.querySelector('textarea'), 'panel open');
}

describe('<support-chat> languages', () => {
  it('lays Arabic out right to left, launcher and panel at the bottom left', async () => {
    const token = await mintToken(uniqueSub());
    const el = await fixture<SupportChat>(html`<support-chat lang="ar" server=${server} token=${token} muted></support-chat>`);
    await waitFor(() => launcher(el).getAttribute('aria-label') === 'فتح محادثة الدعم', 'Arabic launcher label');
    expect(el.shadowRoot!.querySelector('.root')!.getAttribute('dir')).to.equal('rtl');
    expect(el.position).to.equal('left');
    const rect = launcher(el).getBoundingClientRect();
    expect(rect.left).to.be.lessThan(innerWidth / 2);
    await open(el);
    const root = panelRoot(el);
    expect(root.querySelector('textarea')!.placeholder).to.equal('اكتب رسالة…');
    expect(getComputedStyle(root.querySelector('.panel')!).direction).to.equal('rtl');
    expect(el.shadowRoot!.querySelector('support-chat-panel')!.getBoundingClientRect().left).to.be.lessThan(innerWidth / 2);
  });

  it('keeps an explicit position="right" in Arabic', async () => {
    const el = await fixture<SupportChat>(html`<support-chat lang="ar" position="right" server=${server} muted></support-chat>`);
    expect(launcher(el).getBoundingClientRect().right).to.be.greaterThan(innerWidth / 2);
  });

  it('takes the nearest lang of the page, with base-language fallback (pt-BR → pt)', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div lang="pt-BR"><support-chat server=${server} muted></support-chat></div>`);
    const el = wrapper.querySelector('support-chat')!;
    await waitFor(() => launcher(el).getAttribute('aria-label') === 'Abrir o chat de suporte', 'Portuguese label');
    expect(el.language).to.deep.equal({ tag: 'pt-BR', lang: 'pt', rtl: false });
    expect(el.shadowRoot!.querySelector('.root')!.getAttribute('dir')).to.equal('ltr');
  });

  it('falls back to English for a language it does not ship', async () => {
    const el = await fixture<SupportChat>(html`<support-chat lang="ja" server=${server} muted></support-chat>`);
    expect(el.language.lang).to.equal('en');
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open support chat');
  });

  it('lets the site override a string, on top of the chosen language', async () => {
    const token = await mintToken(uniqueSub());
    const el = await fixture<SupportChat>(html`<support-chat lang="de" server=${server} token=${token} muted></support-chat>`);
    el.strings = { placeholder: 'Ihre Frage…' };
    await open(el);
    const root = panelRoot(el);
    expect(root.querySelector('textarea')!.placeholder).to.equal('Ihre Frage…');
    expect(root.querySelector('.send')!.getAttribute('aria-label')).to.equal('Senden');
  });
});
