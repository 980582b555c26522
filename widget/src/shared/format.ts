// Dates and times through Intl only (no date library in the bundle): message times, relative
// times and the labels of the dividers between days.
const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d${locale}${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

function relativeFormat(locale: string | undefined): Intl.RelativeTimeFormat {
  const key = `r${locale}`;
  let format = cache.get(key) as Intl.RelativeTimeFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  return format;
}

const DAY = 86_400_000;
const startOfDay = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

/** "14:05" or "2:05 PM", as the locale writes it. */
export function formatTime(date: Date, locale?: string): string {
  return dateFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(date);
}

/** Full date and time, for a tooltip / screen readers. */
export function formatDateTime(date: Date, locale?: string): string {
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** "Today", "Yesterday", "Monday" within a week, else "12 March" (with the year when not this year). */
export function dayLabel(date: Date, now = new Date(), locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY);
  if (days >= 0 && days < 2) return capitalise(relativeFormat(locale).format(-days, 'day'));
  if (days > 0 && days < 7) return dateFormat(locale, { weekday: 'long' }).format(date);
  const sameYear = date.getFullYear() === now.getFullYear();
  return dateFormat(locale, sameYear ? { month: 'long', day: 'numeric' } : { dateStyle: 'medium' }).format(date);
}

/** "now", "5 minutes ago", "yesterday"... */
export function relativeTime(date: Date, now = new Date(), locale?: string): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const format = relativeFormat(locale);
  if (abs < 45) return format.format(0, 'second');
  if (abs < 2700) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 79_200) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}

/** True when both dates fall on the same local day (where a divider goes). */
export function sameDay(a: Date, b: Date): boolean {
  return startOfDay(a) === startOfDay(b);
}
