// Screenshots of the built inbox for docs/screenshots, against the real server with a seeded history
// (back-dated with SQL so day dividers show): `npm run build && DATABASE_URL=postgres://root@127.0.0.1:5432/postgres
// node widget/src/support-admin/screenshots.mjs` takes the list, an open conversation and both on a phone
// (admin-*.png). `--lang=ar` takes admin-arabic.png instead: an Arabic page (right to left), a
// conversation open beside the list; `--phone` adds the one-pane layout as .data/admin-arabic-phone.png
// (to look at, not for docs).
import postgres from 'postgres';
import { launchChromium, startScreenshotServer } from '../../test-support/screenshot-helpers.mjs';

const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

/**
 * One language's inbox: the agent who looks and a colleague (Lee); customers with lines
 * [who, text, minutes ago] (who: user | agent | lee); whose chat the customer saw read (`seen`);
 * the conversation the shots with `open` show; the page's language and title; the shots.
 */
const inboxes = {
  en: (server, visitor) => ({
    agent: server.token('agent-sam', { admin: true, name: 'Sam (Support)' }),
    lee: server.token('agent-lee', { admin: true, name: 'Lee (Support)' }),
    people: [
      { sub: 'dan', token: server.token('dan', { name: 'Dan Alvarez' }), archived: true, lines: [['user', 'How do I export my projects as CSV?', 4 * 1440], ['lee', 'Open a project, then Settings › Export. You can pick CSV or JSON there.', 4 * 1440 - 6], ['user', 'Found it, thanks!', 4 * 1440 - 9]] },
      { sub: 'fatima', token: server.token('fatima', { name: 'Fatima Zahra' }), lines: [['user', 'Can I add a second admin to our workspace on the Starter plan?', 26 * 60], ['agent', 'Yes! Starter includes up to 3 admins. Invite them from Settings › Members.', 25 * 60]] },
      { sub: 'visitor', token: visitor, lines: [['user', 'hello? is anyone there', 180]] },
      { sub: 'erin', token: server.token('erin', { name: 'Erin Walsh' }), lines: [['user', 'Is there a discount for non-profits? 🙏 We are a small charity running food banks in three cities and would love to use Acme for our volunteer scheduling.', 7]] },
      {
        sub: 'carol',
        token: server.token('carol', { name: 'Carol Nguyen' }),
        lines: [
          ['user', 'Hi! I was charged twice for my March invoice. Can you check?', 1440 + 40],
          ['agent', 'Sorry about that, Carol. I can see the duplicate charge and have refunded it.', 1440 + 36],
          ['lee', 'The refund usually shows up within 3 to 5 business days: https://acme.test/billing/refunds', 1440 + 35],
          ['user', 'Great, thank you! One more thing: can I switch to yearly billing?', 4],
          ['user', 'And would the refund still go through if I switch today?', 2],
        ],
      },
    ],
    // Fatima's chat was read by an agent; she read Sam's reply ("Seen").
    seen: 'fatima',
    open: 'carol',
    lang: 'en',
    title: 'Support inbox · Acme',
    shots: [
      { viewport: desktop, path: 'docs/screenshots/admin-inbox.png' },
      { viewport: desktop, path: 'docs/screenshots/admin-conversation.png', open: true, blur: true },
      { viewport: phone, path: 'docs/screenshots/admin-mobile.png', mobile: true },
      { viewport: phone, path: 'docs/screenshots/admin-mobile-conversation.png', mobile: true, open: true },
    ],
  }),
  ar: (server, visitor) => ({
    agent: server.token('agent-sami', { admin: true, name: 'سامي' }),
    lee: server.token('agent-lee-ar', { admin: true, name: 'Lee (Support)' }),
    people: [
      { sub: 'youssef', token: server.token('youssef', { name: 'يوسف الخطيب' }), archived: true, lines: [['user', 'كيف أصدّر مشاريعي بصيغة CSV؟', 4 * 1440], ['agent', 'افتح المشروع ثم الإعدادات › التصدير، وستجد CSV وJSON هناك.', 4 * 1440 - 6], ['user', 'وجدته، شكرًا!', 4 * 1440 - 9]] },
      { sub: 'carol', token: server.token('carol-ar', { name: 'Carol Nguyen' }), lines: [['user', 'Can I add a second admin on the Starter plan?', 26 * 60], ['lee', 'Yes! Starter includes up to 3 admins (Settings › Members).', 25 * 60]] },
      { sub: 'visitor', token: visitor, lines: [['user', 'مرحبًا؟ هل من أحد هنا', 180]] },
      { sub: 'mariam', token: server.token('mariam', { name: 'مريم العلي' }), lines: [['user', 'هل لديكم خصم للجمعيات الخيرية؟ نحن جمعية صغيرة تدير بنوك طعام في ثلاث مدن.', 7]] },
      {
        sub: 'layla',
        token: server.token('layla', { name: 'ليلى حسن' }),
        lines: [
          ['user', 'مرحبًا! خُصمت فاتورة مارس مرتين. هل يمكنكم التحقق؟', 1440 + 40],
          ['agent', 'نعتذر عن ذلك يا ليلى. رأيت الخصم المكرر وأعدت المبلغ.', 1440 + 36],
          ['lee', 'The refund usually shows up within 3 to 5 business days: https://acme.test/billing/refunds', 1440 + 35],
          ['user', 'رائع، شكرًا! سؤال آخر: هل يمكنني التحويل إلى الفوترة السنوية؟', 4],
          ['user', 'وهل سيتم الاسترداد إن حوّلت اليوم؟', 2],
        ],
      },
    ],
    // Carol's chat was read by an agent and she read Lee's reply ("Seen").
    seen: 'carol',
    open: 'layla',
    lang: 'ar',
    title: 'صندوق الدعم · أكمي',
    shots: [
      { viewport: desktop, path: 'docs/screenshots/admin-arabic.png', open: true, blur: true },
      ...(process.argv.includes('--phone') ? [{ viewport: phone, path: '.data/admin-arabic-phone.png', mobile: true, open: true, blur: true }] : []),
    ],
  }),
};

