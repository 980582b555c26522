// Attacks on identity over the WebSocket (the REST side is in auth-jwt.test.ts): forged, confused,
// not-yet-valid and mis-addressed tokens in the auth frame, privilege changes on refresh, foreign
// Origins (cross-site WebSocket hijacking), and tokens reaching logs or URLs.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createDbClient, type DbClient } from '../src/db/client.js';
import { signUnsubscribeToken } from '../src/email/unsubscribe-token.js';
import { api } from './support/api.js';
import { adminToken, createTestApp, createTestDatabase, dropTestDatabase, signToken, testConfig, userToken, type TestContext } from './support/helper.js';
import { listen, upgradeStatus, WsClient } from './support/ws-client.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function handMade(header: Record<string, unknown>, payload: Record<string, unknown>, hmacKey?: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = hmacKey === undefined ? '' : createHmac('sha256', hmacKey).update(input).digest('base64url');
  return `${input}.${signature}`;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPublic = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsaPrivate = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const ISSUER = 'https://shop.example';
const AUDIENCE = 'support-chat';

let rs: TestContext;
let rsUrl: string;
const open: WsClient[] = [];

beforeAll(async () => {
  rs = await createTestApp({
    SUPPORT_JWT_PUBLIC_KEY: rsaPublic,
    SUPPORT_JWT_ISSUER: ISSUER,
    SUPPORT_JWT_AUDIENCE: AUDIENCE,
    WS_AUTH_TIMEOUT_MS: 400,
  });
  rsUrl = await listen(rs.app);
});
afterAll(async () => {
  for (const client of open) client.terminate();
  await rs.close();
});

const rsToken = (sub: string, claims: Record<string, unknown> = {}, expiresIn?: number) =>
  signToken(sub, {
    algorithm: 'RS256',
    key: rsaPrivate,
    claims: { iss: ISSUER, aud: AUDIENCE, ...claims },
    ...(expiresIn !== undefined ? { expiresIn } : {}),
  });

async function authClose(token: string): Promise<{ code: number; reason: string }> {
  const client = await WsClient.connect(rsUrl);
  open.push(client);
  client.send({ type: 'auth', token });
  return client.closed;
}

describe('the auth frame (RS256 with issuer and audience)', () => {
  it('accepts a correctly signed token', async () => {
    const { client, ready } = await WsClient.ready(rsUrl, rsToken(`u-${randomUUID()}`));
    open.push(client);
    expect(ready.user.role).toBe('user');
  });

  it('closes 4001 token_invalid for an HS256 token signed with the public key (key confusion)', async () => {
    const forged = handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'attacker', iss: ISSUER, aud: AUDIENCE, exp: now() + 600, support_role: 'admin' }, rsaPublic);
    expect(await authClose(forged)).toEqual({ code: 4001, reason: 'token_invalid' });
  });

  it('closes 4001 token_invalid for alg none, with or without a trailing signature', async () => {
    const payload = { sub: 'attacker', iss: ISSUER, aud: AUDIENCE, exp: now() + 600, support_role: 'admin' };
    expect(await authClose(handMade({ alg: 'none', typ: 'JWT' }, payload))).toEqual({ code: 4001, reason: 'token_invalid' });
    expect(await authClose(handMade({ alg: 'none' }, payload, 'x'))).toEqual({ code: 4001, reason: 'token_invalid' });
  });

  it('closes 4001 for a token that is not valid yet (nbf), expired, or missing sub', async () => {
    expect(await authClose(rsToken('early', { nbf: now() + 600 }))).toEqual({ code: 4001, reason: 'token_invalid' });
    expect(await authClose(rsToken('late', {}, -60))).toEqual({ code: 4001, reason: 'token_expired' });
    expect(await authClose(signToken(null, { algorithm: 'RS256', key: rsaPrivate, claims: { iss: ISSUER, aud: AUDIENCE } }))).toEqual({
      code: 4001,
      reason: 'token_invalid',
    });
  });

  it('closes 4001 for a wrong or missing issuer or audience', async () => {
    for (const claims of [{ iss: 'https://evil.example' }, { aud: 'other-app' }, { iss: undefined }, { aud: undefined }]) {
      expect(await authClose(rsToken('mis-addressed', claims))).toEqual({ code: 4001, reason: 'token_invalid' });
    }
  });

  it('accepts a nbf that has passed', async () => {
    const { client } = await WsClient.ready(rsUrl, rsToken(`u-${randomUUID()}`, { nbf: now() - 10 }));
    open.push(client);
  });

  it('never authenticates from a token in the URL', async () => {
    const client = await WsClient.connect(`${rsUrl}?token=${encodeURIComponent(rsToken('in-url'))}`);
    open.push(client);
    expect(await client.closed).toEqual({ code: 4001, reason: 'unauthorized' });
    expect(client.frames.filter((f) => f.type === 'ready')).toEqual([]);
  });
});

