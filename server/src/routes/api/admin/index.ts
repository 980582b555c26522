// The support team's API: any chat, admin tokens only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { callerOf, requireAdmin } from '../../../auth/guards.js';
import { AppError } from '../../../errors.js';
import { AdminChat, AdminChatResponse, ChatIdParams, ChatListQuery, ChatListResponse } from '../../../schemas/admin.js';
import { errorResponses, Message, PagingQuery, SendMessageBody } from '../../../schemas/common.js';

const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Authorise first: a non-admin gets 403 before learning anything from validation (e.g. ids).
  app.addHook('onRequest', requireAdmin);
  const security = [{ bearerAuth: [] }];

  async function loadChat(id: string) {
    const [item] = await app.chats.getListItems([id]);
    if (!item) throw new AppError('chat_not_found', 'Chat not found');
    return item as AdminChat;
  }

  app.get(
    '/api/admin/chats',
    {
      schema: {
        tags: ['admin'],
        summary: 'List chats, newest activity first (cursor-paginated)',
        security,
        querystring: ChatListQuery,
        response: { 200: ChatListResponse, ...errorResponses },
      },
    },
    async (request) => app.chats.listAdminChats(request.query),
  );

  app.get(
    '/api/admin/chats/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'A chat with its messages; records that an admin viewed it',
        security,
        params: ChatIdParams,
        querystring: PagingQuery,
        response: { 200: AdminChatResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      await loadChat(id);
      const paging = request.query;
      // Opening the newest page is "viewing"; paging back through history is not.
      if (paging.before_seq === undefined && paging.after_seq === undefined) await app.chats.markViewedByAdmin(id);
      const [chat, page] = await Promise.all([loadChat(id), app.chats.listMessages(id, paging)]);
      return { chat, ...page };
    },
  );

  app.post(
    '/api/admin/chats/:id/messages',
    {
      schema: {
        tags: ['admin'],
        summary: 'Reply in a chat (idempotent by client_id)',
        security,
        params: ChatIdParams,
        body: SendMessageBody,
        response: { 200: Message, 201: Message, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { user } = callerOf(request);
      const result = await app.sendLimiter.send(user.id, () =>
        app.chats.sendMessage(request.params.id, { type: 'admin', userId: user.id }, request.body.client_id, request.body.content),
      );
      return reply.code(result.created ? 201 : 200).send(result.message);
    },
  );

  for (const action of ['archive', 'unarchive'] as const) {
    app.post(
      `/api/admin/chats/:id/${action}`,
      {
        schema: {
          tags: ['admin'],
          summary: action === 'archive' ? 'Archive a chat' : 'Restore an archived chat',
          security,
          params: ChatIdParams,
          response: { 200: Type.Object({ chat: AdminChat }), ...errorResponses },
        },
      },
      async (request) => {
        await app.chats.setArchived(request.params.id, action === 'archive');
        return { chat: await loadChat(request.params.id) };
      },
    );
  }
};

export default adminRoutes;
