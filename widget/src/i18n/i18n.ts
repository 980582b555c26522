// Language choice, plurals, interpolation and site-owner overrides for <support-chat> and
// <support-admin>. Catalogues are flat JSON-able objects: English is bundled, the others are
// fetched from the server (`/widget/i18n/<surface>/<lang>.json`) only when chosen.

/** Forms by `Intl.PluralRules` category; `other` is the fallback. A plain string serves every count. */
export type Plural = { [category in Intl.LDMLPluralRule]?: string } & { other: string };
export type Catalogue = Record<string, string | Plural>;
/** A catalogue with the same keys as English, plural where English is plural. */
export type Messages<T extends Catalogue> = { [K in keyof T]: T[K] extends string ? string : Plural };

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface LanguageChoice {
  /** The tag for Intl (`pt-BR`); `en` when the language is not shipped. */
  tag: string;
  /** The catalogue (`pt`). */
  lang: Language;
  rtl: boolean;
}

/** The element's `lang`, else the nearest in the page, else the browser's, else English. */
export function chooseLanguage(el: Element): LanguageChoice {
  let tag = el.closest('[lang]')?.getAttribute('lang') || navigator.language || 'en';
  const lang = tag.split('-')[0]!.toLowerCase() as Language;
  if (!LANGUAGES.includes(lang)) return { tag: 'en', lang: 'en', rtl: false };
  try {
    Intl.getCanonicalLocales(tag);
  } catch {
    tag = lang; // `de-!!` would make every Intl call throw
  }
  return { tag, lang, rtl: lang === 'ar' };
}

/** `fill('Hi {name}', { name: 'Ada' })`; unknown placeholders stay as they are. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => String(values[name] ?? match));
}

/** The form for `count` in `tag`'s plural rules, with `{count}` written in its digits. */
export function plural(entry: string | Plural, count: number, tag: string, values: Record<string, string | number> = {}): string {
  const text = typeof entry === 'string' ? entry : (entry[new Intl.PluralRules(tag).select(count)] ?? entry.other);
  return fill(text, { count: count.toLocaleString(tag), ...values });
}

const warned = new Set<string>();

/** Keeps the overrides whose keys the catalogue has; reports each unknown key once per element type. */
export function knownOverrides<T extends Catalogue>(english: T, overrides: object | null | undefined, element: string): Partial<T> {
  const known: Partial<T> = {};
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (key in english) known[key as keyof T] = value as T[keyof T];
    else if (!warned.has(element + key)) {
      warned.add(element + key);
      console.warn(`<${element}> strings: unknown key "${key}" ignored`);
    }
  }
  return known;
}

/** A shipped catalogue from the server; English (bundled) and failures resolve to `{}`. */
export function fetchCatalogue(server: string, surface: 'chat' | 'admin', lang: Language): Promise<Catalogue> {
  return lang === 'en'
    ? Promise.resolve({})
    : fetch(`${server}/widget/i18n/${surface}/${lang}.json`)
        .then((response) => (response.ok ? response.json() : {}))
        .catch(() => ({})); // offline or blocked: English rather than nothing
}
