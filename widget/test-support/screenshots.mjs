// Screenshots of the built widget for docs/screenshots (closed with a badge, open, mobile), against
// the real server: `npm run build && node widget/test-support/screenshots.mjs`.
import { createServer } from 'node:http';
import { launchChromium, startScreenshotServer } from './screenshot-helpers.mjs';

const { server, call, say } = await startScreenshotServer();

const page = (token) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>Acme</title><style>
body{margin:0;font:16px/1.6 system-ui,sans-serif;color:#1d2433;background:#f6f7fb}
nav{display:flex;gap:28px;align-items:center;padding:18px 48px;background:#fff;border-bottom:1px solid #e6e8ef}
nav b{font-size:20px;margin-right:auto}
main{max-width:880px;margin:0 auto;padding:64px 48px}
h1{font-size:44px;line-height:1.15;margin:0 0 16px}
p{color:#4a5368;max-width:560px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:20px;margin-top:40px}
.cards div{background:#fff;border:1px solid #e6e8ef;border-radius:14px;padding:22px;height:120px}
</style><script type="module" src="${server.url}/widget/support-chat.js"></script></head><body>
<nav><b>Acme</b><span>Product</span><span>Pricing</span><span>Docs</span></nav>
<main><h1>Ship faster with Acme</h1><p>The platform teams use to plan, build and launch. Questions? Our support team is one click away.</p>
<div class="cards"><div></div><div></div><div></div></div></main>
<support-chat server="${server.url}" token="${token}" title="Acme Support" greeting="Hi there! Ask us anything. We usually reply within a few minutes." muted></support-chat>
</body></html>`;

// The sample site on its own origin, embedding the widget cross-origin as a customer's site would.
let currentToken = '';
const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page(currentToken)));
await new Promise((done) => site.listen(0, '127.0.0.1', done));
const siteUrl = `http://127.0.0.1:${site.address().port}/`;

const browser = await launchChromium();
try {
  const admin = server.token('agent-sam', { admin: true, name: 'Sam' });
  const open = async (viewport, token, file, { openIt, mobile = false }) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 2, isMobile: mobile, hasTouch: mobile });
    const tab = await context.newPage();
    tab.on('console', (m) => process.env.DEBUG_SHOTS && console.log('console:', m.text()));
    tab.on('pageerror', (e) => console.log('pageerror:', e.message));
    tab.on('requestfailed', (r) => process.env.DEBUG_SHOTS && console.log('failed:', r.url(), r.failure()?.errorText));
    currentToken = token;
    await tab.goto(siteUrl);
    await tab.waitForFunction(() => document.querySelector('support-chat')?.connection?.state === 'connected');
    if (openIt) {
      await tab.evaluate(() => document.querySelector('support-chat').open());
      await tab.waitForTimeout(600);
      await tab.evaluate(() => {
        const input = document.querySelector('support-chat').shadowRoot.querySelector('support-chat-panel').shadowRoot.querySelector('textarea');
        input.blur();
      });
    } else {
      await tab.waitForTimeout(400);
    }
    await tab.screenshot({ path: `docs/screenshots/${file}` });
    await context.close();
  };

  // Closed, with three unread replies.
  const closedUser = server.token('shot-closed');
  const closed = await call('/api/chat', closedUser);
  await say('/api/chat/messages', closedUser, 'Hi! Can I change my plan mid-month?');
  for (const text of ['Hi Alex! Yes, you can.', 'The difference is prorated on your next invoice.', 'Anything else I can help with?']) {
    await say(`/api/admin/chats/${closed.chat.id}/messages`, admin, text);
  }
  await open({ width: 1280, height: 800 }, closedUser, 'widget-closed.png', { openIt: false });

  // Open: a conversation with a link, Seen, and a day divider.
  const user = server.token('shot-open');
  const chat = await call('/api/chat', user);
  await say('/api/chat/messages', user, 'Hi! I was charged twice for my March invoice.');
  await say(`/api/admin/chats/${chat.chat.id}/messages`, admin, 'Sorry about that! I can see the duplicate charge and have refunded it just now.');
  await say(`/api/admin/chats/${chat.chat.id}/messages`, admin, 'You can check the refund here: https://acme.test/billing');
  await say('/api/chat/messages', user, 'That was quick, thank you!');
  await call(`/api/admin/chats/${chat.chat.id}`, admin);
  await open({ width: 1280, height: 800 }, user, 'widget-open.png', { openIt: true });
  await open({ width: 390, height: 844 }, user, 'widget-mobile.png', { openIt: true, mobile: true });
  console.log('screenshots written to docs/screenshots/');
} finally {
  await browser.close();
  site.close();
  await server.close();
}
