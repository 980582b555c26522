// Anonymous visitor mode: POST /api/visitors issues a server-signed token that works on the user API,
// never on the admin API, and stops working when the mode is switched off.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISITOR_ISSUER } from '../src/auth/identity.js';
import { api, expectError, type Api } from './support/api.js';
import { adminToken, createTestApp, signToken, userToken, type TestContext } from './support/helper.js';

const SERVER_SECRET = 'visitor-suite-server-secret-0123456789abcdef';

let ctx: TestContext;
let http: Api;

beforeAll(async () => {
  ctx = await createTestApp({ SERVER_SECRET });
  http = api(ctx.app);
});
afterAll(() => ctx.close());

async function newVisitor(): Promise<string> {
  const res = await http.post('/api/visitors');
  expect(res.statusCode).toBe(201);
  return res.json().token as string;
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('POST /api/visitors', () => {
  it('issues a token with a random visitor subject, no email and an expiry', async () => {
    const res = await http.post('/api/visitors');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ token: expect.any(String), expires_at: expect.any(String) });
    const days = (Date.parse(body.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThanOrEqual(365);
    const payload = payloadOf(body.token);
    expect(payload.sub).toMatch(/^visitor:[\w-]{16,}$/);
    expect(payload.iss).toBe(VISITOR_ISSUER);
    expect(payload).not.toHaveProperty('email');
    expect(payload.exp).toBeTypeOf('number');
    const other = payloadOf(await newVisitor());
    expect(other.sub).not.toBe(payload.sub);
  });

  it('gives a token that works on the user API', async () => {
    const token = await newVisitor();
    const chat = await http.get('/api/chat', token);
    expect(chat.statusCode).toBe(200);
    const sent = await http.send(token, 'hello from a visitor');
    expect(sent.statusCode).toBe(201);
    expect(sent.json().chat_id).toBe(chat.json().chat.id);
  });

  it('lets a visitor give an email and name that the admin then sees', async () => {
    const token = await newVisitor();
    await http.send(token, 'please email me');
    const contact = await http.patch('/api/chat/contact', token, { email: 'Visitor@Example.com', name: 'Vic' });
    expect(contact.json()).toEqual({ email: 'visitor@example.com', name: 'Vic' });
    const list = await http.get('/api/admin/chats?q=visitor%40example.com', adminToken());
    expect(list.json().chats).toHaveLength(1);
    expect(list.json().chats[0]).toMatchObject({ user_email: 'visitor@example.com', user_name: 'Vic' });
    // The stored contact survives the next request with the same (email-less) token.
    await http.get('/api/chat', token);
    const [row] = await ctx.database.sql<{ email: string }[]>`select email from support_users where email = 'visitor@example.com'`;
    expect(row?.email).toBe('visitor@example.com');
  });

  it('never makes a visitor an admin, even with a support_role claim signed by the server key', async () => {
    const forged = signToken(`visitor:${randomUUID()}`, {
      secret: SERVER_SECRET,
      claims: { iss: VISITOR_ISSUER, support_role: 'admin' },
    });
    expect((await http.get('/api/chat', forged)).statusCode).toBe(200);
    expectError(await http.get('/api/admin/chats', forged), 403, 'forbidden');
  });

  it('refuses a token that claims the visitor issuer but is signed with the integrator key', async () => {
    const forged = signToken(`visitor:${randomUUID()}`, { claims: { iss: VISITOR_ISSUER } });
    expectError(await http.get('/api/chat', forged), 401, 'token_invalid');
  });

  it('refuses an integrator token whose subject uses the reserved visitor: prefix', async () => {
    const token = userToken(`visitor:${randomUUID()}`);
    expectError(await http.get('/api/chat', token), 401, 'token_invalid');
    const asAdmin = adminToken(`visitor:${randomUUID()}`);
    expectError(await http.get('/api/admin/chats', asAdmin), 401, 'token_invalid');
  });

  it('rejects a visitor token that has expired', async () => {
    const expired = signToken(`visitor:${randomUUID()}`, {
      secret: SERVER_SECRET,
      expiresIn: -60,
      claims: { iss: VISITOR_ISSUER },
    });
    expectError(await http.get('/api/chat', expired), 401, 'token_expired');
  });
});

describe('with ANONYMOUS_VISITORS=false', () => {
  let off: TestContext;
  beforeAll(async () => {
    off = await createTestApp({ SERVER_SECRET, ANONYMOUS_VISITORS: false }, ctx.databaseUrl);
  });
  afterAll(() => off.close());

  it('answers POST /api/visitors with 403 anonymous_disabled', async () => {
    expectError(await api(off.app).post('/api/visitors'), 403, 'anonymous_disabled');
  });

  it('no longer accepts visitor tokens issued earlier', async () => {
    const token = await newVisitor();
    expectError(await api(off.app).get('/api/chat', token), 403, 'anonymous_disabled');
  });

  it('still accepts integrator tokens', async () => {
    expect((await api(off.app).get('/api/chat', userToken())).statusCode).toBe(200);
  });
});
