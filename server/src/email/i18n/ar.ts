// The reply email in Arabic (Modern Standard), right to left; counts follow Arabic grammar.
import type { Messages } from '../../../../widget/src/i18n/i18n.js';
import type { EmailStrings } from './en.js';

export const ar = {
  subject: 'ردّ جديد من فريق دعم {appName}',
  support: 'فريق دعم {appName}',
  heading: {
    zero: 'لا توجد ردود جديدة',
    one: 'لديك ردّ جديد',
    two: 'لديك ردّان جديدان',
    few: 'لديك {count} ردود جديدة',
    many: 'لديك {count} ردًّا جديدًا',
    other: 'لديك {count} ردّ جديد',
  },
  headingFrom: {
    zero: 'لا توجد ردود جديدة من فريق دعم {appName}.',
    one: 'لديك ردّ جديد من فريق دعم {appName}.',
    two: 'لديك ردّان جديدان من فريق دعم {appName}.',
    few: 'لديك {count} ردود جديدة من فريق دعم {appName}.',
    many: 'لديك {count} ردًّا جديدًا من فريق دعم {appName}.',
    other: 'لديك {count} ردّ جديد من فريق دعم {appName}.',
  },
  greeting: 'مرحبًا {name}،',
  greetingAnonymous: 'مرحبًا،',
  intro: 'ردّ فريق دعم {appName} على رسالتك. يمكنك قراءة المحادثة والرد عليها مباشرةً.',
  more: {
    zero: '…ولا ردود أخرى في المحادثة.',
    one: '…وردّ آخر في المحادثة.',
    two: '…وردّان آخران في المحادثة.',
    few: '…و{count} ردود أخرى في المحادثة.',
    many: '…و{count} ردًّا آخر في المحادثة.',
    other: '…و{count} ردّ آخر في المحادثة.',
  },
  replyHeader: '{name}، {time} UTC:',
  sentAt: '{time} UTC',
  openConversation: 'فتح المحادثة',
  openConversationLink: 'فتح المحادثة: {url}',
  orOpenLink: 'أو افتح هذا الرابط:',
  footer: 'تصلك هذه الرسالة لأنك تواصلت مع فريق دعم {appName}.',
  unsubscribe: 'إلغاء الاشتراك',
  unsubscribeLink: 'إلغاء الاشتراك في هذه الرسائل: {url}',
} satisfies Messages<EmailStrings>;
