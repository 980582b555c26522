// Data-rights requests handled by the support team: export one user's data, or erase it after a
// typed confirmation. Admin tokens only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf, requireAdmin } from '../../../auth/guards.js';
import { AppError } from '../../../errors.js';
import { errorResponses } from '../../../schemas/common.js';
import { DeleteUserBody, DeletionResult, UserExport, UserIdParams } from '../../../schemas/data-rights.js';

const adminUserRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAdmin);
  const security = [{ bearerAuth: [] }];

  app.get(
    '/api/admin/users/:id/export',
    {
      schema: {
        tags: ['admin'],
        summary: "Export everything held about a user (profile, chat, messages, email history) as JSON",
        security,
        params: UserIdParams,
        response: { 200: UserExport, ...errorResponses },
      },
    },
    async (request, reply) => {
      const data = await app.dataRights.exportUser(request.params.id);
      if (!data) throw new AppError('user_not_found', 'User not found');
      request.log.info({ subject_user_id: request.params.id }, 'user data exported');
      return reply
        .header('content-disposition', `attachment; filename="support-chat-user-${request.params.id}.json"`)
        .header('cache-control', 'no-store')
        .send(data);
    },
  );

  app.delete(
    '/api/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: "Erase a user: chat, messages, email history, pending email, profile (audited)",
        description: 'Body `{"confirm": "<the user id, external id or email>"}`; anything else is refused.',
        security,
        params: UserIdParams,
        body: DeleteUserBody,
        response: { 200: DeletionResult, ...errorResponses },
      },
    },
    async (request) => {
      const { identity } = callerOf(request);
      const { id } = request.params;
      const [user] = await app.sql<{ external_id: string; email: string | null }[]>`
        select external_id, email from support_users where id = ${id}`;
      if (!user) throw new AppError('user_not_found', 'User not found');
      const confirm = request.body.confirm.trim();
      const accepted = [id, user.external_id, ...(user.email ? [user.email.toLowerCase()] : [])];
      if (!accepted.includes(confirm) && !accepted.includes(confirm.toLowerCase())) {
        throw new AppError('confirmation_required', "confirm must be the user's id, external id or email");
      }
      const result = await app.dataRights.deleteUser(id, identity.sub);
      if (!result) throw new AppError('user_not_found', 'User not found');
      app.users.forget(result.external_id);
      request.log.info({ subject_user_id: id, audit_id: result.audit_id }, 'user data deleted');
      const { external_id: _externalId, ...body } = result;
      return body;
    },
  );
};

export default adminUserRoutes;
