// Hostile and broken requests: malformed JSON, oversized bodies, wrong content types, prototype
// pollution, request ids, send rate limits, and internal failures that must not leak stack traces.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError, STACK_LIKE, type Api } from './support/api.js';
import { adminToken, bearer, createTestApp, signToken, userToken, type TestContext } from './support/helper.js';

let ctx: TestContext;
let http: Api;

beforeAll(async () => {
  ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 3, MESSAGE_RATE_WINDOW_MS: 60_000 });
  http = api(ctx.app);
});
afterAll(() => ctx.close());

function rawPost(url: string, token: string, payload: string, contentType = 'application/json') {
  return ctx.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'content-type': contentType }, payload });
}

async function countMessages(token: string): Promise<number> {
  const chatId = await http.chatId(token);
  const [row] = await ctx.database.sql<{ n: string }[]>`select count(*) as n from support_messages where chat_id = ${chatId}`;
  return Number(row!.n);
}

describe('request bodies', () => {
  it('answers malformed JSON with 400 in the error shape', async () => {
    const res = await rawPost('/api/chat/messages', userToken(), '{"client_id": "a", "content": ');
    expectError(res, 400, 'bad_request');
  });

  it('answers an empty JSON body with 400', async () => {
    expectError(await rawPost('/api/chat/messages', userToken(), ''), 400, 'bad_request');
  });

  it('answers a JSON array or string body with 400 validation_failed', async () => {
    expectError(await rawPost('/api/chat/messages', userToken(), '["hi"]'), 400, 'validation_failed');
    expectError(await rawPost('/api/chat/messages', userToken(), '"hi"'), 400, 'validation_failed');
  });

  it('answers wrong JSON types with 400 validation_failed instead of coercing them, and stores nothing', async () => {
    const token = userToken();
    for (const body of [
      { client_id: 42, content: 'hi' },
      { client_id: 'typed-1', content: 42 },
      { client_id: 'typed-2', content: true },
      { client_id: 'typed-3', content: ['hi'] },
      { client_id: null, content: 'hi' },
    ]) {
      const body_ = expectError(await rawPost('/api/chat/messages', token, JSON.stringify(body)), 400, 'validation_failed');
      expect(JSON.stringify(body_), JSON.stringify(body)).toMatch(/client_id|content/);
    }
    expect(await countMessages(token)).toBe(0);
    // Query strings are strings on the wire and still read as numbers.
    const page = await ctx.app.inject({ method: 'GET', url: '/api/chat/messages?limit=2&after_seq=0', headers: bearer(token) });
    expect(page.statusCode).toBe(200);
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 payload_too_large and stores nothing', async () => {
    const token = userToken();
    const body = JSON.stringify({ client_id: 'big', content: 'x'.repeat(ctx.config.bodyLimit) });
    expectError(await rawPost('/api/chat/messages', token, body), 413, 'payload_too_large');
    expect(await countMessages(token)).toBe(0);
  });

  it('answers a body that is not JSON with 415 unsupported_media_type', async () => {
    const token = userToken();
    expectError(await rawPost('/api/chat/messages', token, 'hello', 'text/plain'), 415, 'unsupported_media_type');
    expectError(
      await rawPost('/api/chat/messages', token, 'client_id=a&content=b', 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
  });

  it('accepts JSON with a charset parameter', async () => {
    const res = await rawPost('/api/chat/messages', userToken(), JSON.stringify({ client_id: 'cs', content: 'hi' }), 'application/json; charset=utf-8');
    expect(res.statusCode).toBe(201);
  });

  it('rejects prototype pollution attempts', async () => {
    const token = userToken();
    const proto = '{"client_id":"p1","content":"hi","__proto__":{"admin":true}}';
    expect((await rawPost('/api/chat/messages', token, proto)).statusCode).toBe(400);
    const ctor = '{"client_id":"p2","content":"hi","constructor":{"prototype":{"admin":true}}}';
    expect((await rawPost('/api/chat/messages', token, ctor)).statusCode).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('error responses', () => {
  it('carries a ref equal to the x-request-id header, also for 404s', async () => {
    const res = await http.get('/api/nope');
    expectError(res, 404, 'not_found');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed incoming x-request-id as the ref and replaces a hostile one', async () => {
    const echoed = await ctx.app.inject({ method: 'GET', url: '/api/chat', headers: { 'x-request-id': 'edge-123.abc' } });
    expect(expectError(echoed, 401, 'token_missing').ref).toBe('edge-123.abc');
    const hostile = await ctx.app.inject({ method: 'GET', url: '/api/chat', headers: { 'x-request-id': '<script>alert(1)</script>' } });
    const ref = expectError(hostile, 401, 'token_missing').ref;
    expect(ref).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unsupported method on a known path with 404 in the error shape', async () => {
    const res = await ctx.app.inject({ method: 'PUT', url: '/api/chat', headers: bearer(userToken()) });
    expectError(res, 404, 'not_found');
  });

  it('answers an internal failure with 500 internal_error and no stack trace or SQL', async () => {
    const broken = await createTestApp({}, ctx.databaseUrl);
    await broken.database.close();
    const res = await api(broken.app).get('/api/chat', userToken());
    const error = expectError(res, 500, 'internal_error');
    expect(error.message).toBe('Something went wrong on our side');
    expect(res.body).not.toMatch(/select|insert|support_|postgres|ECONN|CONNECTION/i);
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'ref']);
    await broken.app.close();
  });

  it('never includes a stack trace in validation errors either', async () => {
    const res = await http.post('/api/chat/messages', userToken(), { client_id: 'has space', content: 'x' });
    const error = expectError(res, 400, 'validation_failed');
    expect(String(error.message)).not.toMatch(STACK_LIKE);
  });
});

describe('send rate limit', () => {
  it('answers the 4th send within the window with 429, retry_after and Retry-After, and stores nothing', async () => {
    const token = userToken();
    for (let i = 1; i <= 3; i++) expect((await http.send(token, `m${i}`)).statusCode).toBe(201);
    const limited = await http.send(token, 'm4', 'limited-one');
    const error = expectError(limited, 429, 'rate_limited');
    expect(error.retry_after).toBeTypeOf('number');
    expect(error.retry_after as number).toBeGreaterThanOrEqual(1);
    expect(error.retry_after as number).toBeLessThanOrEqual(60);
    expect(limited.headers['retry-after']).toBe(String(error.retry_after));
    expect(await countMessages(token)).toBe(3);
    const chatId = await http.chatId(token);
    const [row] = await ctx.database.sql`select 1 from support_messages where chat_id = ${chatId} and client_id = 'limited-one'`;
    expect(row).toBeUndefined();
  });

  it('does not count resends of a stored message (a reconnecting client resends its outbox)', async () => {
    const token = userToken();
    expect((await http.send(token, 'first', 'resent-1')).statusCode).toBe(201);
    for (let i = 0; i < 5; i++) expect((await http.send(token, 'first', 'resent-1')).statusCode).toBe(200);
    expect((await http.send(token, 'second', 'resent-2')).statusCode).toBe(201);
    expect((await http.send(token, 'third', 'resent-3')).statusCode).toBe(201);
    expectError(await http.send(token, 'fourth', 'resent-4'), 429, 'rate_limited');
    expect(await countMessages(token)).toBe(3);
  });

  it('limits each sender on its own', async () => {
    const a = userToken();
    for (let i = 0; i < 3; i++) await http.send(a, `a${i}`);
    expectError(await http.send(a, 'a3'), 429, 'rate_limited');
    expect((await http.send(userToken(), 'b0')).statusCode).toBe(201);
  });

  it('limits admin replies too', async () => {
    const chatId = await http.chatId(userToken());
    const admin = adminToken();
    for (let i = 0; i < 3; i++) expect((await http.reply(admin, chatId, `r${i}`)).statusCode).toBe(201);
    expectError(await http.reply(admin, chatId, 'r3'), 429, 'rate_limited');
  });

  it('uses the proxy-reported address when TRUST_PROXY says a proxy is in front', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: '127.0.0.1/8' }, ctx.databaseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await proxied.app.inject({ method: 'POST', url: '/api/visitors', headers: { 'x-forwarded-for': `10.0.0.${i}` } });
      statuses.push(res.statusCode);
    }
    expect(statuses.every((s) => s === 201)).toBe(true);
    await proxied.close();
  });

  it('limits visitor token creation per client address, which a forged X-Forwarded-For cannot change', async () => {
    const limited = await createTestApp({}, ctx.databaseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await limited.app.inject({ method: 'POST', url: '/api/visitors', headers: { 'x-forwarded-for': `10.0.0.${i}` } });
      statuses.push(res.statusCode);
    }
    expect(statuses.every((s) => s === 201)).toBe(true);
    const res = await limited.app.inject({ method: 'POST', url: '/api/visitors', headers: { 'x-forwarded-for': '10.9.9.9' } });
    const error = expectError(res, 429, 'rate_limited');
    expect(res.headers['retry-after']).toBe(String(error.retry_after));
    await limited.close();
  });
});

describe('ids', () => {
  it('rejects malformed chat ids with invalid_id, whatever their shape', async () => {
    const admin = adminToken();
    for (const id of ['123', 'null', `${randomUUID()}x`, '../../etc/passwd', '%00', 'a'.repeat(180)]) {
      expectError(await http.get(`/api/admin/chats/${encodeURIComponent(id)}`, admin), 400, 'invalid_id');
    }
  });
});

describe('values Postgres cannot store', () => {
  it('answers a seq beyond the safe integer range with 400, not 500', async () => {
    const res = await rawPost('/api/chat/read', userToken(), '{"up_to_seq": 100000000000000000000}');
    expectError(res, 400, 'validation_failed');
    expectError(await http.get('/api/chat/messages?after_seq=100000000000000000000', userToken()), 400, 'validation_failed');
  });

  it('does not fail on NUL bytes in a search', async () => {
    const res = await http.get('/api/admin/chats?q=%00', adminToken());
    expect(res.statusCode).toBe(200);
  });

  it('does not fail on NUL bytes in a contact name', async () => {
    const res = await http.patch('/api/chat/contact', userToken(), { name: 'Ann\u0000a' });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe('Anna');
  });

  it('does not fail on NUL bytes in token claims', async () => {
    const withNul = signToken(`nul-${randomUUID()}`, { claims: { name: 'Bo\u0000b', email: 'b\u0000@example.com' } });
    const res = await http.get('/api/chat', withNul);
    expect(res.statusCode).toBe(200);
    expectError(await http.get('/api/chat', signToken('sub\u0000with-nul')), 401, 'token_invalid');
  });
});

describe('arbitrary input', () => {
  it('never answers 5xx, whatever the strings and JSON bodies', async () => {
    const fuzz = await createTestApp({ MESSAGE_RATE_LIMIT: 100_000 }, ctx.databaseUrl);
    const f = api(fuzz.app);
    const token = userToken();
    const admin = adminToken();
    const json = (url: string, body: unknown) =>
      fuzz.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' });
    const failures: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.anything(), async (text, short, body) => {
          const responses = await Promise.all([
            f.send(token, text),
            f.send(token, 'x', short),
            f.get(`/api/admin/chats?q=${encodeURIComponent(text)}`, admin),
            f.get(`/api/admin/chats?cursor=${encodeURIComponent(text)}`, admin),
            f.get(`/api/admin/chats/${encodeURIComponent(short)}`, admin),
            f.patch('/api/chat/contact', token, { name: text }),
            f.patch('/api/chat/contact', token, { email: `${short}@example.com` }),
            f.get(`/api/chat/messages?${encodeURIComponent(short)}=${encodeURIComponent(text)}`, token),
            json('/api/chat/messages', body),
            json('/api/chat/read', body),
            fuzz.app.inject({ method: 'GET', url: '/api/chat', headers: { authorization: `Bearer ${short}` } }),
          ]);
          for (const res of responses) {
            if (res.statusCode >= 500) failures.push(`${JSON.stringify({ text, short, body })} -> ${res.body}`);
          }
        }),
        { numRuns: 40, seed: 20_26 },
      );
      const lone = await f.send(token, 'half \ud800 surrogate');
      expect(lone.statusCode).toBeLessThan(500);
      expect(failures).toEqual([]);
    } finally {
      await fuzz.app.close();
      await fuzz.database.close();
    }
  });
});
