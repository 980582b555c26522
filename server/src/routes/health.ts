// Liveness (process up) and readiness (database reachable) probes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';

const Status = Type.Object({ status: Type.String() });

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: Status } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], response: { 200: Status, 503: Status } } },
    async (_request, reply) => {
      try {
        await Promise.race([
          app.db.execute(sql`select 1`),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
        ]);
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'database_unreachable' });
      }
    },
  );
};

export default healthRoutes;
