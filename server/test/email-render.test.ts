// The reply email's pieces without the network: escaping, signed unsubscribe tokens, links, the
// rendered email and its MIME, and how SES failures are sorted into retry / permanent / ambiguous.
import { MessageRejected, SESServiceException } from '@aws-sdk/client-ses';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OPEN_PARAM } from '../../widget/src/shared/protocol.js';
import { escapeHtml, escapeHtmlMultiline, headerSafe, truncate } from '../src/email/escape.js';
import { chatLink, unsubscribeLink } from '../src/email/links.js';
import { buildMimeMessage, renderReplyEmail, senderMailbox, type ReplyEmailInput } from '../src/email/reply-email.js';
import { classifySendFailure } from '../src/email/ses.js';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../src/email/unsubscribe-token.js';
import { testConfig } from './support/helper.js';

const SECRET = 'a-server-secret-of-at-least-thirty-two-chars';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<script>alert("x") & 'y'</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;',
    );
  });

  it('escapes before adding line breaks', () => {
    expect(escapeHtmlMultiline('a<br>\nb\r\nc')).toBe('a&lt;br&gt;<br>b<br>c');
  });

  it('strips line breaks from header values', () => {
    expect(headerSafe('Acme\r\nBcc: evil@example.com')).toBe('Acme Bcc: evil@example.com');
  });

  it('truncates by characters, never splitting an emoji', () => {
    expect(truncate('short', 200)).toBe('short');
    const long = `${'x'.repeat(198)}🎉🎉🎉`;
    const cut = truncate(long, 200);
    expect([...cut]).toHaveLength(200);
    expect(cut).toBe(`${'x'.repeat(198)}🎉…`);
  });
});

describe('unsubscribe tokens', () => {
  const userId = randomUUID();

  it('round-trips the user id', () => {
    expect(verifyUnsubscribeToken(SECRET, signUnsubscribeToken(SECRET, userId))).toBe(userId);
  });

  it('cannot be moved to another user, forged or signed with another secret', () => {
    const token = signUnsubscribeToken(SECRET, userId);
    const [, mac] = token.split('.');
    expect(verifyUnsubscribeToken(SECRET, `${randomUUID()}.${mac}`)).toBeNull();
    expect(verifyUnsubscribeToken(`${SECRET}!`, token)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${userId}.${'A'.repeat(43)}`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${token}=`)).toBeNull();
    for (const junk of [undefined, null, 42, '', '.', userId, 'x'.repeat(500)]) {
      expect(verifyUnsubscribeToken(SECRET, junk)).toBeNull();
    }
  });

  it('differs from the raw HMAC of the id under the server secret (a key of its own)', async () => {
    const { createHmac } = await import('node:crypto');
    const plain = createHmac('sha256', SECRET).update(userId).digest('base64url');
    expect(signUnsubscribeToken(SECRET, userId)).not.toContain(plain);
  });
});

describe('links', () => {
  it('opens the chat on CHAT_URL, keeping its own query', () => {
    const config = testConfig('postgres://x@localhost/db', { CHAT_URL: 'https://shop.example/help?lang=de#top' });
    expect(chatLink(config)).toBe(`https://shop.example/help?lang=de&${OPEN_PARAM}=open#top`);
  });

  it('falls back to PUBLIC_URL, then to where the server listens', () => {
    expect(chatLink(testConfig('postgres://x@localhost/db', { PUBLIC_URL: 'https://chat.example/' }))).toBe(
      'https://chat.example/?support_chat=open',
    );
    expect(chatLink(testConfig('postgres://x@localhost/db', { HOST: '0.0.0.0', PORT: 4000 }))).toBe(
      'http://localhost:4000/?support_chat=open',
    );
  });

  it('signs the unsubscribe link for the user', () => {
    const config = testConfig('postgres://x@localhost/db', { PUBLIC_URL: 'https://chat.example' });
    const userId = randomUUID();
    const url = new URL(unsubscribeLink(config, userId));
    expect(url.origin + url.pathname).toBe('https://chat.example/unsubscribe');
    expect(verifyUnsubscribeToken(config.serverSecret, url.searchParams.get('token'))).toBe(userId);
  });
});

const input = (overrides: Partial<ReplyEmailInput> = {}): ReplyEmailInput => ({
  appName: 'Acme',
  from: 'support@acme.example',
  to: 'uma@example.com',
  recipientName: 'Uma',
  replies: [
    { senderName: 'Ada', content: 'First reply', createdAt: new Date('2025-03-04T10:15:00Z') },
    { senderName: null, content: 'Second <b>reply</b>\nwith a second line', createdAt: new Date('2025-03-04T10:16:00Z') },
  ],
  chatUrl: 'https://shop.example/?a=1&support_chat=open',
  unsubscribeUrl: 'https://chat.example/unsubscribe?token=abc.def',
  ...overrides,
});

