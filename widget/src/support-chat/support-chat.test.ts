// <support-chat> in Chromium against the real server and Postgres (see widget/test-support).
/// <reference path="../../test-support/mocha-globals.d.ts" />
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { Message } from '../shared/protocol.js';
import {
  adminReply,
  api,
  chatOf,
  mintToken,
  serverInfo,
  startServer,
  stopServer,
  uniqueSub,
  waitFor,
} from '../../test-support/helpers.js';
import './index.js';
import type { SupportChat } from './support-chat.component.js';
import type { SupportChatPanel } from './support-chat-panel.js';

let server = '';
let adminToken = '';

before(async () => {
  server = (await serverInfo()).url;
  adminToken = await mintToken(uniqueSub('agent'), { admin: true, name: 'Sam' });
});

afterEach(async () => {
  localStorage.clear();
  await setViewport({ width: 1280, height: 800 });
  document.querySelectorAll('iframe').forEach((frame) => frame.remove());
});

async function widget(token: string | null, attrs: Partial<{ open: boolean; position: string; title: string }> = {}) {
  const el = await fixture<SupportChat>(html`<support-chat
    server=${server}
    token=${token ?? ''}
    title=${attrs.title ?? 'Acme support'}
    position=${attrs.position ?? 'right'}
    muted
  ></support-chat>`);
  if (attrs.open) await openWidget(el);
  return el;
}

const launcher = (el: SupportChat) => el.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!;
const badge = (el: SupportChat) => el.shadowRoot!.querySelector<HTMLElement>('.badge')!;
const panelOf = (el: SupportChat) => el.shadowRoot!.querySelector<SupportChatPanel>('support-chat-panel');
const panelRoot = (el: SupportChat) => panelOf(el)!.shadowRoot!;
const textarea = (el: SupportChat) => panelRoot(el).querySelector('textarea')!;
const bubbles = (el: SupportChat, who: 'user' | 'admin' | '' = '') =>
  [...panelRoot(el).querySelectorAll(`.row${who ? `.${who}` : ''}:not(.greeting):not(.typing) .bubble`)] as HTMLElement[];
const bubbleTexts = (el: SupportChat, who: 'user' | 'admin' | '' = '') =>
  bubbles(el, who).map((b) => b.textContent!.replace(/^\s*(You|Sam|Support): /, '').trim());

async function openWidget(el: SupportChat) {
  el.open();
  await waitFor(() => !!panelOf(el)?.shadowRoot?.querySelector('textarea') && !panelOf(el)!.hidden, 'panel open');
  await panelOf(el)!.updateComplete;
  await Promise.all(panelOf(el)!.getAnimations().map((a) => a.finished));
}

async function connected(el: SupportChat, timeout = 10_000) {
  await waitFor(() => el.state === 'connected', `connected (is ${el.state})`, timeout);
}