describe('refreshing the token on an open socket', () => {
  it('refuses an admin token for the same subject: a user cannot raise their role', async () => {
    const sub = `u-${randomUUID()}`;
    const { client } = await WsClient.ready(rsUrl, rsToken(sub));
    open.push(client);
    client.send({ type: 'auth', token: rsToken(sub, { support_role: 'admin' }) });
    await client.waitFor((f) => f.type === 'error' && f.code === 'forbidden');
    client.send({ type: 'subscribe', channel: 'admin' });
    await client.waitForAll((f) => f.type === 'error' && f.code === 'forbidden', 2);
    expect(client.frames.filter((f) => f.type === 'ready')).toHaveLength(1);
  });

  it('does not extend the session with an expired or forged refresh token', async () => {
    const sub = `u-${randomUUID()}`;
    const { client, ready } = await WsClient.ready(rsUrl, rsToken(sub, {}, 120));
    open.push(client);
    client.send({ type: 'auth', token: rsToken(sub, {}, -60) });
    await client.waitFor((f) => f.type === 'error' && f.code === 'token_expired');
    client.send({ type: 'auth', token: handMade({ alg: 'HS256' }, { sub, iss: ISSUER, aud: AUDIENCE, exp: now() + 86_400 }, rsaPublic) });
    await client.waitFor((f) => f.type === 'error' && f.code === 'token_invalid');
    await client.roundTrip();
    expect(client.frames.filter((f) => f.type === 'ready')).toEqual([ready]);
  });
});

describe('cross-site WebSocket hijacking', () => {
  it('refuses every origin that is not exactly an allowed one, before the upgrade', async () => {
    const ctx = await createTestApp({}, rs.databaseUrl);
    const url = await listen(ctx.app);
    try {
      for (const origin of ['http://evil.test', 'null', 'http://site.test.evil.test', 'https://site.test', 'http://site.test:8080', 'http://evil.test/http://site.test']) {
        expect(await upgradeStatus(url, origin), origin).toBe(403);
      }
      // The allowed origin (and a client that sends none) still connects.
      const { client } = await WsClient.ready(url, userToken());
      client.terminate();
    } finally {
      await ctx.close();
    }
  });

  it('lets a client without Origin connect, but a socket is useless without the token', async () => {
    // Browsers always send Origin on WebSocket upgrades, so a missing one is a non-browser client;
    // tokens travel in the first frame (never cookies), so a hijacked socket has nothing to ride on.
    const client = await WsClient.connect(rsUrl, { origin: null });
    open.push(client);
    client.send({ type: 'subscribe', channel: 'admin' });
    expect(await client.closed).toEqual({ code: 4001, reason: 'unauthorized' });
  });
});

describe('tokens never reach logs or URLs', () => {
  let app: FastifyInstance;
  let database: DbClient;
  let databaseUrl: string;
  const lines: string[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    database = createDbClient(databaseUrl);
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app = await buildApp({ config: testConfig(databaseUrl, { WS_AUTH_TIMEOUT_MS: 300 }), database, logger: { level: 'trace', stream } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
    await dropTestDatabase(databaseUrl);
  });

  it('keeps every token out of the logs, over WebSocket and REST, also when it is refused', async () => {
    const url = await listen(app);
    const user = userToken();
    const admin = adminToken();
    const expired = signToken('late', { expiresIn: -60 });
    const forged = signToken('forged', { secret: 'y'.repeat(40) });
    const { client, ready } = await WsClient.ready(url, user);
    client.send({ type: 'auth', token: user });
    client.send({ type: 'auth', token: expired });
    client.send({ type: 'auth', token: 'x'.repeat(9000) });
    client.send({ type: 'send_message', chat_id: ready.chat_id, client_id: 'c1', content: 'hi' });
    await client.waitFor((f) => f.type === 'ack');
    client.terminate();
    for (const token of [expired, forged, admin]) {
      const socket = await WsClient.connect(url);
      socket.send({ type: 'auth', token });
      await socket.waitFor((f) => f.type === 'ready', 2000).catch(() => undefined);
      socket.terminate();
    }
    const rest = api(app);
    await rest.get('/api/chat', user);
    await rest.get('/api/chat', expired);
    await rest.get(`/api/chat?token=${user}`);
    await app.inject({ method: 'GET', url: '/ws', headers: { 'sec-websocket-protocol': user } });
    const unsubscribe = signUnsubscribeToken(testConfig(databaseUrl).serverSecret, randomUUID());
    await app.inject({ method: 'GET', url: `/unsubscribe?token=${unsubscribe}` });
    await app.inject({ method: 'POST', url: `/unsubscribe?token=${unsubscribe}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [user, admin, expired, forged, unsubscribe]) {
      expect(all).not.toContain(secret);
      // A signature alone is enough to replay a token: not even that part may appear.
      expect(all).not.toContain(secret.split('.').pop()!);
    }
  });

  it('builds no URL with a bearer token anywhere in the server code', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk('server/src');
    const offenders: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/[?&](token|access_token|jwt)=|searchParams\.(set|append)\(\s*['"](token|access_token|jwt)['"]/.test(line)) {
            offenders.push(`${file}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    // The only token in a URL is the unsubscribe link's: an HMAC naming one user, not a credential
    // for anything else (its query string is never logged, see above).
    expect(offenders.every((o) => /server\/src\/(email\/links|routes\/unsubscribe)\.ts:/.test(o)), offenders.join('\n')).toBe(true);
  });
});
