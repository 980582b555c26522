// Every setting support-chat reads from the environment, parsed and validated in one place.
// Defaults make `npm start` work with nothing set; a bad value stops start-up naming the variable.
import { Type, type Static } from '@sinclair/typebox';
import envSchema from 'env-schema';
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';

const Env = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Comma-separated origins allowed for CORS and WebSocket; `*` allows any (dev default). */
  ALLOWED_ORIGINS: Type.Optional(Type.String()),
  APP_NAME: Type.String({ default: 'Acme', minLength: 1, maxLength: 80 }),
  /** Proxies whose X-Forwarded-For to believe: comma-separated IPs / CIDRs / `loopback`, or `true` (any). */
  TRUST_PROXY: Type.Optional(Type.String()),
  LOG_LEVEL: Type.String({
    default: 'info',
    enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  }),

  SUPPORT_JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  SUPPORT_JWT_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 64 })),
  SUPPORT_JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  SUPPORT_JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  SUPPORT_JWT_ADMIN_CLAIM: Type.String({ default: 'support_role', minLength: 1 }),
  SUPPORT_JWT_ADMIN_VALUE: Type.String({ default: 'admin', minLength: 1 }),
  /** Signs visitor tokens and unsubscribe links; never shared with integrators. */
  SERVER_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  ANONYMOUS_VISITORS: Type.Boolean({ default: true }),
  VISITOR_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),

  /** Requests per minute per client address across the HTTP API (sends have their own limit). */
  HTTP_RATE_LIMIT: Type.Integer({ minimum: 1, default: 600 }),
  MESSAGE_RATE_LIMIT: Type.Integer({ minimum: 1, default: 20 }),
  MESSAGE_RATE_WINDOW_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 }),

  EMAIL_DELAY_SECONDS: Type.Integer({ minimum: 0, default: 300 }),
  EMAIL_FROM: Type.String({ default: 'support@example.com', minLength: 3 }),
  /** Page that hosts the widget; reply emails link to it with `?support_chat=open`. */
  CHAT_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SES_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  AWS_REGION: Type.String({ default: 'us-east-1' }),
  /** Run the graphile-worker inside the server process (off when workers run separately). */
  RUN_WORKER: Type.Boolean({ default: true }),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
  RETENTION_DAYS: Type.Optional(Type.Integer({ minimum: 1 })),

  /** Demo pages and the demo token route; on by default outside production. */
  DEMO: Type.Optional(Type.Boolean()),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),

  /** WebSocket: time a new socket has to send its auth frame. */
  WS_AUTH_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 5_000 }),
  /** WebSocket: heartbeat ping interval; a socket that missed the previous pong is dropped. */
  WS_PING_INTERVAL_MS: Type.Integer({ minimum: 50, default: 30_000 }),
  /** WebSocket: a socket whose unsent buffer grows past this is closed with 1013 (slow consumer). */
  WS_MAX_BUFFERED_BYTES: Type.Integer({ minimum: 1024, default: 1024 * 1024 }),
  /** WebSocket: connection attempts per client IP per minute. */
  WS_CONNECT_RATE_LIMIT: Type.Integer({ minimum: 1, default: 600 }),
});
type Env = Static<typeof Env>;

export type JwtVerification =
  | { kind: 'secret'; secret: string; algorithms: ['HS256'] }
  | { kind: 'public-key'; publicKey: string; algorithms: ('RS256' | 'ES256')[] };

export interface Config {
  env: string;
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  publicUrl: string | undefined;
  /** `'*'` or an explicit list of origins. */
  allowedOrigins: '*' | string[];
  appName: string;
  /** Which X-Forwarded-For hops to believe (client addresses drive rate limits). */
  trustProxy: boolean | string;
  logLevel: string;
  jwt: JwtVerification & {
    issuer: string | undefined;
    audience: string | undefined;
    adminClaim: string;
    adminValue: string;
    /** True when the server fell back to its built-in development secret. */
    devSecret: boolean;
  };
  serverSecret: string;
  anonymousVisitors: boolean;
  visitorTokenTtlSeconds: number;
  messageRateLimit: { max: number; windowMs: number };
  httpRateLimitPerMinute: number;
  bodyLimit: number;
  email: {
    delaySeconds: number;
    from: string;
    chatUrl: string | undefined;
    sesEndpoint: string | undefined;
    region: string;
  };
  worker: { inProcess: boolean; concurrency: number };
  retentionDays: number | undefined;
  demo: boolean;
  metricsToken: string | undefined;
  ws: { authTimeoutMs: number; pingIntervalMs: number; maxBufferedBytes: number; connectRateLimit: number };
}

