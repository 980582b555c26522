// docs/screenshots/widget-arabic.png: the built widget in an Arabic (right-to-left) page, open on a
// short conversation, against the real server: `npm run build && node widget/src/i18n/screenshot-arabic.mjs`.
import { createServer } from 'node:http';
import { launchChromium, startScreenshotServer } from '../../test-support/screenshot-helpers.mjs';

const { server, call, say } = await startScreenshotServer();

const page = (token) => `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>أكمي</title><style>
body{margin:0;font:16px/1.7 system-ui,sans-serif;color:#1d2433;background:#f6f7fb}
nav{display:flex;gap:28px;align-items:center;padding:18px 48px;background:#fff;border-bottom:1px solid #e6e8ef}
nav b{font-size:20px;margin-inline-end:auto}
main{max-width:880px;margin:0 auto;padding:64px 48px}
h1{font-size:40px;line-height:1.3;margin:0 0 16px}
p{color:#4a5368;max-width:560px}
</style><script type="module" src="${server.url}/widget/support-chat.js"></script></head><body>
<nav><b>أكمي</b><span>المنتج</span><span>الأسعار</span><span>المساعدة</span></nav>
<main><h1>أطلق منتجك أسرع مع أكمي</h1><p>المنصة التي تخطط بها الفرق وتبني وتطلق. لديك سؤال؟ فريق الدعم على بُعد نقرة واحدة.</p></main>
<support-chat server="${server.url}" token="${token}" title="دعم أكمي" muted></support-chat>
</body></html>`;

let currentToken = '';
const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(currentToken)));
await new Promise((done) => site.listen(0, '127.0.0.1', done));

const browser = await launchChromium();
try {
  const admin = server.token('agent-sam-ar', { admin: true, name: 'سامي' });
  const user = server.token('shot-arabic');
  const { chat } = await call('/api/chat', user);
  await say('/api/chat/messages', user, 'مرحبًا، تم خصم فاتورة مارس مرتين.');
  await say(`/api/admin/chats/${chat.id}/messages`, admin, 'نأسف لذلك! أعدنا المبلغ المخصوم مرتين الآن.');
  await say(`/api/admin/chats/${chat.id}/messages`, admin, 'Your refund reference: RF-2041 (https://acme.test/billing)');
  await say('/api/chat/messages', user, 'شكرًا جزيلًا، كان ذلك سريعًا!');
  await call(`/api/admin/chats/${chat.id}`, admin);
  currentToken = user;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const tab = await context.newPage();
  tab.on('pageerror', (e) => console.log('pageerror:', e.message));
  await tab.goto(`http://127.0.0.1:${site.address().port}/`);
  await tab.waitForFunction(() => document.querySelector('support-chat')?.connection?.state === 'connected');
  await tab.evaluate(() => document.querySelector('support-chat').open());
  await tab.waitForTimeout(800);
  await tab.evaluate(() =>
    document.querySelector('support-chat').shadowRoot.querySelector('support-chat-panel').shadowRoot.querySelector('textarea').blur(),
  );
  await tab.screenshot({ path: 'docs/screenshots/widget-arabic.png' });
  await context.close();
  console.log('docs/screenshots/widget-arabic.png written');
} finally {
  await browser.close();
  site.close();
  await server.close();
}
