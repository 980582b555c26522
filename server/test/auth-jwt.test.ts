// Identity: integrator JWTs are verified with pinned algorithms, required sub and exp, and iss / aud
// when configured; every attack gets 401 with a clear code and no echo of the token.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from './support/api.js';
import { createTestApp, signToken, userToken, type TestContext } from './support/helper.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A token signed by hand: HMAC-SHA256 with any key bytes, or no signature at all for alg none. */
function handMade(header: Record<string, unknown>, payload: Record<string, unknown>, hmacKey?: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = hmacKey === undefined ? '' : createHmac('sha256', hmacKey).update(input).digest('base64url');
  return `${input}.${signature}`;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPublic = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsaPrivate = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPublic = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPrivate = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let hs: TestContext;
beforeAll(async () => {
  hs = await createTestApp();
});
afterAll(() => hs.close());

async function expectRejected(ctx: TestContext, token: string, code: string): Promise<string> {
  const res = await api(ctx.app).get('/api/chat', token);
  const error = expectError(res, 401, code);
  expect(res.body).not.toContain(token);
  return error.message as string;
}

describe('HS256 (shared secret)', () => {
  it('accepts a valid token', async () => {
    expect((await api(hs.app).get('/api/chat', userToken())).statusCode).toBe(200);
  });

  it('accepts the Bearer scheme in any case and rejects other schemes', async () => {
    const token = userToken();
    const lower = await hs.app.inject({ method: 'GET', url: '/api/chat', headers: { authorization: `bearer ${token}` } });
    expect(lower.statusCode).toBe(200);
    for (const authorization of [`Basic ${token}`, 'Bearer', 'Bearer ', token, `Bearer ${token} extra`]) {
      const res = await hs.app.inject({ method: 'GET', url: '/api/chat', headers: { authorization } });
      expectError(res, 401, 'token_missing');
    }
  });

  it('rejects alg none', async () => {
    const token = handMade({ alg: 'none', typ: 'JWT' }, { sub: `u-${randomUUID()}`, exp: now() + 3600, support_role: 'admin' });
    await expectRejected(hs, token, 'token_invalid');
    const visitorNone = handMade({ alg: 'none' }, { sub: `visitor:${randomUUID()}`, iss: 'support-chat/visitor', exp: now() + 3600 });
    await expectRejected(hs, visitorNone, 'token_invalid');
  });

  it('rejects a token signed with the wrong secret', async () => {
    const message = await expectRejected(hs, signToken('mallory', { secret: 'not-the-secret-but-long-enough-000000' }), 'token_invalid');
    expect(message).toMatch(/signature/i);
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const [header, , signature] = userToken('alice').split('.');
    const forged = `${header}.${b64({ sub: 'alice', exp: now() + 3600, support_role: 'admin' })}.${signature}`;
    await expectRejected(hs, forged, 'token_invalid');
  });

  it('rejects an expired token with token_expired', async () => {
    const message = await expectRejected(hs, signToken('late', { expiresIn: -60 }), 'token_expired');
    expect(message).toMatch(/expired/i);
  });

  it('rejects a token that is not valid yet (nbf in the future)', async () => {
    const message = await expectRejected(hs, signToken('early', { claims: { nbf: now() + 3600 } }), 'token_invalid');
    expect(message).toMatch(/not valid yet/i);
  });

  it('rejects a token without sub or without exp', async () => {
    expect(await expectRejected(hs, signToken(null), 'token_invalid')).toMatch(/required claim/);
    expect(await expectRejected(hs, signToken('forever', { expiresIn: null }), 'token_invalid')).toMatch(/required claim/);
    await expectRejected(hs, signToken(''), 'token_invalid');
  });

  it('rejects another HMAC algorithm than the pinned HS256', async () => {
    await expectRejected(hs, signToken('h384', { algorithm: 'HS384' }), 'token_invalid');
  });

  it('rejects a malformed or oversized token', async () => {
    await expectRejected(hs, 'not.a.jwt', 'token_invalid');
    await expectRejected(hs, 'garbage', 'token_invalid');
    await expectRejected(hs, `${userToken()}${'a'.repeat(9000)}`, 'token_invalid');
  });

  it('does not accept the token from the query string', async () => {
    const token = userToken();
    for (const name of ['token', 'access_token', 'jwt', 'authorization']) {
      const res = await hs.app.inject({ method: 'GET', url: `/api/chat?${name}=${token}` });
      expectError(res, 401, 'token_missing');
    }
  });

  it('does not accept the token from a cookie', async () => {
    const res = await hs.app.inject({ method: 'GET', url: '/api/chat', headers: { cookie: `token=${userToken()}` } });
    expectError(res, 401, 'token_missing');
  });

  it('rejects a subject with the reserved visitor: prefix', async () => {
    await expectRejected(hs, userToken(`visitor:${randomUUID()}`), 'token_invalid');
  });

  it('rejects a subject that is not a string', async () => {
    await expectRejected(hs, signToken(null, { claims: { sub: 12345 } }), 'token_invalid');
  });

  it('rejects an over-long subject', async () => {
    await expectRejected(hs, signToken('s'.repeat(256)), 'token_invalid');
  });

  it('ignores an email claim that is not an email address', async () => {
    const sub = `u-${randomUUID()}`;
    await api(hs.app).get('/api/chat', signToken(sub, { claims: { email: 'not an email' } }));
    const [row] = await hs.database.sql<{ email: string | null }[]>`select email from support_users where external_id = ${sub}`;
    expect(row).toEqual({ email: null });
  });
});

describe('RS256 (public key)', () => {
  let rs: TestContext;
  beforeAll(async () => {
    rs = await createTestApp({ SUPPORT_JWT_PUBLIC_KEY: rsaPublic }, hs.databaseUrl);
  });
  afterAll(() => rs.close());

  it('accepts a token signed with the private key', async () => {
    const token = signToken(`u-${randomUUID()}`, { algorithm: 'RS256', key: rsaPrivate });
    expect((await api(rs.app).get('/api/chat', token)).statusCode).toBe(200);
  });

  it('grants admin to an RS256 token with the admin claim', async () => {
    const token = signToken(`a-${randomUUID()}`, { algorithm: 'RS256', key: rsaPrivate, claims: { support_role: 'admin' } });
    expect((await api(rs.app).get('/api/admin/chats', token)).statusCode).toBe(200);
  });

  it('rejects an HS256 token signed with the public key as the secret (key confusion)', async () => {
    const token = handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'attacker', exp: now() + 3600, support_role: 'admin' }, rsaPublic);
    await expectRejected(rs, token, 'token_invalid');
    const admin = await api(rs.app).get('/api/admin/chats', token);
    expect(admin.statusCode).toBe(401);
  });

  it('rejects an HS256 token signed with the old shared secret', async () => {
    await expectRejected(rs, userToken(), 'token_invalid');
  });

  it('rejects a token signed by another RSA key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expectRejected(rs, signToken('x', { algorithm: 'RS256', key: other }), 'token_invalid');
  });

  it('still accepts the server-signed visitor tokens', async () => {
    const visitor = await api(rs.app).post('/api/visitors');
    expect((await api(rs.app).get('/api/chat', visitor.json().token)).statusCode).toBe(200);
  });

  it('rejects an expired RS256 token with token_expired', async () => {
    await expectRejected(rs, signToken('x', { algorithm: 'RS256', key: rsaPrivate, expiresIn: -60 }), 'token_expired');
  });
});

