// The reply email in Portuguese ("você").
import type { Messages } from '../../../../widget/src/i18n/i18n.js';
import type { EmailStrings } from './en.js';

export const pt = {
  subject: 'Nova resposta do Suporte {appName}',
  support: 'Suporte {appName}',
  heading: {
    one: 'Você tem uma nova resposta',
    many: 'Você tem {count} de novas respostas',
    other: 'Você tem {count} novas respostas',
  },
  headingFrom: {
    one: 'Você tem uma nova resposta do Suporte {appName}.',
    many: 'Você tem {count} de novas respostas do Suporte {appName}.',
    other: 'Você tem {count} novas respostas do Suporte {appName}.',
  },
  greeting: 'Olá, {name},',
  greetingAnonymous: 'Olá,',
  intro: 'O Suporte {appName} respondeu à sua mensagem. Você pode ler a conversa e responder por lá.',
  more: {
    one: '…e mais {count} resposta na conversa.',
    many: '…e mais {count} de respostas na conversa.',
    other: '…e mais {count} respostas na conversa.',
  },
  replyHeader: '{name}, {time} UTC:',
  sentAt: '{time} UTC',
  openConversation: 'Abrir a conversa',
  openConversationLink: 'Abrir a conversa: {url}',
  orOpenLink: 'Ou abra este link:',
  footer: 'Você está recebendo este e-mail porque entrou em contato com o Suporte {appName}.',
  unsubscribe: 'Cancelar inscrição',
  unsubscribeLink: 'Cancelar o recebimento destes e-mails: {url}',
} satisfies Messages<EmailStrings>;
