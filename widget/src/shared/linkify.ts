// Turns URLs in message text into links as Lit templates: the text itself is always bound as text,
// only http(s) URLs become hrefs, and every link opens in a new tab without opener or referrer.
import { html, type TemplateResult } from 'lit-html';

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

export type TextPart = string | { href: string; text: string };

/** Splits text into plain strings and links (pure, so it is unit-tested without a DOM). */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let raw = match[0];
    const trailing = TRAILING.exec(raw)?.[0] ?? '';
    // Keep a closing bracket when the URL itself opened one, e.g. wiki links.
    raw = raw.slice(0, raw.length - trailing.length);
    const start = match.index ?? 0;
    let href = raw.startsWith('www.') ? `https://${raw}` : raw;
    try {
      const url = new URL(href);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      href = url.href;
    } catch {
      continue;
    }
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href, text: raw });
    last = start + raw.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export function linkify(text: string): Array<string | TemplateResult> {
  return splitLinks(text).map((part) =>
    typeof part === 'string'
      ? part
      : html`<a href=${part.href} target="_blank" rel="noopener noreferrer nofollow">${part.text}</a>`,
  );
}
