// Configuration: defaults that make `npm start` work with nothing set, a clear error naming the
// variable for every bad value, and CORS driven by ALLOWED_ORIGINS.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../src/config.js';
import { createTestApp, type TestContext } from './support/helper.js';

/** Every variable the config reads, unset, so the machine's environment cannot leak into a test. */
const CLEAN: Record<string, undefined> = Object.fromEntries(
  [
    'NODE_ENV', 'PORT', 'HOST', 'DATABASE_URL', 'PUBLIC_URL', 'ALLOWED_ORIGINS', 'APP_NAME', 'LOG_LEVEL',
    'SUPPORT_JWT_SECRET', 'SUPPORT_JWT_PUBLIC_KEY', 'SUPPORT_JWT_ISSUER', 'SUPPORT_JWT_AUDIENCE',
    'SUPPORT_JWT_ADMIN_CLAIM', 'SUPPORT_JWT_ADMIN_VALUE', 'SERVER_SECRET', 'ANONYMOUS_VISITORS',
    'VISITOR_TOKEN_TTL_DAYS', 'MESSAGE_RATE_LIMIT', 'MESSAGE_RATE_WINDOW_MS', 'BODY_LIMIT_BYTES', 'DEMO', 'TRUST_PROXY',
  ].map((key) => [key, undefined]),
);

const SECRET = 's'.repeat(40);
const PRODUCTION = {
  NODE_ENV: 'production',
  SERVER_SECRET: SECRET,
  SUPPORT_JWT_SECRET: SECRET.replace(/s/g, 'j'),
  ALLOWED_ORIGINS: 'https://shop.example',
};

const load = (overrides: Record<string, string | number | boolean | undefined>) => loadConfig({ ...CLEAN, ...overrides });

