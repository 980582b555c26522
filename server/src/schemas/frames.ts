// WebSocket frames (JSON text). The server validates every client frame against ClientFrame; the
// widget imports the static types through widget/src/shared/protocol.ts. Documented in docs/protocol.md.
import { Type, type Static } from '@sinclair/typebox';
import { ChatListItem } from './admin.js';
import { ClientId, Message, Seq, Uuid } from './common.js';

const frame = <T extends string, P extends Record<string, any>>(type: T, props: P) =>
  Type.Object({ type: Type.Literal(type), ...props }, { additionalProperties: false });

// Client to server
export const AuthFrame = frame('auth', { token: Type.String({ minLength: 1, maxLength: 8192 }) });
export const SubscribeChatFrame = frame('subscribe', {
  channel: Type.Literal('chat'),
  chat_id: Uuid,
  /** Last seq the client already has; the server replays everything after it, then goes live. */
  after_seq: Type.Optional(Seq),
});
export const SubscribeAdminFrame = frame('subscribe', { channel: Type.Literal('admin') });
export const UnsubscribeFrame = frame('unsubscribe', {
  channel: Type.Union([Type.Literal('chat'), Type.Literal('admin')]),
  chat_id: Type.Optional(Uuid),
});
export const SendMessageFrame = frame('send_message', {
  chat_id: Uuid,
  client_id: ClientId,
  content: Type.String({ maxLength: 10_000 }),
});
export const TypingFrame = frame('typing', { chat_id: Uuid, typing: Type.Boolean() });
export const MarkReadFrame = frame('mark_read', { chat_id: Uuid, up_to_seq: Seq });
export const PingFrame = frame('ping', { id: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Number()])) });

export const ClientFrame = Type.Union([
  AuthFrame,
  SubscribeChatFrame,
  SubscribeAdminFrame,
  UnsubscribeFrame,
  SendMessageFrame,
  TypingFrame,
  MarkReadFrame,
  PingFrame,
]);
export type ClientFrame = Static<typeof ClientFrame>;

// Server to client
export const ReadyFrame = frame('ready', {
  user: Type.Object({ sub: Type.String(), role: Type.Union([Type.Literal('user'), Type.Literal('admin')]) }),
  /** The caller's own chat id (users and visitors); null for admins without a chat. */
  chat_id: Type.Union([Uuid, Type.Null()]),
  /** Seconds until the token expires; the server closes with 4001 token_expired then. */
  expires_in: Type.Number(),
});
export const SubscribedFrame = frame('subscribed', {
  channel: Type.Union([Type.Literal('chat'), Type.Literal('admin')]),
  chat_id: Type.Optional(Uuid),
  /** Highest seq in the chat when catch-up finished (chat channel only). */
  last_seq: Type.Optional(Seq),
});
export const UnsubscribedFrame = frame('unsubscribed', {
  channel: Type.Union([Type.Literal('chat'), Type.Literal('admin')]),
  chat_id: Type.Optional(Uuid),
});
export const AckFrame = frame('ack', { client_id: Type.String(), message: Message });
export const NewMessageFrame = frame('new_message', { chat_id: Uuid, message: Message });
export const NewUserMessageFrame = frame('new_user_message', {
  chat_id: Uuid,
  user_email: Type.Union([Type.String(), Type.Null()]),
  message: Message,
});
export const ChatUpdatedFrame = frame('chat_updated', {
  chat: Type.Composite([
    ChatListItem,
    Type.Object({ admin_viewed_at: Type.Union([Type.String(), Type.Null()]), last_seq: Seq }),
  ]),
});
export const MessagesReadFrame = frame('messages_read', {
  chat_id: Uuid,
  up_to_seq: Seq,
  read_at: Type.String(),
});
export const ServerTypingFrame = frame('typing', {
  chat_id: Uuid,
  sender_type: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  typing: Type.Boolean(),
});
export const ErrorFrame = frame('error', {
  code: Type.String(),
  message: Type.String(),
  /** Request id of the frame that failed, to find its log line. */
  ref: Type.Optional(Type.String()),
  /** The client_id of the send_message that failed, so the client can mark that message. */
  client_id: Type.Optional(Type.String()),
  retry_after: Type.Optional(Type.Number()),
});
/** To the admin channel: the chat and its messages were deleted (data-rights request or retention). */
export const ChatDeletedFrame = frame('chat_deleted', { chat_id: Uuid });
export const PongFrame = frame('pong', { id: Type.Optional(Type.Union([Type.String(), Type.Number()])) });

export const ServerFrame = Type.Union([
  ReadyFrame,
  SubscribedFrame,
  UnsubscribedFrame,
  AckFrame,
  NewMessageFrame,
  NewUserMessageFrame,
  ChatUpdatedFrame,
  MessagesReadFrame,
  ServerTypingFrame,
  ErrorFrame,
  PongFrame,
  ChatDeletedFrame,
]);
export type ServerFrame = Static<typeof ServerFrame>;

/** Close codes the clients act on. */
export const CLOSE = {
  /** Sent on server shutdown: reconnect at once (with jitter), to another instance. */
  RESTART: 1012,
  /** Slow consumer: the socket's send buffer grew past the limit. */
  TRY_AGAIN_LATER: 1013,
  /** No or bad auth frame, or the token expired (reason `token_expired`): get a new token. */
  UNAUTHORIZED: 4001,
  /** Origin not allowed. */
  FORBIDDEN_ORIGIN: 4003,
} as const;
