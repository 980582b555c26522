// How a chat and its people are named on screen, shared by the list and the conversation.
import { fill } from '../i18n/i18n.js';
import type { ListChat } from './inbox-store.js';
import type { Strings } from './strings.js';

/** Email, else name, else "Visitor 3f2a9c" (anonymous visitors who left no email). */
export function chatTitle(chat: Pick<ListChat, 'user_email' | 'user_name' | 'user_id'>, s: Strings): string {
  return chat.user_email || chat.user_name || fill(s.visitor, { id: chat.user_id.replace(/-/g, '').slice(0, 6) });
}

/**
 * A name or query set inside a sentence in its own direction (Unicode first-strong isolate), so
 * "Sam (Support)" stays whole in an Arabic sentence and an Arabic name in an English one.
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** A second line when both are known: the name under the email. */
export function chatSubtitle(chat: Pick<ListChat, 'user_email' | 'user_name'>): string | null {
  return chat.user_email && chat.user_name ? chat.user_name : null;
}

/** One or two letters for the avatar; an anonymous visitor gets the first letter of the word for one. */
export function initials(chat: Pick<ListChat, 'user_email' | 'user_name'>, s: Strings): string {
  const source = chat.user_name || chat.user_email?.split('@')[0] || '';
  const words = source.split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0]!.charAt(0) + words[1]!.charAt(0) : source.slice(0, 2);
  return letters.toUpperCase() || fill(s.visitor, { id: '' }).trim().charAt(0).toUpperCase();
}

/** A stable avatar colour class (hue-0 … hue-7) from the user id. */
export function hueClass(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return `hue-${Math.abs(hash) % 8}`;
}

/** A tab count in the language's digits, "1000+" at the server's cap. */
export function formatCount(count: number, cap: number, s: Strings, locale: string): string {
  return count >= cap ? fill(s.capped, { count: cap.toLocaleString(locale) }) : count.toLocaleString(locale);
}

/** The claims of a JWT, read without verifying: only to recognise the agent's own replies. */
export function tokenClaims(token: string | null | undefined): { sub?: string; name?: string; email?: string } {
  const payload = token?.split('.')[1];
  if (!payload) return {};
  try {
    const json = decodeURIComponent(
      [...atob(payload.replace(/-/g, '+').replace(/_/g, '/'))].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    const claims = JSON.parse(json) as Record<string, unknown>;
    const text = (key: string) => (typeof claims[key] === 'string' ? (claims[key] as string).trim() || undefined : undefined);
    return { sub: text('sub'), name: text('name'), email: text('email') };
  } catch {
    return {};
  }
}