async function typeAndSend(el: SupportChat, text: string) {
  textarea(el).focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

async function userWithChat() {
  const sub = uniqueSub();
  const token = await mintToken(sub);
  const { chat } = await chatOf(server, token);
  return { sub, token, chatId: chat.id };
}

describe('<support-chat> launcher', () => {
  it('is a labelled button that opens a labelled dialog, focuses the input and returns focus on Escape', async () => {
    const { token } = await userWithChat();
    const el = await widget(token);
    const button = launcher(el);
    expect(button.getAttribute('aria-label')).to.equal('Open support chat');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    const opened = new Promise((r) => el.addEventListener('support-open', r, { once: true }));
    button.click();
    await opened;
    await waitFor(
      () => !!panelOf(el)?.shadowRoot && el.shadowRoot!.activeElement === panelOf(el) && panelRoot(el).activeElement === textarea(el),
      'focus in textarea',
    );
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(panelOf(el)!.getAttribute('role')).to.equal('dialog');
    expect(panelOf(el)!.getAttribute('aria-label')).to.equal('Acme support');
    expect(panelRoot(el).querySelector('[role=log]')!.getAttribute('aria-live')).to.equal('polite');
    const closed = new Promise((r) => el.addEventListener('support-close', r, { once: true }));
    await sendKeys({ press: 'Escape' });
    await closed;
    expect(el.opened).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(button);
  });

  it('passes axe closed and open', async () => {
    const { token } = await userWithChat();
    const el = await widget(token);
    await expect(el).to.be.accessible();
    await openWidget(el);
    await connected(el);
    await expect(el).to.be.accessible();
  });

  it('sits bottom-left with position="left" and toggles with open()/close()/toggle()', async () => {
    const el = await widget(null, { position: 'left' });
    const rect = launcher(el).getBoundingClientRect();
    expect(rect.left).to.be.below(100);
    expect(window.innerHeight - rect.bottom).to.be.below(100);
    el.toggle();
    expect(el.hasAttribute('open')).to.equal(true);
    el.close();
    expect(el.opened).to.equal(false);
  });

  it('opens by itself when the page URL carries ?support_chat=open', async () => {
    const original = location.href;
    history.replaceState(null, '', `${location.pathname}?support_chat=open`);
    try {
      const el = await widget(null);
      expect(el.opened).to.equal(true);
    } finally {
      history.replaceState(null, '', original);
    }
  });
});

describe('<support-chat> messaging', () => {
  it('sends with Enter, adds a newline with Shift+Enter, and receives admin replies live', async () => {
    const { token, chatId } = await userWithChat();
    const el = await widget(token, { open: true });
    await connected(el);
    const messages: Message[] = [];
    el.addEventListener('support-message', (e) => messages.push(e.detail.message));
    textarea(el).focus();
    await sendKeys({ type: 'first line' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    expect(textarea(el).value).to.equal('first line\nsecond line');
    expect(bubbles(el, 'user')).to.have.length(0);
    await sendKeys({ press: 'Enter' });
    expect(textarea(el).value).to.equal('');
    await waitFor(() => bubbleTexts(el, 'user').includes('first line\nsecond line'), 'user bubble');
    await waitFor(() => !panelRoot(el).querySelector('.pending'), 'acknowledged');
    const stored = await chatOf(server, token);
    expect(stored.messages.map((m) => m.content)).to.deep.equal(['first line\nsecond line']);

    await adminReply(server, adminToken, chatId, 'Hello from support');
    await waitFor(() => bubbleTexts(el, 'admin').includes('Hello from support'), 'admin reply live');
    await waitFor(() => messages.some((m) => m.content === 'Hello from support'), 'support-message event');
    // Open and visible: the reply is read at once.
    await waitFor(async () => (await chatOf(server, token)).messages.every((m) => m.sender_type === 'user' || m.read_at), 'read on server');
  });

  it('renders HTML and script payloads as text and makes links safe', async () => {
    const { token, chatId } = await userWithChat();
    const el = await widget(token, { open: true });
    await connected(el);
    const payloads = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>', '"><svg onload=window.__xss=3>'];
    for (const payload of payloads) await adminReply(server, adminToken, chatId, payload);
    await adminReply(server, adminToken, chatId, 'Docs: https://example.com/help?a=1. And javascript:alert(1)');
    await typeAndSend(el, '<b>bold</b> www.example.org');
    await waitFor(() => bubbleTexts(el, 'admin').length === 4 && !panelRoot(el).querySelector('.pending'), 'all rendered');
    expect(bubbleTexts(el, 'admin').slice(0, 3)).to.deep.equal(payloads);
    const root = panelRoot(el);
    expect(root.querySelector('.bubble img, .bubble script, .bubble svg, .bubble b')).to.equal(null);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
    const links = [...root.querySelectorAll<HTMLAnchorElement>('.bubble a')];
    expect(links.map((a) => a.href)).to.deep.equal(['https://example.com/help?a=1', 'https://www.example.org/']);
    for (const link of links) {
      expect(link.rel).to.equal('noopener noreferrer nofollow');
      expect(link.target).to.equal('_blank');
    }
  });

  it('counts unread admin replies on the badge, caps it at 9+, and clears it on open', async () => {
    const { token, chatId } = await userWithChat();
    const el = await widget(token);
    await connected(el);
    const counts: number[] = [];
    el.addEventListener('support-unread-change', (e) => counts.push(e.detail.count));
    for (let i = 1; i <= 3; i++) await adminReply(server, adminToken, chatId, `reply ${i}`);
    await waitFor(() => badge(el).textContent === '3' && !badge(el).hidden, 'badge 3');
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open support chat, 3 unread messages');
    for (let i = 4; i <= 10; i++) await adminReply(server, adminToken, chatId, `reply ${i}`);
    await waitFor(() => badge(el).textContent === '9+', 'badge 9+');
    expect(counts.at(-1)).to.equal(10);
    await openWidget(el);
    await waitFor(() => badge(el).hidden && el.unread === 0, 'badge cleared');
    await waitFor(async () => (await chatOf(server, token)).messages.every((m) => m.read_at), 'read on server');
    expect(counts.at(-1)).to.equal(0);
  });

  it('shows the unread count from the server after a reload', async () => {
    const { token, chatId } = await userWithChat();
    await adminReply(server, adminToken, chatId, 'while you were away');
    const el = await widget(token);
    await waitFor(() => badge(el).textContent === '1' && !badge(el).hidden, 'badge 1');
  });

  it('shows "Support is typing…" and "Seen" once an admin viewed the chat', async () => {
    const { token, chatId } = await userWithChat();
    const el = await widget(token, { open: true });
    await connected(el);
    await typeAndSend(el, 'Anyone there?');
    await waitFor(() => !panelRoot(el).querySelector('.pending') && bubbles(el, 'user').length === 1, 'sent');
    await api(`${server}/api/admin/chats/${chatId}`, adminToken);
    await waitFor(() => panelRoot(el).querySelector('.seen')?.textContent === 'Seen', 'Seen marker', 10_000);
  });
});

describe('<support-chat> reading history', () => {
  it('loads older messages at the top without moving the view, and shows a pill instead of yanking it down', async () => {
    const { token, chatId } = await userWithChat();
    for (let i = 1; i <= 36; i++) await adminReply(server, adminToken, chatId, `history ${i}`);
    const el = await widget(token, { open: true });
    await connected(el);
    await waitFor(() => bubbles(el).length === 30, 'newest page').catch((e) => {
      throw new Error(`${e.message}: ${bubbles(el).length} ${el.connection.messages().length} ${el.connection.hasMore()}`);
    });
    const list = panelRoot(el).querySelector<HTMLElement>('.messages')!;
    await waitFor(() => list.scrollHeight - list.scrollTop - list.clientHeight < 2, 'at the bottom');
    list.style.scrollBehavior = 'auto';
    list.scrollTop = 0;
    await waitFor(() => bubbles(el).length === 36, 'older page loaded');
    expect(bubbleTexts(el)[0]).to.equal('history 1');
    const anchor = bubbles(el).find((b) => b.textContent!.includes('history 7'))!;
    expect(anchor.getBoundingClientRect().top).to.be.greaterThan(list.getBoundingClientRect().top - 5);
    // Reading history: a new reply must not scroll the list.
    list.scrollTop = 200;
    await new Promise((r) => setTimeout(r, 100));
    const top = list.scrollTop;
    await adminReply(server, adminToken, chatId, 'a new one');
    await waitFor(() => !!panelRoot(el).querySelector('.pill'), 'New messages pill');
    expect(list.scrollTop).to.equal(top);
    panelRoot(el).querySelector<HTMLButtonElement>('.pill')!.click();
    await waitFor(() => !panelRoot(el).querySelector('.pill'), 'pill gone');
    expect(list.scrollHeight - list.scrollTop - list.clientHeight).to.be.below(2);
  });

  it('marks a message the server rejects as not sent, with Retry and Remove', async () => {
    const { token } = await userWithChat();
    const el = await widget(token, { open: true });
    await connected(el);
    el.connection.send('x'.repeat(6000));
    await waitFor(() => !!panelRoot(el).querySelector('.failed'), 'failed bubble');
    const buttons = [...panelRoot(el).querySelectorAll<HTMLButtonElement>('.failed button')].map((b) => b.textContent);
    expect(buttons).to.deep.equal(['Retry', 'Remove']);
    panelRoot(el).querySelectorAll<HTMLButtonElement>('.failed button')[1]!.click();
    await waitFor(() => !panelRoot(el).querySelector('.failed') && el.connection.outbox().length === 0, 'removed');
  });
});

describe('<support-chat> in any page', () => {
  it('survives being removed and re-added, and two instances on one page share one socket', async () => {
    const { token, chatId } = await userWithChat();
    const el = await widget(token);
    await connected(el);
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await connected(el);
    const second = document.createElement('support-chat');
    second.setAttribute('server', server);
    second.setAttribute('token', token);
    second.muted = true;
    parent.append(second);
    await connected(second);
    expect([el.connection.isLeader, second.connection.isLeader].filter(Boolean)).to.have.length(1);
    await adminReply(server, adminToken, chatId, 'to both');
    await waitFor(() => el.unread === 1 && second.unread === 1, 'both badges');
    second.remove();
  });
});

describe('<support-chat> connection', () => {
  it('shows a truthful connection dot through a server stop and start', async () => {
    const { token } = await userWithChat();
    const el = await widget(token, { open: true });
    await connected(el);
    const states: string[] = [];
    el.addEventListener('support-connection-change', (e) => states.push(e.detail.state));
    const label = () => panelRoot(el).querySelector('.status')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(label()).to.equal('Connection: Online');
    await stopServer();
    try {
      await waitFor(() => el.state === 'reconnecting' || el.state === 'offline', 'not connected');
      await waitFor(() => el.state === 'offline', 'offline once REST fails too', 12_000);
      expect(label()).to.equal('Connection: Offline');
    } finally {
      await startServer();
    }
    await connected(el, 15_000);
    expect(label()).to.equal('Connection: Online');
    expect(states[0]).to.be.oneOf(['reconnecting', 'offline']);
    expect(states.at(-1)).to.equal('connected');
  });

  it('delivers every message once after a reconnect with catch-up', async () => {
    const { token, chatId } = await userWithChat();
    const el = await widget(token, { open: true });
    await connected(el);
    await typeAndSend(el, 'before');
    await adminReply(server, adminToken, chatId, 'reply before');
    await waitFor(() => bubbles(el).length === 2, 'two messages');
    await stopServer();
    try {
      await waitFor(() => el.state !== 'connected', 'disconnected');
      await typeAndSend(el, 'during the outage');
    } finally {
      await startServer();
    }
    // Written before the widget is back: it arrives through catch-up (or polling), once.
    await adminReply(server, adminToken, chatId, 'reply after restart');
    await connected(el, 15_000);
    await waitFor(() => bubbles(el).length === 4 && !panelRoot(el).querySelector('.pending'), 'four messages');
    await new Promise((r) => setTimeout(r, 500));
    const stored = await chatOf(server, token);
    expect(stored.messages.map((m) => m.content).sort()).to.deep.equal(['before', 'during the outage', 'reply after restart', 'reply before']);
    // Exactly the server's messages, in the server's (seq) order.
    expect(bubbleTexts(el)).to.deep.equal(stored.messages.map((m) => m.content));
    const seqs = el.connection.messages().map((m) => m.seq);
    expect(new Set(seqs).size).to.equal(seqs.length);
  });
});

/** A same-origin frame (shares localStorage, Web Locks and BroadcastChannel with other frames). */
async function frameWithWidget(token: string, name: string) {
  const frame = document.createElement('iframe');
  frame.name = name;
  frame.style.cssText = 'width:400px;height:700px';
  const entry = new URL('./index.ts', import.meta.url).href;
  frame.srcdoc = `<!doctype html><body><script type="module">
    const Native = WebSocket;
    window.__sockets = 0;
    window.WebSocket = class extends Native { constructor(...a) { super(...a); window.__sockets++; } };
    await import(${JSON.stringify(entry)});
  </script><support-chat server="${server}" token="${token}" muted></support-chat></body>`;
  document.body.append(frame);
  await waitFor(() => !!frame.contentDocument?.querySelector('support-chat')?.shadowRoot, `${name} widget`);
  return {
    frame,
    get el() {
      return frame.contentDocument!.querySelector('support-chat') as SupportChat;
    },
    get sockets() {
      return (frame.contentWindow as unknown as { __sockets: number }).__sockets;
    },
  };
}

describe('<support-chat> across tabs and reloads', () => {
  it('holds one socket for two tabs, mirrors messages to both, and sends from either', async () => {
    const { token, chatId } = await userWithChat();
    const a = await frameWithWidget(token, 'a');
    const b = await frameWithWidget(token, 'b');
    await waitFor(() => a.el.state === 'connected' && b.el.state === 'connected', 'both connected');
    expect(a.sockets + b.sockets).to.equal(1);
    expect([a.el.connection.isLeader, b.el.connection.isLeader].filter(Boolean)).to.have.length(1);
    await adminReply(server, adminToken, chatId, 'hello both');
    await waitFor(() => a.el.unread === 1 && b.el.unread === 1, 'badge in both tabs');
    const follower = a.el.connection.isLeader ? b : a;
    follower.el.connection.send('from the follower');
    await waitFor(async () => (await chatOf(server, token)).messages.some((m) => m.content === 'from the follower'), 'sent via leader');
    await waitFor(() => a.el.connection.messages().length === 2 && b.el.connection.messages().length === 2, 'mirrored');
    expect(a.el.connection.outbox()).to.have.length(0);
    expect(b.el.connection.outbox()).to.have.length(0);
    // Read in one tab: the badge clears in both.
    follower.el.open();
    await waitFor(() => a.el.unread === 0 && b.el.unread === 0, 'read shared');
    expect(a.sockets + b.sockets).to.equal(1);
  });

  it('keeps an unsent message in the outbox through a reload and sends it once', async () => {
    const { token } = await userWithChat();
    const tab = await frameWithWidget(token, 'reload');
    await waitFor(() => tab.el.state === 'connected', 'connected');
    await stopServer();
    try {
      await waitFor(() => tab.el.state !== 'connected', 'disconnected');
      tab.el.connection.send('written offline');
      expect(tab.el.connection.outbox()[0]!.status).to.equal('pending');
      const reloaded = new Promise((r) => tab.frame.addEventListener('load', r, { once: true }));
      tab.frame.contentWindow!.location.reload();
      await reloaded;
      await waitFor(() => !!tab.el?.connection, 'widget after reload');
      expect(tab.el.connection.outbox().map((e) => e.content)).to.deep.equal(['written offline']);
    } finally {
      await startServer();
    }
    await waitFor(() => tab.el.connection.outbox().length === 0, 'outbox flushed', 15_000);
    const stored = await chatOf(server, token);
    expect(stored.messages.map((m) => m.content)).to.deep.equal(['written offline']);
  });
});

describe('<support-chat> identity', () => {
  it('runs as an anonymous visitor without a token and offers email replies after the first message', async () => {
    const el = await widget(null, { open: true });
    await connected(el);
    const stored = JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('support-chat:visitor:'))![1]);
    expect(stored.token).to.be.a('string');
    expect(panelRoot(el).querySelector('.email')).to.equal(null);
    await typeAndSend(el, 'Hi, question about pricing');
    await waitFor(() => !!panelRoot(el).querySelector('.email'), 'email prompt');
    const field = panelRoot(el).querySelector<HTMLInputElement>('.email input')!;
    field.value = 'visitor@example.com';
    panelRoot(el).querySelector<HTMLButtonElement>('.email button[type=submit]')!.click();
    await waitFor(() => !!panelRoot(el).querySelector('.email-done'), 'email saved');
    const { messages } = await chatOf(server, stored.token);
    expect(messages.map((m) => m.content)).to.deep.equal(['Hi, question about pricing']);
  });

  it('asks the host for a new token when it expires, and re-authenticates with it', async () => {
    const sub = uniqueSub();
    const el = await widget(await mintToken(sub, { expiresIn: 2 }));
    await connected(el);
    const expired = await new Promise<CustomEvent<{ reason: string }>>((r) =>
      el.addEventListener('support-token-expired', (e) => r(e), { once: true }),
    );
    expect(expired.detail.reason).to.be.a('string');
    el.token = await mintToken(sub);
    await connected(el);
  });
});

describe('<support-chat> data rights', () => {
  it('deletes the conversation after a confirmation and starts over with an empty chat', async () => {
    const { token, chatId } = await userWithChat();
    await adminReply(server, adminToken, chatId, 'Something private');
    const el = await widget(token, { open: true });
    await connected(el);
    await waitFor(() => bubbleTexts(el).includes('Something private'), 'history shown');
    const root = panelRoot(el);
    root.querySelector<HTMLButtonElement>('[part="delete-button"]')!.click();
    await panelOf(el)!.updateComplete;
    const confirm = root.querySelector<HTMLElement>('[part="delete-confirm"]')!;
    expect(confirm.getAttribute('role')).to.equal('alertdialog');
    confirm.querySelector<HTMLButtonElement>('.link')!.click();
    await panelOf(el)!.updateComplete;
    expect(root.querySelector('[part="delete-confirm"]')).to.equal(null);
    expect(bubbleTexts(el)).to.include('Something private');

    root.querySelector<HTMLButtonElement>('[part="delete-button"]')!.click();
    await panelOf(el)!.updateComplete;
    root.querySelector<HTMLButtonElement>('[part="delete-confirm"] .danger')!.click();
    await waitFor(() => bubbleTexts(el).length === 0 && !root.querySelector('[part="delete-confirm"]'), 'conversation cleared');
    const after = await chatOf(server, token);
    expect(after.chat.id).not.to.equal(chatId);
    expect(after.messages).to.have.length(0);
    await connected(el);
    await typeAndSend(el, 'A fresh start');
    await waitFor(async () => (await chatOf(server, token)).messages.some((m) => m.content === 'A fresh start'), 'new chat used');
  });
});

describe('<support-chat> on a phone', () => {
  it('fills the screen below 480 px with a 16 px input and hides the launcher', async () => {
    await setViewport({ width: 375, height: 667 });
    const { token } = await userWithChat();
    const el = await widget(token, { open: true });
    const rect = panelOf(el)!.getBoundingClientRect();
    expect([rect.left, rect.top, rect.width, Math.round(rect.height)]).to.deep.equal([0, 0, 375, 667]);
    expect(getComputedStyle(textarea(el)).fontSize).to.equal('16px');
    expect(getComputedStyle(launcher(el)).display).to.equal('none');
    el.close();
    expect(getComputedStyle(launcher(el)).display).not.to.equal('none');
  });
});
