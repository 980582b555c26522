// The reply email in French ("vous", no-break space before : and ?).
import type { Messages } from '../../../../widget/src/i18n/i18n.js';
import type { EmailStrings } from './en.js';

export const fr = {
  subject: 'Nouvelle réponse du support {appName}',
  support: 'Support {appName}',
  heading: {
    one: 'Vous avez une nouvelle réponse',
    many: 'Vous avez {count} de nouvelles réponses',
    other: 'Vous avez {count} nouvelles réponses',
  },
  headingFrom: {
    one: 'Vous avez une nouvelle réponse du support {appName}.',
    many: 'Vous avez {count} de nouvelles réponses du support {appName}.',
    other: 'Vous avez {count} nouvelles réponses du support {appName}.',
  },
  greeting: 'Bonjour {name},',
  greetingAnonymous: 'Bonjour,',
  intro: 'Le support {appName} a répondu à votre message. Vous pouvez lire la conversation et y répondre directement.',
  more: {
    one: '…et {count} autre réponse dans la conversation.',
    many: '…et {count} d’autres réponses dans la conversation.',
    other: '…et {count} autres réponses dans la conversation.',
  },
  replyHeader: '{name}, {time} UTC\u00a0:',
  sentAt: '{time} UTC',
  openConversation: 'Ouvrir la conversation',
  openConversationLink: 'Ouvrir la conversation\u00a0: {url}',
  orOpenLink: 'Ou ouvrez ce lien\u00a0:',
  footer: 'Vous recevez cet e-mail parce que vous avez contacté le support {appName}.',
  unsubscribe: 'Se désabonner',
  unsubscribeLink: 'Se désabonner de ces e-mails\u00a0: {url}',
} satisfies Messages<EmailStrings>;
