// The reply email in German (formal "Sie"; after "Hallo Uma," the letter goes on in lower case).
import type { Messages } from '../../../../widget/src/i18n/i18n.js';
import type { EmailStrings } from './en.js';

export const de = {
  subject: 'Neue Antwort vom {appName}-Support',
  support: '{appName}-Support',
  heading: { one: 'Sie haben eine neue Antwort', other: 'Sie haben {count} neue Antworten' },
  headingFrom: {
    one: 'Sie haben eine neue Antwort vom {appName}-Support.',
    other: 'Sie haben {count} neue Antworten vom {appName}-Support.',
  },
  greeting: 'Hallo {name},',
  greetingAnonymous: 'Hallo,',
  intro: 'der {appName}-Support hat auf Ihre Nachricht geantwortet. Sie können die Unterhaltung lesen und direkt darin antworten.',
  more: { one: '…und {count} weitere Antwort in der Unterhaltung.', other: '…und {count} weitere Antworten in der Unterhaltung.' },
  replyHeader: '{name}, {time} UTC:',
  sentAt: '{time} UTC',
  openConversation: 'Unterhaltung öffnen',
  openConversationLink: 'Unterhaltung öffnen: {url}',
  orOpenLink: 'Oder öffnen Sie diesen Link:',
  footer: 'Sie erhalten diese E-Mail, weil Sie den {appName}-Support kontaktiert haben.',
  unsubscribe: 'Abmelden',
  unsubscribeLink: 'Von diesen E-Mails abmelden: {url}',
} satisfies Messages<EmailStrings>;
