// Every shipped catalogue by surface and language: what the server serves at
// /widget/i18n/<surface>/<lang>.json and what the completeness tests walk. The bundles never
// import this file: each bundles its English catalogue and fetches the chosen one.
import { strings as adminEnglish } from '../support-admin/strings.js';
import { strings as chatEnglish } from '../support-chat/strings.js';
import adminAr from './admin/ar.js';
import adminDe from './admin/de.js';
import adminEs from './admin/es.js';
import adminFr from './admin/fr.js';
import adminPt from './admin/pt.js';
import chatAr from './chat/ar.js';
import chatDe from './chat/de.js';
import chatEs from './chat/es.js';
import chatFr from './chat/fr.js';
import chatPt from './chat/pt.js';
import type { Catalogue, Language } from './i18n.js';

export const catalogues: Record<string, Record<Language, Catalogue>> = {
  chat: { en: chatEnglish, de: chatDe, fr: chatFr, es: chatEs, pt: chatPt, ar: chatAr },
  admin: { en: adminEnglish, de: adminDe, fr: adminFr, es: adminEs, pt: adminPt, ar: adminAr },
};