const lang = process.argv.find((arg) => arg.startsWith('--lang='))?.slice('--lang='.length) ?? 'en';
if (!Object.hasOwn(inboxes, lang)) throw new Error(`--lang=${lang}: one of ${Object.keys(inboxes).join(', ')}`);

const { server, call, say } = await startScreenshotServer();
const visitor = (await call('/api/visitors', '', 'POST')).token;
const inbox = inboxes[lang](server, visitor);
const { agent, lee, people } = inbox;

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
      : await say(`/api/admin/chats/${chat.id}/messages`, who === 'agent' ? agent : lee, text);
    await sql`update support_messages set created_at = now() - ${`${ago} minutes`}::interval where id = ${message.id}`;
  }
  await sql`update support_chats c set last_message_at = (select max(created_at) from support_messages where chat_id = c.id),
    last_user_message_at = (select max(created_at) from support_messages where chat_id = c.id and sender_type = 'user') where id = ${chat.id}`;
  if (person.archived) await call(`/api/admin/chats/${chat.id}/archive`, agent, 'POST');
}
await call(`/api/admin/chats/${chatIds[inbox.seen]}`, agent);
await call('/api/chat/read', people.find((person) => person.sub === inbox.seen).token, 'POST', {});
await call(`/api/admin/chats/${chatIds[inbox.open]}?before_seq=1`, agent);
await sql.end();

// No `lang` on the element: it follows the page's.
const page = (token) => `<!doctype html><html lang="${inbox.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${inbox.title}</title>
<style>html,body{margin:0;height:100%;background:#fff}support-admin{height:100vh}</style>
<script type="module" src="${server.url}/widget/support-admin.js"></script></head>
<body><support-admin server="${server.url}" token="${token}" muted></support-admin></body></html>`;

// The page is fulfilled by the script, which Chromium treats as public; the server is on loopback.
const browser = await launchChromium(['--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessChecks,BlockInsecurePrivateNetworkRequests']);
try {
  for (const { viewport, path, mobile = false, open = false, blur = false } of inbox.shots) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 2, isMobile: mobile, hasTouch: mobile });
    const tab = await context.newPage();
    tab.on('pageerror', (e) => console.log('pageerror:', e.message));
    tab.on('console', (m) => ['error', 'warning'].includes(m.type()) && console.log(`console.${m.type()}:`, m.text()));
    // Served from the server's origin (a public origin may not load from loopback: Private Network Access).
    await tab.route(`${server.url}/inbox`, (route) => route.fulfill({ contentType: 'text/html', body: page(agent) }));
    await tab.goto(`${server.url}/inbox${open ? `#chat=${chatIds[inbox.open]}` : ''}`);
    await tab.waitForFunction(() => document.querySelector('support-admin')?.state === 'connected');
    await tab.waitForTimeout(700);
    if (blur) await tab.evaluate(() => document.activeElement?.blur());
    await tab.screenshot({ path });
    await context.close();
    console.log(`${path} written`);
  }
} finally {
  await browser.close();
  await server.close();
}
