// The reply email: one message per unread burst, listing each admin reply (preview of 200
// characters), with a link that opens the chat and a one-click unsubscribe. HTML + plain text.
import { createMimeMessage } from 'mimetext';
import { fill, plural } from '../../../widget/src/i18n/i18n.js';
import { escapeHtml, escapeHtmlMultiline, headerSafe, truncate } from './escape.js';
import { emailLanguage } from './i18n/index.js';

export const PREVIEW_LENGTH = 200;
/** Longer bursts are summarised ("and N more"): the link opens the full conversation anyway. */
export const MAX_LISTED_REPLIES = 50;

export interface ReplyPreview {
  senderName: string | null;
  content: string;
  createdAt: Date;
}

export interface ReplyEmailInput {
  appName: string;
  /** EMAIL_FROM: `support@acme.com` or `Acme <support@acme.com>`. */
  from: string;
  to: string;
  recipientName: string | null;
  replies: ReplyPreview[];
  chatUrl: string;
  unsubscribeUrl: string;
  /** The user's language (support_users.locale, from the widget); English when absent or not shipped. */
  locale?: string | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

export function replyEmailSubject(appName: string, locale?: string | null): string {
  return headerSafe(fill(emailLanguage(locale).strings.subject, { appName }));
}

function preview(content: string): string {
  return truncate(content.replace(/\n{3,}/g, '\n\n').trim(), PREVIEW_LENGTH);
}

export function renderReplyEmail(input: ReplyEmailInput): RenderedEmail {
  const { strings: s, tag, dir } = emailLanguage(input.locale);
  const appName = input.appName;
  const count = input.replies.length;
  const support = fill(s.support, { appName });
  const listed = input.replies.slice(0, MAX_LISTED_REPLIES);
  const more = count - listed.length;
  const heading = plural(s.heading, count, tag, { appName });
  const greeting = input.recipientName ? fill(s.greeting, { name: input.recipientName }) : s.greetingAnonymous;
  const intro = fill(s.intro, { appName });
  const moreLine = more > 0 ? plural(s.more, more, tag) : '';
  const footer = fill(s.footer, { appName });
  const timeFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  // Right-to-left mail clients ignore logical CSS: the reply's rule goes on the physical start side.
  const start = dir === 'rtl' ? 'right' : 'left';

  const textReplies = listed.map(
    (r) =>
      `${fill(s.replyHeader, { name: r.senderName ?? support, time: timeFormat.format(r.createdAt) })}\n${preview(r.content).replace(/^/gm, '  ')}`,
  );
  const text = [
    greeting,
    '',
    plural(s.headingFrom, count, tag, { appName }),
    '',
    ...textReplies.flatMap((r) => [r, '']),
    ...(moreLine ? [moreLine, ''] : []),
    fill(s.openConversationLink, { url: input.chatUrl }),
    '',
    '--',
    footer,
    fill(s.unsubscribeLink, { url: input.unsubscribeUrl }),
    '',
  ].join('\n');

  const e = escapeHtml;
  const htmlReplies = listed
    .map(
      (r) => `
          <tr><td style="padding:0 0 16px;">
            <div style="border-${start}:3px solid #2563eb;padding-${start}:14px;padding-top:4px;padding-bottom:4px;">
              <p style="margin:0 0 4px;font-size:13px;line-height:18px;color:#6b7280;"><strong style="color:#111827;font-weight:600;">${e(r.senderName ?? support)}</strong> &middot; ${e(fill(s.sentAt, { time: timeFormat.format(r.createdAt) }))}</p>
              <p style="margin:0;font-size:15px;line-height:22px;color:#111827;">${escapeHtmlMultiline(preview(r.content))}</p>
            </div>
          </td></tr>`,
    )
    .join('');
  const firstPreview = listed[0] ? truncate(listed[0].content.replace(/\s+/g, ' '), 90) : '';
  const html = `<!doctype html>
<html lang="${e(tag)}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(replyEmailSubject(appName, input.locale))}</title>
</head>
<body dir="${dir}" style="margin:0;padding:0;background:#f4f5f7;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;">${e(firstPreview)}</div>
<table role="presentation" dir="${dir}" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f7;">
  <tr><td align="center" style="padding:32px 16px;font-family:${FONT};">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border:1px solid #e3e5e8;border-radius:8px;">
      <tr><td style="padding:28px 32px 8px;font-family:${FONT};">
        <p style="margin:0;font-size:13px;line-height:18px;color:#6b7280;">${e(support)}</p>
        <h1 style="margin:8px 0 0;font-size:20px;line-height:28px;color:#111827;font-weight:600;">${e(heading)}</h1>
        <p style="margin:12px 0 0;font-size:15px;line-height:22px;color:#374151;">${e(greeting)}</p>
        <p style="margin:8px 0 0;font-size:15px;line-height:22px;color:#374151;">${e(intro)}</p>
      </td></tr>
      <tr><td style="padding:20px 32px 0;font-family:${FONT};">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${htmlReplies}
        </table>${moreLine ? `\n        <p style="margin:0 0 16px;font-size:14px;line-height:20px;color:#6b7280;">${e(moreLine)}</p>` : ''}
      </td></tr>
      <tr><td style="padding:8px 32px 28px;font-family:${FONT};">
        <a href="${e(input.chatUrl)}" style="display:inline-block;background:#2563eb;color:#ffffff;text-decoration:none;font-size:15px;line-height:20px;font-weight:600;padding:12px 20px;border-radius:6px;">${e(s.openConversation)}</a>
        <p style="margin:16px 0 0;font-size:13px;line-height:18px;color:#6b7280;">${e(s.orOpenLink)} <a href="${e(input.chatUrl)}" style="color:#2563eb;word-break:break-all;">${e(input.chatUrl)}</a></p>
      </td></tr>
    </table>
    <p style="max-width:560px;margin:16px auto 0;font-size:12px;line-height:18px;color:#9ca3af;font-family:${FONT};">${e(footer)} <a href="${e(input.unsubscribeUrl)}" style="color:#6b7280;">${e(s.unsubscribe)}</a></p>
  </td></tr>
</table>
</body>
</html>
`;
  return {
    subject: replyEmailSubject(appName, input.locale),
    text,
    html,
    headers: {
      // RFC 2369 + RFC 8058: mail clients show an "Unsubscribe" button that POSTs to the link.
      'List-Unsubscribe': `<${headerSafe(input.unsubscribeUrl)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // A notification, not a person: keeps auto-responders from answering it.
      'Auto-Submitted': 'auto-generated',
    },
  };
}

/** `Acme <support@acme.com>` stays as it is; a bare address gets "{APP_NAME} Support" as its name. */
export function senderMailbox(from: string, appName: string): { name: string; addr: string } {
  const named = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  if (named) return { name: headerSafe(named[1] ?? ''), addr: named[2]! };
  return { name: headerSafe(`${appName} Support`), addr: from.trim() };
}

function base64Lines(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
}

/** The raw RFC 5322 message for SendRawEmail: multipart/alternative, UTF-8 parts in base64, CRLF. */
export function buildMimeMessage(input: ReplyEmailInput, rendered: RenderedEmail = renderReplyEmail(input)): string {
  const message = createMimeMessage();
  message.setSender(senderMailbox(input.from, input.appName));
  message.setTo(headerSafe(input.to));
  message.setSubject(rendered.subject);
  for (const [name, value] of Object.entries(rendered.headers)) message.setHeader(name, value);
  message.addMessage({ contentType: 'text/plain', encoding: 'base64', data: base64Lines(rendered.text) });
  message.addMessage({ contentType: 'text/html', encoding: 'base64', data: base64Lines(rendered.html) });
  return message.asRaw().replace(/\r?\n/g, '\r\n');
}