describe('renderReplyEmail', () => {
  it('lists each reply with its sender and time, in HTML and text', () => {
    const email = renderReplyEmail(input());
    expect(email.subject).toBe('New reply from Acme Support');
    expect(email.text).toContain('You have 2 new replies from Acme Support.');
    expect(email.text).toContain('Ada, 4 Mar 2025, 10:15 UTC:\n  First reply');
    expect(email.text).toContain('Acme Support, 4 Mar 2025, 10:16 UTC:\n  Second <b>reply</b>\n  with a second line');
    expect(email.html).toContain('Second &lt;b&gt;reply&lt;/b&gt;<br>with a second line');
    expect(email.html).toContain('href="https://shop.example/?a=1&amp;support_chat=open"');
    expect(email.html).toContain('href="https://chat.example/unsubscribe?token=abc.def"');
    expect(email.text).toContain('Unsubscribe from these emails: https://chat.example/unsubscribe?token=abc.def');
    expect(email.headers).toMatchObject({
      'List-Unsubscribe': '<https://chat.example/unsubscribe?token=abc.def>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('escapes every piece of user text, including names and the app name', () => {
    const email = renderReplyEmail(
      input({
        appName: 'A&B <Co>',
        recipientName: '"><script>x()</script>',
        replies: [{ senderName: '<i>Eve</i>', content: '<script>alert(1)</script>', createdAt: new Date() }],
      }),
    );
    expect(email.html).not.toMatch(/<script|<i>|<Co>/);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('&lt;i&gt;Eve&lt;/i&gt;');
    expect(email.html).toContain('A&amp;B &lt;Co&gt; Support');
  });

  it('says "a new reply" for one and summarises very long bursts', () => {
    expect(renderReplyEmail(input({ replies: input().replies.slice(0, 1) })).text).toContain('You have a new reply');
    const many = Array.from({ length: 53 }, (_, i) => ({ senderName: 'Ada', content: `reply ${i}`, createdAt: new Date() }));
    const email = renderReplyEmail(input({ replies: many }));
    expect(email.text).toContain('reply 49');
    expect(email.text).not.toContain('reply 50');
    expect(email.text).toContain('…and 3 more replies in the conversation.');
  });
});

describe('buildMimeMessage', () => {
  it('is 7-bit multipart/alternative with CRLF line ends and the unsubscribe headers', () => {
    const raw = buildMimeMessage(input({ appName: 'Café', replies: [{ senderName: 'Zoë', content: 'Grüße 🎉', createdAt: new Date() }] }));
    expect(raw).toMatch(/^[\x00-\x7f]*$/);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).toContain('List-Unsubscribe: <https://chat.example/unsubscribe?token=abc.def>');
    expect(head).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(head).toMatch(/Content-Type: multipart\/alternative; boundary=/);
    expect(head).toContain(`Subject: =?utf-8?B?${Buffer.from('New reply from Café Support').toString('base64')}?=`);
    expect(head).toContain(`From: =?utf-8?B?${Buffer.from('Café Support').toString('base64')}?= <support@acme.example>`);
    expect(raw).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(raw).toContain('Content-Type: text/html; charset=UTF-8');
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('keeps a named EMAIL_FROM and names a bare one after the app', () => {
    expect(senderMailbox('Acme Help <help@acme.example>', 'Acme')).toEqual({ name: 'Acme Help', addr: 'help@acme.example' });
    expect(senderMailbox('"Acme, Inc." <help@acme.example>', 'Acme')).toEqual({ name: 'Acme, Inc.', addr: 'help@acme.example' });
    expect(senderMailbox('help@acme.example', 'Acme')).toEqual({ name: 'Acme Support', addr: 'help@acme.example' });
  });

  it('cannot be given extra headers through the recipient or the app name', () => {
    const raw = buildMimeMessage(input({ appName: 'Acme\r\nBcc: evil@example.com', to: 'uma@example.com\r\nBcc: evil@example.com' }));
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head.split('\r\n').filter((l) => /^bcc:/i.test(l))).toEqual([]);
  });
});

describe('classifySendFailure', () => {
  const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

  it('does not retry what SES refused for good', () => {
    expect(classifySendFailure(new MessageRejected({ message: 'Email address is not verified.', ...meta(400) }))).toBe('permanent');
    expect(
      classifySendFailure(new SESServiceException({ name: 'InvalidParameterValue', $fault: 'client', message: 'bad', ...meta(400) })),
    ).toBe('permanent');
  });

  it('retries throttling, pauses and server errors: SES answered, so nothing was sent', () => {
    for (const [name, fault, status] of [
      ['Throttling', 'client', 400],
      ['AccountSendingPausedException', 'client', 400],
      ['ServiceUnavailable', 'server', 503],
      ['InternalFailure', 'server', 500],
    ] as const) {
      expect(classifySendFailure(new SESServiceException({ name, $fault: fault, message: name, ...meta(status) })), name).toBe('retry');
    }
  });

  it('retries when the request never left (refused connection, DNS, no credentials)', () => {
    expect(classifySendFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('retry');
    expect(classifySendFailure(Object.assign(new Error('getaddrinfo'), { code: 'EAI_AGAIN' }))).toBe('retry');
    expect(classifySendFailure(Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }))).toBe('retry');
  });

  it('calls a broken connection or timeout ambiguous (SES may have taken the email)', () => {
    expect(classifySendFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ambiguous');
    expect(classifySendFailure(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe('ambiguous');
    expect(classifySendFailure('weird')).toBe('ambiguous');
  });
});
