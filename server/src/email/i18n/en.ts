// The reply email in English: the reference catalogue (the other languages have exactly its keys).
// `{appName}` is APP_NAME; plural entries have one form per Intl.PluralRules category.
export const en = {
  subject: 'New reply from {appName} Support',
  support: '{appName} Support',
  heading: { one: 'You have a new reply', other: 'You have {count} new replies' },
  headingFrom: { one: 'You have a new reply from {appName} Support.', other: 'You have {count} new replies from {appName} Support.' },
  greeting: 'Hi {name},',
  greetingAnonymous: 'Hi,',
  intro: '{appName} Support answered your message. You can read and reply in the conversation.',
  more: { one: '…and {count} more reply in the conversation.', other: '…and {count} more replies in the conversation.' },
  replyHeader: '{name}, {time} UTC:',
  sentAt: '{time} UTC',
  openConversation: 'Open the conversation',
  openConversationLink: 'Open the conversation: {url}',
  orOpenLink: 'Or open this link:',
  footer: 'You are receiving this email because you contacted {appName} Support.',
  unsubscribe: 'Unsubscribe',
  unsubscribeLink: 'Unsubscribe from these emails: {url}',
};
export type EmailStrings = typeof en;
