// The visitor / user API: the caller's own chat only, so there is no chat id to tamper with.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf, requireCaller } from '../../../auth/guards.js';
import { AppError } from '../../../errors.js';
import { Contact, ContactBody, ReadBody, UserChatResponse } from '../../../schemas/chat.js';
import { errorResponses, Message, MessagePage, PagingQuery, ReadResult, SendMessageBody } from '../../../schemas/common.js';
import type { ChatRow } from '../../../db/schema.js';
import { DeleteChatBody, DeletionResult } from '../../../schemas/data-rights.js';

function userChat(chat: ChatRow) {
  return {
    id: chat.id,
    archived: chat.archivedAt !== null,
    admin_viewed_at: chat.adminViewedAt ? chat.adminViewedAt.toISOString() : null,
    last_seq: Number(chat.lastSeq),
  };
}

const chatRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Authenticate first: a caller without a valid token learns nothing from validation errors.
  app.addHook('onRequest', requireCaller);
  const security = [{ bearerAuth: [] }];

  app.get(
    '/api/chat',
    {
      schema: {
        tags: ['visitor'],
        summary: "Get or create the caller's chat with its newest messages",
        security,
        querystring: PagingQuery,
        response: { 200: UserChatResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const chat = await app.chats.getOrCreateChat(user.id);
      const page = await app.chats.listMessages(chat.id, { limit: request.query.limit });
      return { chat: userChat(chat), ...page };
    },
  );

  app.get(
    '/api/chat/messages',
    {
      schema: {
        tags: ['visitor'],
        summary: 'Catch up (after_seq) or page back through history (before_seq)',
        security,
        querystring: PagingQuery,
        response: { 200: MessagePage, ...errorResponses },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const chat = await app.chats.getOrCreateChat(user.id);
      return app.chats.listMessages(chat.id, request.query);
    },
  );

  app.post(
    '/api/chat/messages',
    {
      schema: {
        tags: ['visitor'],
        summary: 'Send a message (idempotent by client_id)',
        security,
        body: SendMessageBody,
        response: { 200: Message, 201: Message, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { user } = callerOf(request);
      const chat = await app.chats.getOrCreateChat(user.id);
      const result = await app.sendLimiter.send(user.id, () =>
        app.chats.sendMessage(chat.id, { type: 'user', userId: user.id }, request.body.client_id, request.body.content),
      );
      return reply.code(result.created ? 201 : 200).send(result.message);
    },
  );

  app.post(
    '/api/chat/read',
    {
      // An empty POST (no body at all) means "mark everything read".
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['visitor'],
        summary: "Mark the admin's replies read (all, or up to a seq)",
        security,
        body: ReadBody,
        response: { 200: ReadResult, ...errorResponses },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const chat = await app.chats.getOrCreateChat(user.id);
      return app.chats.markReadByUser(chat.id, request.body?.up_to_seq);
    },
  );

  app.patch(
    '/api/chat/contact',
    {
      schema: {
        tags: ['visitor'],
        summary: 'Give an email and name so replies can be emailed',
        security,
        body: ContactBody,
        response: { 200: Contact, ...errorResponses },
      },
    },
    async (request) => {
      const { identity, user } = callerOf(request);
      if (request.body.name !== undefined && request.body.name.replace(/\u0000/g, '').trim() === '') {
        throw new AppError('validation_failed', 'body/name must not be blank');
      }
      const row = await app.users.updateContact(identity.sub, user.id, request.body);
      const chat = await app.chats.findChatByUser(user.id);
      if (chat) await app.chats.publishChatChanged(chat.id);
      return { email: row.email, name: row.name };
    },
  );

  app.delete(
    '/api/chat',
    {
      schema: {
        tags: ['visitor'],
        summary: "Delete the caller's conversation: messages, email history, pending email (audited)",
        description: 'Body `{"confirm": true}`. The profile (id, email, name, unsubscribe) stays; a new chat starts on the next request.',
        security,
        body: DeleteChatBody,
        response: { 200: DeletionResult, ...errorResponses },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const result = await app.dataRights.deleteConversation(user.id);
      if (!result) throw new AppError('chat_not_found', 'Chat not found');
      request.log.info({ subject_user_id: user.id, audit_id: result.audit_id }, 'conversation deleted by its user');
      const { external_id: _externalId, ...body } = result;
      return body;
    },
  );
};

export default chatRoutes;
