// The reply email in Spanish ("tú"; "Hola, Uma:" as Spanish letters open).
import type { Messages } from '../../../../widget/src/i18n/i18n.js';
import type { EmailStrings } from './en.js';

export const es = {
  subject: 'Nueva respuesta del soporte de {appName}',
  support: 'Soporte de {appName}',
  heading: {
    one: 'Tienes una respuesta nueva',
    many: 'Tienes {count} de respuestas nuevas',
    other: 'Tienes {count} respuestas nuevas',
  },
  headingFrom: {
    one: 'Tienes una respuesta nueva del soporte de {appName}.',
    many: 'Tienes {count} de respuestas nuevas del soporte de {appName}.',
    other: 'Tienes {count} respuestas nuevas del soporte de {appName}.',
  },
  greeting: 'Hola, {name}:',
  greetingAnonymous: '¡Hola!',
  intro: 'El equipo de soporte de {appName} ha respondido a tu mensaje. Puedes leer la conversación y contestar desde ella.',
  more: {
    one: '…y {count} respuesta más en la conversación.',
    many: '…y {count} de respuestas más en la conversación.',
    other: '…y {count} respuestas más en la conversación.',
  },
  replyHeader: '{name}, {time} UTC:',
  sentAt: '{time} UTC',
  openConversation: 'Abrir la conversación',
  openConversationLink: 'Abrir la conversación: {url}',
  orOpenLink: 'O abre este enlace:',
  footer: 'Recibes este correo porque contactaste con el soporte de {appName}.',
  unsubscribe: 'Darse de baja',
  unsubscribeLink: 'Darse de baja de estos correos: {url}',
} satisfies Messages<EmailStrings>;