function configError(overrides: Record<string, string | number | boolean | undefined>): string {
  try {
    load(overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(overrides)}`);
}

describe('loadConfig', () => {
  it('works with nothing set: port 3000, loopback, any origin, dev secret, visitors on', () => {
    const config = load({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      allowedOrigins: '*',
      anonymousVisitors: true,
      production: false,
      bodyLimit: 64 * 1024,
      messageRateLimit: { max: 20, windowMs: 10_000 },
    });
    expect(config.jwt).toMatchObject({ kind: 'secret', secret: DEV_JWT_SECRET, algorithms: ['HS256'], devSecret: true });
  });

  it('parses numbers and booleans from their string form', () => {
    const config = load({ PORT: '8080', ANONYMOUS_VISITORS: 'false', MESSAGE_RATE_LIMIT: '3', ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443' });
    expect(config.port).toBe(8080);
    expect(config.anonymousVisitors).toBe(false);
    expect(config.messageRateLimit.max).toBe(3);
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
  });

  it('treats an empty variable as unset (VAR= in an env file)', () => {
    const config = load({ PORT: '', ANONYMOUS_VISITORS: '', SUPPORT_JWT_SECRET: '', DATABASE_URL: '' });
    expect(config).toMatchObject({ port: 3000, anonymousVisitors: true, databaseUrl: undefined });
    expect(config.jwt.devSecret).toBe(true);
    expect(configError({ ...PRODUCTION, SUPPORT_JWT_SECRET: '' })).toMatch(/SUPPORT_JWT_SECRET/);
  });

  it('trusts no proxy by default and validates TRUST_PROXY', () => {
    expect(load({}).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).toBe('10.0.0.0/8, loopback');
    expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(configError({ TRUST_PROXY: '2' })).toMatch(/TRUST_PROXY/);
    expect(configError({ TRUST_PROXY: 'proxy.internal' })).toMatch(/TRUST_PROXY/);
    expect(configError({ TRUST_PROXY: '10.0.0.0/8/9' })).toMatch(/TRUST_PROXY/);
  });

  it('names PORT when it is not a valid port', () => {
    expect(configError({ PORT: 'abc' })).toMatch(/PORT/);
    expect(configError({ PORT: '70000' })).toMatch(/PORT/);
    expect(configError({ PORT: '-1' })).toMatch(/PORT/);
    expect(configError({ PORT: '80.5' })).toMatch(/PORT/);
  });

  it('names ALLOWED_ORIGINS when an entry is not an origin', () => {
    expect(configError({ ALLOWED_ORIGINS: 'not a url' })).toMatch(/ALLOWED_ORIGINS/);
    expect(configError({ ALLOWED_ORIGINS: 'https://a.example/path' })).toMatch(/ALLOWED_ORIGINS/);
    expect(configError({ ALLOWED_ORIGINS: 'https://a.example/' })).toMatch(/ALLOWED_ORIGINS/);
  });

  it('names the variable for other bad values', () => {
    expect(configError({ DATABASE_URL: 'mysql://localhost/db' })).toMatch(/DATABASE_URL/);
    expect(configError({ LOG_LEVEL: 'loud' })).toMatch(/LOG_LEVEL/);
    expect(configError({ SUPPORT_JWT_SECRET: 'short' })).toMatch(/SUPPORT_JWT_SECRET/);
    expect(configError({ BODY_LIMIT_BYTES: '10' })).toMatch(/BODY_LIMIT_BYTES/);
    expect(configError({ ANONYMOUS_VISITORS: 'perhaps' })).toMatch(/ANONYMOUS_VISITORS/);
    expect(configError({ PUBLIC_URL: 'ftp://x' })).toMatch(/PUBLIC_URL/);
  });

  it('requires the secrets and origins in production, naming each', () => {
    expect(load(PRODUCTION).production).toBe(true);
    expect(configError({ ...PRODUCTION, SERVER_SECRET: undefined })).toMatch(/SERVER_SECRET/);
    expect(configError({ ...PRODUCTION, SUPPORT_JWT_SECRET: undefined })).toMatch(/SUPPORT_JWT_SECRET/);
    expect(configError({ ...PRODUCTION, ALLOWED_ORIGINS: undefined })).toMatch(/ALLOWED_ORIGINS/);
  });

  it('never falls back to the dev secret in production', () => {
    const config = load(PRODUCTION);
    expect(config.jwt.devSecret).toBe(false);
    expect(config.serverSecret).toBe(SECRET);
  });

  it('pins RS256 for an RSA key and ES256 for an EC key, and rejects a bad key naming the variable', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(load({ SUPPORT_JWT_PUBLIC_KEY: rsa }).jwt.algorithms).toEqual(['RS256']);
    expect(load({ SUPPORT_JWT_PUBLIC_KEY: ec }).jwt.algorithms).toEqual(['ES256']);
    // Keys often arrive in one env line with literal \n.
    expect(load({ SUPPORT_JWT_PUBLIC_KEY: rsa.replace(/\n/g, '\\n') }).jwt.algorithms).toEqual(['RS256']);
    expect(configError({ SUPPORT_JWT_PUBLIC_KEY: 'x'.repeat(100) })).toMatch(/SUPPORT_JWT_PUBLIC_KEY/);
    expect(configError({ SUPPORT_JWT_PUBLIC_KEY: rsa, SUPPORT_JWT_SECRET: SECRET })).toMatch(/SUPPORT_JWT_SECRET and SUPPORT_JWT_PUBLIC_KEY/);
  });
});

describe('CORS', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ ALLOWED_ORIGINS: 'http://site.test,https://shop.example' });
  });
  afterAll(() => ctx.close());

  const preflight = (origin: string) =>
    ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/chat/messages',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('allows a configured origin, with the authorization header', async () => {
    const res = await preflight('https://shop.example');
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(String(res.headers['access-control-allow-headers'])).toMatch(/authorization/);
    const get = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'http://site.test' } });
    expect(get.headers['access-control-allow-origin']).toBe('http://site.test');
    expect(String(get.headers['access-control-expose-headers'])).toMatch(/x-request-id/);
  });

  it('gives a foreign origin no CORS headers', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://shop.example.evil.test' } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const nullOrigin = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'null' } });
    expect(nullOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never allows credentials (tokens travel in a header, not cookies)', async () => {
    const res = await preflight('https://shop.example');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
