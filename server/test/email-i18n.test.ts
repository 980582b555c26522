// Reply emails in the user's language: the widget reports it (PATCH /api/chat/contact {locale}),
// the worker writes subject and body from that language's catalogue, APP_NAME and links intact.
// (The catalogues the browser fetches at /widget/i18n/... are pinned in widget-i18n.test.ts.)
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReplyEmail, type ReplyEmailInput } from '../src/email/reply-email.js';
import type { Api } from './support/api.js';
import { makeDue, runDueJobs, useEmailSuite, type Mailbox, type RecordingTransport } from './support/email.js';
import { adminToken, userToken, type TestContext } from './support/helper.js';

const input = (overrides: Partial<ReplyEmailInput> = {}): ReplyEmailInput => ({
  appName: 'Acme',
  from: 'support@acme.example',
  to: 'uma@example.com',
  recipientName: 'Uma',
  replies: [
    { senderName: 'Ada', content: 'Ihr Paket ist unterwegs.', createdAt: new Date('2025-03-04T10:15:00Z') },
    { senderName: null, content: 'Noch etwas', createdAt: new Date('2025-03-04T10:16:00Z') },
  ],
  chatUrl: 'https://shop.example/?a=1&support_chat=open',
  unsubscribeUrl: 'https://chat.example/unsubscribe?token=abc.def',
  ...overrides,
});

describe('a German reply email', () => {
  it('has a German subject and body, lang="de", APP_NAME and links intact', () => {
    const email = renderReplyEmail(input({ locale: 'de-DE' }));
    expect(email.subject).toBe('Neue Antwort vom Acme-Support');
    expect(email.text).toContain('Hallo Uma,');
    expect(email.text).toContain('Sie haben 2 neue Antworten vom Acme-Support.');
    expect(email.text).toContain('Ada, 04.03.2025, 10:15 UTC:\n  Ihr Paket ist unterwegs.');
    expect(email.text).toContain('Acme-Support, 04.03.2025, 10:16 UTC:');
    expect(email.text).toContain('Unterhaltung öffnen: https://shop.example/?a=1&support_chat=open');
    expect(email.text).toContain('Von diesen E-Mails abmelden: https://chat.example/unsubscribe?token=abc.def');
    expect(email.html).toContain('<html lang="de-DE" dir="ltr">');
    expect(email.html).toContain('>Unterhaltung öffnen</a>');
    expect(email.html).toContain('href="https://shop.example/?a=1&amp;support_chat=open"');
    expect(email.html).toContain('href="https://chat.example/unsubscribe?token=abc.def"');
    expect(email.html).toContain('der Acme-Support hat auf Ihre Nachricht geantwortet.');
    expect(email.html).not.toMatch(/You have|Open the conversation|Unsubscribe</);
  });

  it('uses the singular for one reply', () => {
    expect(renderReplyEmail(input({ locale: 'de', replies: input().replies.slice(0, 1) })).text).toContain(
      'Sie haben eine neue Antwort vom Acme-Support.',
    );
  });
});

describe('other languages', () => {
  it('writes Arabic right to left, with the rule on the right', () => {
    const email = renderReplyEmail(input({ locale: 'ar' }));
    expect(email.subject).toBe('ردّ جديد من فريق دعم Acme');
    expect(email.html).toContain('<html lang="ar" dir="rtl">');
    expect(email.html).toContain('border-right:3px solid');
    expect(email.text).toContain('لديك ردّان جديدان من فريق دعم Acme.');
  });

  it('falls back to the base language, then to English', () => {
    expect(renderReplyEmail(input({ locale: 'pt-BR' })).subject).toBe('Nova resposta do Suporte Acme');
    expect(renderReplyEmail(input({ locale: 'ja-JP' })).subject).toBe('New reply from Acme Support');
    expect(renderReplyEmail(input({ locale: null })).html).toContain('<html lang="en-GB" dir="ltr">');
  });
});

describe('end to end', () => {
  let ctx: TestContext;
  let http: Api;
  let mailbox: Mailbox;
  let transport: RecordingTransport;
  const admin = adminToken(`admin-${randomUUID()}`, { name: 'Ada Admin' });

  const suite = useEmailSuite({ MESSAGE_RATE_LIMIT: 1000, APP_NAME: 'Acme', CHAT_URL: 'https://shop.example/help' });
  beforeAll(() => ({ ctx, http, mailbox, transport } = suite));

  it('emails a user whose widget speaks German in German', async () => {
    const sub = `u-${randomUUID()}`;
    const email = `${sub}@example.com`;
    const token = userToken(sub, { email, name: 'Uma' });
    const chatId = await http.chatId(token);
    expect((await http.send(token, 'Wo ist mein Paket?')).statusCode).toBe(201);
    expect((await http.patch('/api/chat/contact', token, { locale: 'de-DE' })).statusCode).toBe(200);
    expect((await http.reply(admin, chatId, 'Es ist unterwegs.')).statusCode).toBe(201);

    await makeDue(ctx.database.sql, chatId);
    await runDueJobs(ctx, transport);
    const [sent] = await mailbox.emails(email);
    expect(sent?.subject).toBe('Neue Antwort vom Acme-Support');
    expect(sent?.body.text).toContain('Sie haben eine neue Antwort vom Acme-Support.');
    expect(sent?.body.text).toContain('Es ist unterwegs.');
    expect(sent?.body.html).toContain('lang="de-DE"');
    expect(sent?.body.html).toContain('https://shop.example/help?support_chat=open');
  });
});