describe('ES256 (public key)', () => {
  let es: TestContext;
  beforeAll(async () => {
    es = await createTestApp({ SUPPORT_JWT_PUBLIC_KEY: ecPublic }, hs.databaseUrl);
  });
  afterAll(() => es.close());

  it('accepts a token signed with the EC private key', async () => {
    const token = signToken(`u-${randomUUID()}`, { algorithm: 'ES256', key: ecPrivate });
    expect((await api(es.app).get('/api/chat', token)).statusCode).toBe(200);
  });

  it('rejects an RS256 token and an HS256 token', async () => {
    await expectRejected(es, signToken('x', { algorithm: 'RS256', key: rsaPrivate }), 'token_invalid');
    await expectRejected(es, handMade({ alg: 'HS256' }, { sub: 'x', exp: now() + 60 }, ecPublic), 'token_invalid');
  });
});

describe('issuer and audience', () => {
  let strict: TestContext;
  beforeAll(async () => {
    strict = await createTestApp(
      { SUPPORT_JWT_ISSUER: 'https://auth.site.test', SUPPORT_JWT_AUDIENCE: 'support-chat' },
      hs.databaseUrl,
    );
  });
  afterAll(() => strict.close());

  const claims = { iss: 'https://auth.site.test', aud: 'support-chat' };

  it('accepts a token with the configured iss and aud', async () => {
    expect((await api(strict.app).get('/api/chat', userToken(`u-${randomUUID()}`, claims))).statusCode).toBe(200);
  });

  it('accepts aud given as an array that contains the audience', async () => {
    const token = userToken(`u-${randomUUID()}`, { ...claims, aud: ['other', 'support-chat'] });
    expect((await api(strict.app).get('/api/chat', token)).statusCode).toBe(200);
  });

  it('rejects a wrong issuer or audience', async () => {
    const wrongIss = await expectRejected(strict, userToken('x', { ...claims, iss: 'https://evil.test' }), 'token_invalid');
    expect(wrongIss).toMatch(/issuer|audience/i);
    await expectRejected(strict, userToken('x', { ...claims, aud: 'another-app' }), 'token_invalid');
  });

  it('rejects a token that lacks iss or aud', async () => {
    await expectRejected(strict, userToken('x', { aud: 'support-chat' }), 'token_invalid');
    await expectRejected(strict, userToken('x', { iss: 'https://auth.site.test' }), 'token_invalid');
  });
});

describe('a configured admin claim', () => {
  let custom: TestContext;
  beforeAll(async () => {
    custom = await createTestApp({ SUPPORT_JWT_ADMIN_CLAIM: 'role', SUPPORT_JWT_ADMIN_VALUE: 'support' }, hs.databaseUrl);
  });
  afterAll(() => custom.close());

  it('grants admin only for the configured claim and value', async () => {
    const viaRole = userToken(`a-${randomUUID()}`, { role: 'support' });
    expect((await api(custom.app).get('/api/admin/chats', viaRole)).statusCode).toBe(200);
    const viaDefault = userToken(`a-${randomUUID()}`, { support_role: 'admin' });
    expectError(await api(custom.app).get('/api/admin/chats', viaDefault), 403, 'forbidden');
  });
});
