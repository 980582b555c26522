// The shipped catalogues (widget, inbox and reply email) against English, their plural forms, and
// the override rules site owners rely on.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emailCatalogues } from '../../../server/src/email/i18n/index.js';
import { catalogues } from './catalogues.js';
import { fill, knownOverrides, LANGUAGES, plural, type Catalogue, type Language, type Plural } from './i18n.js';

const placeholders = (text: string) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
const forms = (entry: string | Plural) => (typeof entry === 'string' ? [entry] : Object.values(entry));

const sets: Array<[string, Record<string, Catalogue>]> = [
  ...Object.entries(catalogues).map(([surface, byLang]) => [surface, byLang] as [string, Record<string, Catalogue>]),
  ['email', emailCatalogues],
];

describe.each(sets)('%s catalogues', (_surface, byLang) => {
  const english = byLang.en!;

  it.each(LANGUAGES.filter((lang) => lang !== 'en'))('%s has every key of English and no other', (lang) => {
    const catalogue = byLang[lang]!;
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());
    for (const [key, entry] of Object.entries(catalogue)) {
      expect(typeof entry, key).toBe(typeof english[key]);
      const allowed = placeholders(forms(english[key]!).join(' '));
      for (const form of forms(entry)) {
        expect(form.trim(), key).not.toBe('');
        // No invented placeholders; every one but {count} (Arabic spells out one and two) is kept.
        for (const name of placeholders(form)) expect(allowed, `${lang}.${key}: {${name}}`).toContain(name);
        for (const name of allowed) if (name !== 'count') expect(placeholders(form), `${lang}.${key}`).toContain(name);
      }
      if (typeof entry !== 'string') {
        // One form for each category the language's plural rules can pick.
        for (const category of new Intl.PluralRules(lang).resolvedOptions().pluralCategories) {
          expect(entry, `${lang}.${key}`).toHaveProperty(category);
        }
      }
    }
  });
});

describe('docs/embedding.md', () => {
  const doc = readFileSync('docs/embedding.md', 'utf8');
  const section = (heading: string) => doc.slice(doc.indexOf(`\n## ${heading}\n`), doc.indexOf('\n## ', doc.indexOf(`\n## ${heading}\n`) + 1));

  it.each([
    ['chat', 'Languages'],
    ['admin', "The inbox's languages"],
  ])('lists every %s key site owners can override', (surface, heading) => {
    const text = section(heading);
    expect(text.length).toBeGreaterThan(100);
    for (const key of Object.keys(catalogues[surface]!.en!)) expect(text, key).toContain(`\`${key}\``);
  });
});

describe('plural forms for 1, 2, 5 and 21', () => {
  const categories: Record<string, string[]> = {
    en: ['one', 'other', 'other', 'other'],
    de: ['one', 'other', 'other', 'other'],
    fr: ['one', 'other', 'other', 'other'],
    es: ['one', 'other', 'other', 'other'],
    pt: ['one', 'other', 'other', 'other'],
    ar: ['one', 'two', 'few', 'many'],
  };

  it.each(LANGUAGES)('%s picks the right category and its form', (lang) => {
    expect([1, 2, 5, 21].map((n) => new Intl.PluralRules(lang).select(n))).toEqual(categories[lang]);
    const unread = catalogues.chat![lang]!.openChatUnread as Plural;
    [1, 2, 5, 21].forEach((n, i) => {
      expect(plural(unread, n, lang)).toBe(fill(unread[categories[lang]![i] as Intl.LDMLPluralRule]!, { count: n.toLocaleString(lang) }));
    });
  });

  it('writes the counts as each language does', () => {
    const unread = (lang: Language, n: number) => plural(catalogues.chat![lang]!.openChatUnread!, n, lang);
    expect([1, 2, 5, 21].map((n) => unread('en', n))).toEqual([
      'Open support chat, 1 unread message',
      'Open support chat, 2 unread messages',
      'Open support chat, 5 unread messages',
      'Open support chat, 21 unread messages',
    ]);
    expect(unread('de', 1)).toBe('Support-Chat öffnen, 1 ungelesene Nachricht');
    expect(unread('de', 21)).toBe('Support-Chat öffnen, 21 ungelesene Nachrichten');
    expect(unread('fr', 1)).toBe('Ouvrir le chat d’assistance, 1 message non lu');
    expect(unread('ar', 1)).toBe('فتح محادثة الدعم، رسالة واحدة غير مقروءة');
    expect(unread('ar', 2)).toBe('فتح محادثة الدعم، رسالتان غير مقروءتين');
    expect(unread('ar', 5)).toBe(`فتح محادثة الدعم، ${(5).toLocaleString('ar')} رسائل غير مقروءة`);
    expect(unread('ar', 21)).toBe(`فتح محادثة الدعم، ${(21).toLocaleString('ar')} رسالة غير مقروءة`);
    expect(unread('ar', 100)).toBe(`فتح محادثة الدعم، ${(100).toLocaleString('ar')} رسالة غير مقروءة`);
  });

  it('uses a plain string for every count (an override may be one)', () => {
    expect(plural('{count} new', 21, 'ar-EG')).toBe(`${(21).toLocaleString('ar-EG')} new`);
  });
});

