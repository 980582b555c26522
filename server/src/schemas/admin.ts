// Schemas of the admin API under /api/admin.
import { Type, type Static } from '@sinclair/typebox';
import { MessagePage, NullableTimestamp, SenderType, Uuid } from './common.js';

export const ChatListItem = Type.Object({
  id: Uuid,
  user_id: Uuid,
  user_email: Type.Union([Type.String(), Type.Null()]),
  user_name: Type.Union([Type.String(), Type.Null()]),
  last_message_at: NullableTimestamp,
  last_message_preview: Type.Union([Type.String(), Type.Null()]),
  last_message_sender: Type.Union([SenderType, Type.Null()]),
  message_count: Type.Integer({ minimum: 0 }),
  unread: Type.Boolean(),
  archived: Type.Boolean(),
});
export type ChatListItem = Static<typeof ChatListItem>;

export const ChatListQuery = Type.Object(
  {
    archived: Type.Optional(Type.Boolean({ default: false })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search by email or name' })),
  },
  { additionalProperties: false },
);
export type ChatListQuery = Static<typeof ChatListQuery>;

export const ChatListResponse = Type.Object({
  chats: Type.Array(ChatListItem),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  /** Tab counts; each stops at count_cap (show "1000+"). */
  counts: Type.Object({ active: Type.Integer(), archived: Type.Integer(), unread: Type.Integer() }),
  count_cap: Type.Integer(),
});
export type ChatListResponse = Static<typeof ChatListResponse>;

export const AdminChat = Type.Composite([
  ChatListItem,
  Type.Object({ admin_viewed_at: NullableTimestamp, last_seq: Type.Integer({ minimum: 0 }) }),
]);
export type AdminChat = Static<typeof AdminChat>;

export const AdminChatResponse = Type.Composite([Type.Object({ chat: AdminChat }), MessagePage]);
export type AdminChatResponse = Static<typeof AdminChatResponse>;

export const ChatIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
