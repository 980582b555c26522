// Every shipped catalogue by surface and language: what the server serves at
// /widget/i18n/<surface>/<lang>.json and what the completeness tests walk. The bundles never
// import this file: each bundles its English catalogue and fetches the chosen one.
import { strings as chatEnglish } from '../support-chat/strings.js';
import chatAr from './chat/ar.js';
import chatDe from './chat/de.js';
import chatEs from './chat/es.js';
import chatFr from './chat/fr.js';
import chatPt from './chat/pt.js';
import type { Catalogue, Language } from './i18n.js';

export const catalogues: Record<string, Record<Language, Catalogue>> = {
  chat: { en: chatEnglish, de: chatDe, fr: chatFr, es: chatEs, pt: chatPt, ar: chatAr },
};
