// Wire shapes shared by REST, WebSocket frames and the widget (types via widget/src/shared/protocol.ts).
import { Type, type Static } from '@sinclair/typebox';

export const MAX_MESSAGE_LENGTH = 5000;

export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const SenderType = Type.Union([Type.Literal('user'), Type.Literal('admin')]);
/** Sender-generated id that makes a send idempotent (a UUID or any short opaque string). */
export const ClientId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_:.-]+$' });
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const Message = Type.Object(
  {
    id: Uuid,
    chat_id: Uuid,
    seq: Type.Integer({ minimum: 1 }),
    client_id: Type.String(),
    content: Type.String(),
    sender_type: SenderType,
    /** Display name of the admin who wrote it; null for user messages. */
    sender_name: Type.Union([Type.String(), Type.Null()]),
    read_at: NullableTimestamp,
    created_at: Timestamp,
  },
  { $id: 'Message' },
);
export type Message = Static<typeof Message>;

export const SendMessageBody = Type.Object(
  {
    client_id: ClientId,
    // Length is checked after trimming so the error is `empty_message` / `message_too_long`.
    content: Type.String({ maxLength: MAX_MESSAGE_LENGTH * 2 }),
  },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;

export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String(),
        message: Type.String(),
        ref: Type.Optional(Type.String()),
        retry_after: Type.Optional(Type.Number()),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'ErrorResponse' },
);

export const MessagePage = Type.Object({
  messages: Type.Array(Message),
  has_more: Type.Boolean({ description: 'More messages exist beyond this page' }),
});
export type MessagePage = Static<typeof MessagePage>;

export const PagingQuery = Type.Object(
  {
    after_seq: Type.Optional(Seq),
    before_seq: Type.Optional(Seq),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type PagingQuery = Static<typeof PagingQuery>;

export const ReadResult = Type.Object({
  chat_id: Uuid,
  updated: Type.Integer({ description: 'Messages newly marked read' }),
  up_to_seq: Seq,
  read_at: NullableTimestamp,
});
export type ReadResult = Static<typeof ReadResult>;

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  413: ErrorResponse,
  429: ErrorResponse,
} as const;
