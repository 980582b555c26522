// Serves the built widget bundles at /widget/ (cross-origin: sites load them from here).
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WIDGET_DIST = fileURLToPath(new URL('../../../widget/dist', import.meta.url));

const staticRoutes: FastifyPluginAsync = async (app) => {
  if (existsSync(WIDGET_DIST)) {
    await app.register(fastifyStatic, {
      root: WIDGET_DIST,
      prefix: '/widget/',
      decorateReply: false,
      // Entry files keep stable names, so they revalidate; chunks are content-hashed and immutable.
      setHeaders(reply, path) {
        reply.header(
          'cache-control',
          /-[A-Z0-9]{8}\.js$/.test(path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate',
        );
      },
    });
  }
};

export default staticRoutes;
