// Schemas of the visitor / user API under /api/chat and /api/visitors.
import { Type, type Static } from '@sinclair/typebox';
import { MessagePage, NullableTimestamp, Seq, Uuid } from './common.js';

export const UserChat = Type.Object({
  id: Uuid,
  archived: Type.Boolean(),
  /** When an admin last opened the chat: the widget's "Seen" marker. */
  admin_viewed_at: NullableTimestamp,
  last_seq: Type.Integer({ minimum: 0 }),
});
export type UserChat = Static<typeof UserChat>;

export const UserChatResponse = Type.Composite([Type.Object({ chat: UserChat }), MessagePage]);
export type UserChatResponse = Static<typeof UserChatResponse>;

export const ReadBody = Type.Object(
  { up_to_seq: Type.Optional(Seq) },
  { additionalProperties: false },
);

export const ContactBody = Type.Object(
  {
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    locale: Type.Optional(Type.String({ pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$', maxLength: 35 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ContactBody = Static<typeof ContactBody>;

export const Contact = Type.Object({
  email: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
});

export const VisitorToken = Type.Object({
  token: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
});
