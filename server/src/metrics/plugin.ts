// GET /metrics (Prometheus text format) and the per-request hooks that feed it. With METRICS_TOKEN
// set the endpoint wants `Authorization: Bearer <token>`; without it, only direct loopback callers
// (no proxy in between) may read it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { AppError } from '../errors.js';
import type { Metrics } from './registry.js';
import type { Telemetry } from './telemetry.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Telemetry;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function isLoopback(address: string): boolean {
  if (address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** Throws unless the caller may read metrics. */
export function authorizeMetrics(request: FastifyRequest, token: string | undefined): void {
  if (token) {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    // Hashing first gives equal lengths, so the comparison takes the same time for any guess.
    if (!match || !timingSafeEqual(digest(match[1]!), digest(token))) {
      throw new AppError('unauthorized', 'Metrics need the METRICS_TOKEN bearer token');
    }
    return;
  }
  // A reverse proxy on this host would make every visitor look local: its forwarding headers give it away.
  const proxied = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  if (proxied || !isLoopback(request.ip)) {
    throw new AppError('forbidden', 'Metrics are served to loopback only; set METRICS_TOKEN to read them remotely');
  }
}

async function metricsPlugin(app: FastifyInstance, opts: { metrics: Metrics }): Promise<void> {
  const { metrics } = opts;
  app.decorate('metrics', metrics.telemetry);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (reply.statusCode === 429) metrics.telemetry.rateLimited('http');
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics (METRICS_TOKEN bearer, or loopback only)' } },
    async (request, reply) => {
      authorizeMetrics(request, app.config.metricsToken);
      const body = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(body);
    },
  );
}

export default fp(metricsPlugin, { name: 'metrics' });
