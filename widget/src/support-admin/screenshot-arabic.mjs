// docs/screenshots/admin-arabic.png: the built inbox in an Arabic page (right to left), a conversation
// open beside the list, against the real server with a back-dated history: `npm run build &&
// DATABASE_URL=postgres://root@127.0.0.1:5432/postgres node widget/src/support-admin/screenshot-arabic.mjs`.
// `--phone` also writes the one-pane layout to .data/admin-arabic-phone.png (to look at, not for docs).
import { chromium } from 'playwright-core';
import postgres from 'postgres';
import { register } from 'tsx/esm/api';

register();
const { startSupportServer } = await import('../../test-support/support-server.ts');
const server = await startSupportServer();
const call = async (path, token, method = 'GET', body) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
let n = 0;
const say = (path, token, content) => call(path, token, 'POST', { client_id: `ar-admin-shot-${++n}`, content });

const sami = server.token('agent-sami', { admin: true, name: 'سامي' });
const lee = server.token('agent-lee-ar', { admin: true, name: 'Lee (Support)' });
const visitor = (await call('/api/visitors', '', 'POST')).token;

// [who, text, minutes ago]; who: user | sami | lee
const people = [
  { sub: 'youssef', token: server.token('youssef', { name: 'يوسف الخطيب' }), archived: true, lines: [['user', 'كيف أصدّر مشاريعي بصيغة CSV؟', 4 * 1440], ['sami', 'افتح المشروع ثم الإعدادات › التصدير، وستجد CSV وJSON هناك.', 4 * 1440 - 6], ['user', 'وجدته، شكرًا!', 4 * 1440 - 9]] },
  { sub: 'carol', token: server.token('carol-ar', { name: 'Carol Nguyen' }), lines: [['user', 'Can I add a second admin on the Starter plan?', 26 * 60], ['lee', 'Yes! Starter includes up to 3 admins (Settings › Members).', 25 * 60]] },
  { sub: 'visitor', token: visitor, lines: [['user', 'مرحبًا؟ هل من أحد هنا', 180]] },
  { sub: 'mariam', token: server.token('mariam', { name: 'مريم العلي' }), lines: [['user', 'هل لديكم خصم للجمعيات الخيرية؟ نحن جمعية صغيرة تدير بنوك طعام في ثلاث مدن.', 7]] },
  {
    sub: 'layla',
    token: server.token('layla', { name: 'ليلى حسن' }),
    lines: [
      ['user', 'مرحبًا! خُصمت فاتورة مارس مرتين. هل يمكنكم التحقق؟', 1440 + 40],
      ['sami', 'نعتذر عن ذلك يا ليلى. رأيت الخصم المكرر وأعدت المبلغ.', 1440 + 36],
      ['lee', 'The refund usually shows up within 3 to 5 business days: https://acme.test/billing/refunds', 1440 + 35],
      ['user', 'رائع، شكرًا! سؤال آخر: هل يمكنني التحويل إلى الفوترة السنوية؟', 4],
      ['user', 'وهل سيتم الاسترداد إن حوّلت اليوم؟', 2],
    ],
  },
];

const url = new URL(process.env.DATABASE_URL ?? '');
const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
const [{ datname }] = await admin`select datname from pg_database where datname like ${`sc_wtr_${process.pid}_%`}`;
await admin.end();
url.pathname = `/${datname}`;
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });

const chatIds = {};
for (const person of people) {
  const { chat } = await call('/api/chat', person.token);
  chatIds[person.sub] = chat.id;
  for (const [who, text, ago] of person.lines) {
    const message = who === 'user'
      ? await say('/api/chat/messages', person.token, text)
      : await say(`/api/admin/chats/${chat.id}/messages`, who === 'sami' ? sami : lee, text);
    await sql`update support_messages set created_at = now() - ${`${ago} minutes`}::interval where id = ${message.id}`;
  }
  await sql`update support_chats c set last_message_at = (select max(created_at) from support_messages where chat_id = c.id),
    last_user_message_at = (select max(created_at) from support_messages where chat_id = c.id and sender_type = 'user') where id = ${chat.id}`;
  if (person.archived) await call(`/api/admin/chats/${chat.id}/archive`, sami, 'POST');
}
// Carol's chat was read by an agent and she read Lee's reply ("Seen").
await call(`/api/admin/chats/${chatIds.carol}`, sami);
await call('/api/chat/read', people[1].token, 'POST', {});
await call(`/api/admin/chats/${chatIds.layla}?before_seq=1`, sami);
await sql.end();

// No `lang` on the element: it follows the page's.
const page = (token) => `<!doctype html><html lang="ar"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>صندوق الدعم · أكمي</title>
<style>html,body{margin:0;height:100%;background:#fff}support-admin{height:100vh}</style>
<script type="module" src="${server.url}/widget/support-admin.js"></script></head>
<body><support-admin server="${server.url}" token="${token}" muted></support-admin></body></html>`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    // The page is fulfilled by the script, which Chromium treats as public; the server is on loopback.
    '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'],
});
try {
  const shoot = async (viewport, path, { mobile = false } = {}) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 2, isMobile: mobile, hasTouch: mobile });
    const tab = await context.newPage();
    tab.on('pageerror', (e) => console.log('pageerror:', e.message));
    tab.on('console', (m) => ['error', 'warning'].includes(m.type()) && console.log(`console.${m.type()}:`, m.text()));
    await tab.route(`${server.url}/inbox`, (route) => route.fulfill({ contentType: 'text/html', body: page(sami) }));
    await tab.goto(`${server.url}/inbox#chat=${chatIds.layla}`);
    await tab.waitForFunction(() => document.querySelector('support-admin')?.state === 'connected');
    await tab.waitForTimeout(700);
    await tab.evaluate(() => document.activeElement?.blur());
    await tab.screenshot({ path });
    await context.close();
    console.log(`${path} written`);
  };
  await shoot({ width: 1280, height: 800 }, 'docs/screenshots/admin-arabic.png');
  if (process.argv.includes('--phone')) await shoot({ width: 390, height: 844 }, '.data/admin-arabic-phone.png', { mobile: true });
} finally {
  await browser.close();
  await server.close();
}
