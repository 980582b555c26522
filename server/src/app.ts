// Builds the Fastify app from its plugins and routes; server.ts only listens and handles signals.
import { AjvCompiler } from '@fastify/ajv-compiler';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import identity from './auth/identity.js';
import type { Config } from './config.js';
import type { Database, DbClient } from './db/client.js';
import { AppError, errorBody } from './errors.js';
import adminRoutes from './routes/api/admin/index.js';
import chatRoutes from './routes/api/chat/index.js';
import demoRoutes from './routes/demo.js';
import visitorRoutes from './routes/api/visitors.js';
import healthRoutes from './routes/health.js';
import staticRoutes from './routes/static.js';
import i18nRoutes from './routes/i18n.js';
import unsubscribeRoutes from './routes/unsubscribe.js';
import wsRoutes from './routes/ws.js';
import realtime from './realtime/plugin.js';
import metricsPlugin from './metrics/plugin.js';
import { createMetrics } from './metrics/registry.js';
import { serializeError } from './plugins/log-serializers.js';
import adminUserRoutes from './routes/api/admin/users.js';
import { DataRightsService } from './services/data-rights.js';
import { ChatService } from './services/chat-service.js';
import { SendRateLimiter } from './services/send-rate-limiter.js';
import { UserService } from './services/user-service.js';
import { MAX_MESSAGE_LENGTH } from './schemas/common.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Database;
    sql: DbClient['sql'];
    chats: ChatService;
    users: UserService;
    sendLimiter: SendRateLimiter;
    dataRights: DataRightsService;
  }
}

export interface BuildOptions {
  config: Config;
  database: DbClient;
  /** Pino options; tests pass `false` to keep output quiet. */
  logger?: boolean | Record<string, unknown>;
}

/** Paths whose values must never reach a log line. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  '*.token',
  'token',
  // Personal data and message bodies: only ever logged by mistake, so never in clear.
  '*.email',
  '*.content',
  '*.toAddress',
  '*.to_address',
  'email',
  'content',
];

function originAllowed(config: Config, origin: string | undefined): boolean {
  if (!origin) return true; // same-origin and non-browser clients
  return config.allowedOrigins === '*' || config.allowedOrigins.includes(origin);
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: { paths: LOG_REDACT, censor: '[redacted]' },
            // Never log query strings: unsubscribe tokens travel there.
            serializers: {
              err: (err: Error) => serializeError(err),
              req(req: { method?: string; url?: string; id?: string }) {
                // Defensive: any object logged under `req` comes through here, not only requests.
                return { method: req.method, url: typeof req.url === 'string' ? req.url.split('?')[0] : undefined, id: req.id };
              },
            },
            ...(typeof options.logger === 'object' ? options.logger : {}),
          },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Querystrings and params are strings on the wire, so Ajv coerces them ("?limit=20" is 20); JSON
  // bodies carry their own types, so `"client_id": 42` is a validation error, not "42".
  const buildValidator = AjvCompiler();
  const ajvOptions = { removeAdditional: false, allErrors: false };
  const coercing = buildValidator({}, { customOptions: ajvOptions });
  const exact = buildValidator({}, { customOptions: { ...ajvOptions, coerceTypes: false } });
  app.setValidatorCompiler((route) => (route.httpPart === 'body' ? exact : coercing)(route));

  app.decorate('config', config);
  app.decorate('db', database.db);
  app.decorate('sql', database.sql);
  const metrics = createMetrics({ sql: database.sql, poolMax: database.sql.options.max });
  app.decorate('chats', new ChatService(database.db, { emailDelaySeconds: config.email.delaySeconds, telemetry: metrics.telemetry }));
  app.decorate('users', new UserService(database.db));
  app.decorate('sendLimiter', new SendRateLimiter(config.messageRateLimit.max, config.messageRateLimit.windowMs));
  app.decorate('dataRights', new DataRightsService(database.db));
  app.decorateRequest('caller', null);
  // JSON only: a text/plain body (a CORS "simple request" needing no preflight) gets 415, not a parse.
  app.removeContentTypeParser('text/plain');

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const ref = request.id;
    if (error instanceof AppError) {
      if (error.code === 'rate_limited' && typeof error.extra.retry_after === 'number') {
        reply.header('retry-after', String(error.extra.retry_after));
      }
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, { ...error.extra, ref }));
    }
    const fe = error as FastifyError & { validationContext?: string };
    if (fe.validation) {
      // The schema's cap on raw content is only a guard; clients get the same code as for 5,001 chars.
      const first = fe.validation[0];
      if (fe.validationContext === 'body' && first?.keyword === 'maxLength' && first.instancePath === '/content') {
        return reply.code(400).send(
          errorBody('message_too_long', `Message content is longer than ${MAX_MESSAGE_LENGTH} characters`, {
            max_length: MAX_MESSAGE_LENGTH,
            ref,
          }),
        );
      }
      const code = fe.validationContext === 'params' ? 'invalid_id' : 'validation_failed';
      return reply.code(400).send(errorBody(code, fe.message, { ref }));
    }
    if (fe.statusCode === 413 || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody('payload_too_large', 'Request body is too large', { ref }));
    }
    if (fe.statusCode === 415) {
      return reply.code(415).send(errorBody('unsupported_media_type', 'Send JSON (application/json)', { ref }));
    }
    if (fe.statusCode === 429) {
      return reply.code(429).send(errorBody('rate_limited', 'Too many requests; slow down', { ref }));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send(errorBody('bad_request', fe.message, { ref }));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal_error', 'Something went wrong on our side', { ref }));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', 'No such route', { ref: request.id })),
  );

  await app.register(helmet, {
    // The widget bundle is loaded cross-origin by sites; the demo and docs pages load it inline.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
      },
    },
  });
  await app.register(cors, {
    origin: (origin, cb) => cb(null, originAllowed(config, origin)),
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    max: config.httpRateLimitPerMinute,
    timeWindow: '1 minute',
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', 'Too many requests; slow down', { retry_after: Math.ceil(context.ttl / 1000) }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: `support-chat API`, version: '1' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(identity, { config });
  await app.register(metricsPlugin, { metrics });
  await app.register(realtime);

  await app.register(healthRoutes);
  await app.register(visitorRoutes);
  await app.register(chatRoutes);
  await app.register(adminRoutes);
  await app.register(adminUserRoutes);
  await app.register(wsRoutes);
  await app.register(staticRoutes);
  await app.register(i18nRoutes);
  await app.register(unsubscribeRoutes);
  await app.register(demoRoutes);
  return app;
}

export { originAllowed };
