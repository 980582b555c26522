// Escaping for the reply email: everything a user or admin typed goes through here before it
// reaches HTML, so a message with `<script>` shows as text.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/** Escaped text with line breaks kept (`<br>`), for message bodies. */
export function escapeHtmlMultiline(value: string): string {
  return escapeHtml(value).replace(/\r\n|\r|\n/g, '<br>');
}

/** Removes characters that could end a mail header line (header injection). */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n\u0000]+/g, ' ').trim();
}

/** Shortens to at most `max` characters (code points, so emoji are never split), adding an ellipsis. */
export function truncate(value: string, max: number): string {
  const chars = [...value];
  if (chars.length <= max) return value;
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
