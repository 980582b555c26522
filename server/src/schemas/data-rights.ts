// Data-rights bodies and responses: the user export (GET /api/admin/users/:id/export) and the
// deletion requests with their confirmations (DELETE /api/admin/users/:id, DELETE /api/chat).
import { Type, type Static } from '@sinclair/typebox';
import { NullableTimestamp, SenderType, Seq, Timestamp, Uuid } from './common.js';

export const UserIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const UserExport = Type.Object({
  format: Type.Literal('support-chat/user-export@1'),
  exported_at: Timestamp,
  user: Type.Object({
    id: Uuid,
    external_id: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    locale: Type.Union([Type.String(), Type.Null()]),
    unsubscribed_at: NullableTimestamp,
    created_at: Timestamp,
    updated_at: Timestamp,
  }),
  chat: Type.Union([
    Type.Object({
      id: Uuid,
      created_at: Timestamp,
      last_message_at: NullableTimestamp,
      archived_at: NullableTimestamp,
      admin_viewed_at: NullableTimestamp,
      message_count: Seq,
    }),
    Type.Null(),
  ]),
  /** Every message of the user's chat, admin replies included (without who wrote them). */
  messages: Type.Array(
    Type.Object({
      id: Uuid,
      seq: Seq,
      client_id: Type.String(),
      content: Type.String(),
      sender_type: SenderType,
      read_at: NullableTimestamp,
      created_at: Timestamp,
    }),
  ),
  /** Reply emails sent to the user (support_emails). */
  emails: Type.Array(
    Type.Object({
      id: Uuid,
      to_address: Type.String(),
      from_seq: Seq,
      up_to_seq: Seq,
      provider_message_id: Type.Union([Type.String(), Type.Null()]),
      sent_at: Timestamp,
    }),
  ),
});
export type UserExport = Static<typeof UserExport>;

export const DeleteUserBody = Type.Object(
  {
    /** The user's id, external id (token sub) or email, typed by the admin to confirm. */
    confirm: Type.String({ minLength: 1, maxLength: 320 }),
  },
  { additionalProperties: false },
);

export const DeleteChatBody = Type.Object({ confirm: Type.Literal(true) }, { additionalProperties: false });

export const DeletionResult = Type.Object({
  user_id: Uuid,
  chat_id: Type.Union([Uuid, Type.Null()]),
  profile_deleted: Type.Boolean(),
  messages: Type.Integer({ minimum: 0 }),
  emails: Type.Integer({ minimum: 0 }),
  email_jobs: Type.Integer({ minimum: 0 }),
  audit_id: Uuid,
});
