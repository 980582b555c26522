// The reply email's language: the user's stored locale (sent by the widget), else English; the
// catalogue by its base language (`pt-BR` → pt), the full tag for dates.
import { LANGUAGES, type Catalogue, type Language, type Messages } from '../../../../widget/src/i18n/i18n.js';
import { ar } from './ar.js';
import { de } from './de.js';
import { en, type EmailStrings } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { pt } from './pt.js';

export const emailCatalogues: Record<Language, Catalogue> = { en, de, fr, es, pt, ar };

export interface EmailLanguage {
  strings: Messages<EmailStrings>;
  /** For `lang=""` and Intl. */
  tag: string;
  dir: 'ltr' | 'rtl';
}

export function emailLanguage(locale: string | null | undefined): EmailLanguage {
  const lang = (locale ?? '').split('-')[0]!.toLowerCase() as Language;
  if (!locale || lang === 'en' || !LANGUAGES.includes(lang)) {
    // English keeps its day-month-year dates unless the user's locale says otherwise (en-US).
    return { strings: en, tag: locale && lang === 'en' && canonical(locale) ? locale : 'en-GB', dir: 'ltr' };
  }
  return { strings: emailCatalogues[lang] as Messages<EmailStrings>, tag: canonical(locale) ? locale : lang, dir: lang === 'ar' ? 'rtl' : 'ltr' };
}

function canonical(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