describe('<support-admin> plural forms for 1, 2, 5 and 21', () => {
  const count = (lang: Language, key: 'messageCount' | 'unreadCount', n: number) => plural(catalogues.admin![lang]![key]!, n, lang);
  const digits = (n: number) => n.toLocaleString('ar');

  it.each([
    ['en', ['1 message', '2 messages', '5 messages', '21 messages']],
    ['de', ['1 Nachricht', '2 Nachrichten', '5 Nachrichten', '21 Nachrichten']],
    ['fr', ['1 message', '2 messages', '5 messages', '21 messages']],
    ['es', ['1 mensaje', '2 mensajes', '5 mensajes', '21 mensajes']],
    ['pt', ['1 mensagem', '2 mensagens', '5 mensagens', '21 mensagens']],
    ['ar', ['رسالة واحدة', 'رسالتان', `${digits(5)} رسائل`, `${digits(21)} رسالة`]],
  ] as Array<[Language, string[]]>)('%s counts the messages of a chat', (lang, expected) => {
    expect([1, 2, 5, 21].map((n) => count(lang, 'messageCount', n))).toEqual(expected);
  });

  it.each([
    ['en', ['1 unread chat', '2 unread chats', '5 unread chats', '21 unread chats']],
    ['de', ['1 ungelesener Chat', '2 ungelesene Chats', '5 ungelesene Chats', '21 ungelesene Chats']],
    ['fr', ['1 chat non lu', '2 chats non lus', '5 chats non lus', '21 chats non lus']],
    ['es', ['1 chat sin leer', '2 chats sin leer', '5 chats sin leer', '21 chats sin leer']],
    ['pt', ['1 chat não lido', '2 chats não lidos', '5 chats não lidos', '21 chats não lidos']],
    ['ar', ['محادثة واحدة غير مقروءة', 'محادثتان غير مقروءتين', `${digits(5)} محادثات غير مقروءة`, `${digits(21)} محادثة غير مقروءة`]],
  ] as Array<[Language, string[]]>)('%s counts the unread chats', (lang, expected) => {
    expect([1, 2, 5, 21].map((n) => count(lang, 'unreadCount', n))).toEqual(expected);
  });

  it('uses the "de" form French, Spanish and Portuguese put after a million', () => {
    expect(count('fr', 'messageCount', 1_000_000)).toBe(`${(1_000_000).toLocaleString('fr')} de messages`);
    expect(count('es', 'unreadCount', 1_000_000)).toBe(`${(1_000_000).toLocaleString('es')} de chats sin leer`);
    expect(count('pt', 'messageCount', 1_000_000)).toBe(`${(1_000_000).toLocaleString('pt')} de mensagens`);
  });
});

describe('fill', () => {
  it('replaces named placeholders and leaves unknown ones', () => {
    expect(fill('{name}: {text} {other}', { name: 'Ada', text: 'Hi' })).toBe('Ada: Hi {other}');
  });
});

describe('overrides', () => {
  afterEach(() => vi.restoreAllMocks());

  it('replace a string', () => {
    const english = catalogues.chat!.en!;
    const strings = { ...english, ...knownOverrides(english, { send: 'Go', placeholder: 'Ask away…' }, 'support-chat') };
    expect(strings.send).toBe('Go');
    expect(strings.placeholder).toBe('Ask away…');
    expect(strings.close).toBe(english.close);
  });

  it('replace an inbox string, a plural entry by a plain string too', () => {
    const english = catalogues.admin!.en!;
    const strings = { ...english, ...knownOverrides(english, { title: 'Help desk', messageCount: '{count} msgs' }, 'support-admin') };
    expect(strings.title).toBe('Help desk');
    expect(plural(strings.messageCount!, 21, 'en')).toBe('21 msgs');
    expect(strings.archive).toBe('Archive');
  });

  it('warn once about an unknown key and ignore it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const english = catalogues.chat!.en!;
    expect(knownOverrides(english, { sned: 'Go', send: 'Go' }, 'support-chat')).toEqual({ send: 'Go' });
    knownOverrides(english, { sned: 'Again' }, 'support-chat');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('"sned"');
  });
});
