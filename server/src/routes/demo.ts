// Demo mode (on for `npm start` without production settings): the sample "Acme" site at `/`, the
// admin page at `/demo/admin`, and a token route that exists only here.
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PEOPLE, demoTokenSigner, type DemoPerson } from '../demo/tokens.js';
import { AppError } from '../errors.js';

export const DEMO_DIR = fileURLToPath(new URL('../../../demo', import.meta.url));

const demoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  if (!app.config.demo) return;
  const sign = demoTokenSigner(app.config);

  await app.register(fastifyStatic, { root: DEMO_DIR, prefix: '/demo/', index: false, decorateReply: false, allowedPath: (path) => !path.endsWith('.html') });

  // The pages are rendered the way an integrator's backend would: with a freshly signed token in
  // the element's attribute (the anonymous visitor gets no token and the widget makes its own).
  const pages = {
    site: await readFile(join(DEMO_DIR, 'index.html'), 'utf8'),
    admin: await readFile(join(DEMO_DIR, 'admin.html'), 'utf8'),
  };
  const AsQuery = Type.Object({ as: Type.Optional(Type.String({ maxLength: 20 })) });

  app.get('/', { schema: { hide: true, querystring: AsQuery } }, async (request, reply) => {
    const as = request.query.as;
    const person: DemoPerson | 'visitor' = as === 'bob' || as === 'visitor' ? as : 'alice';
    const token = person !== 'visitor' && sign ? sign(person).token : null;
    const element = `<support-chat data-demo-user="${person}"${token ? ` token="${token}"` : ''}></support-chat>`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(pages.site.replace('<!--SUPPORT_CHAT-->', element));
  });

  app.get('/demo/admin', { schema: { hide: true, querystring: AsQuery } }, async (request, reply) => {
    const person: DemoPerson = request.query.as === 'agent2' ? 'agent2' : 'agent';
    const token = sign ? sign(person).token : '';
    const element = `<support-admin data-demo-user="${person}" token="${token}"></support-admin>`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(pages.admin.replace('<!--SUPPORT_ADMIN-->', element));
  });

  app.get(
    '/demo/token',
    {
      schema: {
        hide: true,
        querystring: Type.Object(
          { user: Type.Union(Object.keys(DEMO_PEOPLE).map((k) => Type.Literal(k))) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ token: Type.String(), expires_in: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      if (!sign) throw new AppError('not_found', 'Demo tokens need SUPPORT_JWT_SECRET (HS256)');
      reply.header('cache-control', 'no-store');
      return sign(request.query.user as DemoPerson);
    },
  );
};

export default demoRoutes;