export const DEV_JWT_SECRET = 'support-chat-dev-secret-do-not-use-in-production';
const DEV_SERVER_SECRET = 'support-chat-dev-server-secret-do-not-use-in-production';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function jwtVerification(env: Env, production: boolean): JwtVerification & { devSecret: boolean } {
  if (env.SUPPORT_JWT_SECRET && env.SUPPORT_JWT_PUBLIC_KEY) {
    throw new ConfigError('Set only one of SUPPORT_JWT_SECRET and SUPPORT_JWT_PUBLIC_KEY');
  }
  if (env.SUPPORT_JWT_PUBLIC_KEY) {
    const publicKey = env.SUPPORT_JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
    if (!publicKey.includes('-----BEGIN PUBLIC KEY-----')) {
      throw new ConfigError('SUPPORT_JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
    }
    // Pin one algorithm by key type so an HS256 token can never be checked against the public key.
    let keyType: string | undefined;
    try {
      keyType = createPublicKey(publicKey).asymmetricKeyType;
    } catch {
      throw new ConfigError('SUPPORT_JWT_PUBLIC_KEY is not a readable PEM public key');
    }
    if (keyType !== 'rsa' && keyType !== 'ec') {
      throw new ConfigError(`SUPPORT_JWT_PUBLIC_KEY: ${keyType} keys are not supported (use RSA or EC P-256)`);
    }
    const algorithms: ('RS256' | 'ES256')[] = keyType === 'rsa' ? ['RS256'] : ['ES256'];
    return { kind: 'public-key', publicKey, algorithms, devSecret: false };
  }
  if (env.SUPPORT_JWT_SECRET) {
    return { kind: 'secret', secret: env.SUPPORT_JWT_SECRET, algorithms: ['HS256'], devSecret: false };
  }
  if (production) {
    throw new ConfigError('SUPPORT_JWT_SECRET or SUPPORT_JWT_PUBLIC_KEY is required when NODE_ENV=production');
  }
  return { kind: 'secret', secret: DEV_JWT_SECRET, algorithms: ['HS256'], devSecret: true };
}

function parseOrigins(raw: string | undefined, production: boolean): '*' | string[] {
  if (raw === undefined || raw.trim() === '') {
    if (production) throw new ConfigError('ALLOWED_ORIGINS is required when NODE_ENV=production');
    return '*';
  }
  if (raw.trim() === '*') return '*';
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://example.com`);
    }
    if (parsed.origin !== origin) {
      throw new ConfigError(`ALLOWED_ORIGINS: "${origin}" is not an origin (expected ${parsed.origin})`);
    }
  }
  return origins;
}

// Fastify ignores hop counts (a direct client could fake the hops), so only addresses are offered.
function parseTrustProxy(raw: string | undefined): boolean | string {
  const value = raw?.trim();
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  for (const entry of value.split(',').map((e) => e.trim())) {
    const [address, bits, ...rest] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    if (!named && (rest.length > 0 || !address || isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))) {
      throw new ConfigError(`TRUST_PROXY: "${entry}" is not true, an IP address, a CIDR range or loopback`);
    }
  }
  return value;
}

/** Reads and validates configuration; `overrides` wins over the environment (tests use it). */
export function loadConfig(overrides: Record<string, string | number | boolean | undefined> = {}): Config {
  const data: Record<string, unknown> = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete data[key];
    else data[key] = value;
  }
  // `FOO=` in a shell or an env file means "not set", as most tools treat it.
  for (const [key, value] of Object.entries(data)) if (value === '') delete data[key];
  let env: Env;
  try {
    env = envSchema<Env>({ schema: Env, data, env: false, dotenv: false });
  } catch (err) {
    // Ajv says e.g. "env/PORT must be integer": name the variable plainly.
    throw new ConfigError(`Invalid configuration: ${(err as Error).message.replace(/env\//g, '')}`);
  }
  const production = env.NODE_ENV === 'production';
  if (production && !env.SERVER_SECRET) {
    throw new ConfigError('SERVER_SECRET is required when NODE_ENV=production');
  }
  const jwt = jwtVerification(env, production);
  return {
    env: env.NODE_ENV,
    production,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, ''),
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS, production),
    appName: env.APP_NAME,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    jwt: {
      ...jwt,
      issuer: env.SUPPORT_JWT_ISSUER,
      audience: env.SUPPORT_JWT_AUDIENCE,
      adminClaim: env.SUPPORT_JWT_ADMIN_CLAIM,
      adminValue: env.SUPPORT_JWT_ADMIN_VALUE,
    },
    serverSecret: env.SERVER_SECRET ?? DEV_SERVER_SECRET,
    anonymousVisitors: env.ANONYMOUS_VISITORS,
    visitorTokenTtlSeconds: env.VISITOR_TOKEN_TTL_DAYS * 86_400,
    messageRateLimit: { max: env.MESSAGE_RATE_LIMIT, windowMs: env.MESSAGE_RATE_WINDOW_MS },
    httpRateLimitPerMinute: env.HTTP_RATE_LIMIT,
    bodyLimit: env.BODY_LIMIT_BYTES,
    email: {
      delaySeconds: env.EMAIL_DELAY_SECONDS,
      from: env.EMAIL_FROM,
      chatUrl: env.CHAT_URL,
      sesEndpoint: env.SES_ENDPOINT,
      region: env.AWS_REGION,
    },
    worker: { inProcess: env.RUN_WORKER, concurrency: env.WORKER_CONCURRENCY },
    retentionDays: env.RETENTION_DAYS,
    demo: env.DEMO ?? !production,
    metricsToken: env.METRICS_TOKEN,
    ws: {
      authTimeoutMs: env.WS_AUTH_TIMEOUT_MS,
      pingIntervalMs: env.WS_PING_INTERVAL_MS,
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      connectRateLimit: env.WS_CONNECT_RATE_LIMIT,
    },
  };
}
