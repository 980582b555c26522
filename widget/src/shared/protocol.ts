// Wire types shared with the server: REST bodies and WebSocket frames. Type-only imports, so
// nothing of TypeBox reaches the bundle; the schemas in server/src/schemas are the source.
import type { Static } from '@sinclair/typebox';
import type * as Admin from '../../../server/src/schemas/admin.js';
import type * as Chat from '../../../server/src/schemas/chat.js';
import type * as Common from '../../../server/src/schemas/common.js';
import type * as Frames from '../../../server/src/schemas/frames.js';

export type Message = Static<typeof Common.Message>;
export type MessagePage = Static<typeof Common.MessagePage>;
export type ReadResult = Static<typeof Common.ReadResult>;
export type ErrorBody = Static<typeof Common.ErrorResponse>;
export type UserChat = Static<typeof Chat.UserChat>;
export type UserChatResponse = Static<typeof Chat.UserChatResponse>;
export type VisitorToken = Static<typeof Chat.VisitorToken>;
export type ChatListItem = Static<typeof Admin.ChatListItem>;
export type ChatListResponse = Static<typeof Admin.ChatListResponse>;
export type AdminChat = Static<typeof Admin.AdminChat>;
export type AdminChatResponse = Static<typeof Admin.AdminChatResponse>;

export type ClientFrame = Static<typeof Frames.ClientFrame>;
export type ServerFrame = Static<typeof Frames.ServerFrame>;
export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** Mirrors CLOSE in server/src/schemas/frames.ts (values, so they are bundled; kept equal by a test). */
export const CLOSE = {
  RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  UNAUTHORIZED: 4001,
  FORBIDDEN_ORIGIN: 4003,
} as const;

/** The page URL parameter the reply email's link carries; the widget opens when it sees it. */
export const OPEN_PARAM = 'support_chat';
