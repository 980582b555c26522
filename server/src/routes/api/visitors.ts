// Anonymous visitor mode: a server-signed token for sites without a backend of their own.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors.js';
import { VisitorToken } from '../../schemas/chat.js';
import { errorResponses } from '../../schemas/common.js';

const visitorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/visitors',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['visitor'],
        summary: 'Create an anonymous visitor token',
        response: { 201: VisitorToken, ...errorResponses },
      },
    },
    async (_request, reply) => {
      if (!app.config.anonymousVisitors) {
        throw new AppError('anonymous_disabled', 'Anonymous visitors are disabled on this server');
      }
      const { token, expiresAt } = app.identity.issueVisitorToken();
      return reply.code(201).send({ token, expires_at: expiresAt.toISOString() });
    },
  );
};

export default visitorRoutes;
