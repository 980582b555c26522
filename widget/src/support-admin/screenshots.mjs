// Screenshots of the built inbox for docs/screenshots (list, open conversation, narrow), against the
// real server with a seeded history: `npm run build && DATABASE_URL=postgres://root@127.0.0.1:5432/postgres
// node widget/src/support-admin/screenshots.mjs`. History is back-dated with SQL so day dividers show.
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
const say = (path, token, content) => call(path, token, 'POST', { client_id: `shot-${++n}`, content });

const sam = server.token('agent-sam', { admin: true, name: 'Sam (Support)' });
const lee = server.token('agent-lee', { admin: true, name: 'Lee (Support)' });
const visitor = (await call('/api/visitors', '', 'POST')).token;

// [who, text, minutes ago]; who: user | sam | lee
const people = [
  { sub: 'dan', token: server.token('dan', { name: 'Dan Alvarez' }), archived: true, lines: [['user', 'How do I export my projects as CSV?', 4 * 1440], ['lee', 'Open a project, then Settings › Export. You can pick CSV or JSON there.', 4 * 1440 - 6], ['user', 'Found it, thanks!', 4 * 1440 - 9]] },
  { sub: 'fatima', token: server.token('fatima', { name: 'Fatima Zahra' }), lines: [['user', 'Can I add a second admin to our workspace on the Starter plan?', 26 * 60], ['sam', 'Yes! Starter includes up to 3 admins. Invite them from Settings › Members.', 25 * 60]] },
  { sub: 'visitor', token: visitor, lines: [['user', 'hello? is anyone there', 180]] },
  { sub: 'erin', token: server.token('erin', { name: 'Erin Walsh' }), lines: [['user', 'Is there a discount for non-profits? 🙏 We are a small charity running food banks in three cities and would love to use Acme for our volunteer scheduling.', 7]] },
  {
    sub: 'carol',
    token: server.token('carol', { name: 'Carol Nguyen' }),
    lines: [
      ['user', 'Hi! I was charged twice for my March invoice. Can you check?', 1440 + 40],
      ['sam', 'Sorry about that, Carol. I can see the duplicate charge and have refunded it.', 1440 + 36],
      ['lee', 'The refund usually shows up within 3 to 5 business days: https://acme.test/billing/refunds', 1440 + 35],
      ['user', 'Great, thank you! One more thing: can I switch to yearly billing?', 4],
      ['user', 'And would the refund still go through if I switch today?', 2],
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
      : await say(`/api/admin/chats/${chat.id}/messages`, who === 'sam' ? sam : lee, text);
    await sql`update support_messages set created_at = now() - ${`${ago} minutes`}::interval where id = ${message.id}`;
  }
  await sql`update support_chats c set last_message_at = (select max(created_at) from support_messages where chat_id = c.id),
    last_user_message_at = (select max(created_at) from support_messages where chat_id = c.id and sender_type = 'user') where id = ${chat.id}`;
  if (person.archived) await call(`/api/admin/chats/${chat.id}/archive`, sam, 'POST');
}
// Fatima's chat was read by an agent; she read Sam's reply ("Seen").
await call(`/api/admin/chats/${chatIds.fatima}`, sam);
await call('/api/chat/read', people[1].token, 'POST', {});
await call(`/api/admin/chats/${chatIds.carol}?before_seq=1`, sam);
await sql.end();

const page = (token) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Support inbox · Acme</title>
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
  const shoot = async (viewport, file, { hash = '', mobile = false, before } = {}) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 2, isMobile: mobile, hasTouch: mobile });
    const tab = await context.newPage();
    tab.on('pageerror', (e) => console.log('pageerror:', e.message));
    tab.on('console', (m) => m.type() === 'error' && console.log('console:', m.text()));
    // Served from the server's origin (a public origin may not load from loopback: Private Network Access).
    await tab.route(`${server.url}/inbox`, (route) => route.fulfill({ contentType: 'text/html', body: page(sam) }));
    await tab.goto(`${server.url}/inbox${hash}`);
    await tab.waitForFunction(() => document.querySelector('support-admin')?.state === 'connected');
    await tab.waitForTimeout(700);
    if (before) await before(tab);
    await tab.screenshot({ path: `docs/screenshots/${file}` });
    await context.close();
  };
  await shoot({ width: 1280, height: 800 }, 'admin-inbox.png');
  await shoot({ width: 1280, height: 800 }, 'admin-conversation.png', {
    hash: `#chat=${chatIds.carol}`,
    before: (tab) => tab.evaluate(() => document.activeElement?.blur()),
  });
  await shoot({ width: 390, height: 844 }, 'admin-mobile.png', { mobile: true });
  await shoot({ width: 390, height: 844 }, 'admin-mobile-conversation.png', { mobile: true, hash: `#chat=${chatIds.carol}` });
  console.log('screenshots written to docs/screenshots/admin-*.png');
} finally {
  await browser.close();
  await server.close();
}
