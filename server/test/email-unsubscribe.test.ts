// GET/POST /unsubscribe: a signed link, no login. GET only confirms, POST (the page's button or a
// mail client's RFC 8058 one-click) unsubscribes; both idempotent; bad tokens get a 400 page; the
// token never reaches the logs.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { signUnsubscribeToken } from '../src/email/unsubscribe-token.js';
import { api } from './support/api.js';
import { createTestApp, testConfig, userToken, type TestContext } from './support/helper.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp({ APP_NAME: 'Acme <Shop>' });
});
afterAll(() => ctx.close());

async function newUser(): Promise<{ userId: string; token: string }> {
  const chatId = await api(ctx.app).chatId(userToken(`u-${randomUUID()}`));
  const [row] = await ctx.database.sql<{ user_id: string }[]>`select user_id from support_chats where id = ${chatId}`;
  return { userId: row!.user_id, token: signUnsubscribeToken(ctx.config.serverSecret, row!.user_id) };
}

async function unsubscribedAt(userId: string): Promise<string | null> {
  const [row] = await ctx.database.sql<{ unsubscribed_at: string | null }[]>`
    select unsubscribed_at from support_users where id = ${userId}`;
  return row!.unsubscribed_at;
}

const oneClick = (token: string) =>
  ctx.app.inject({
    method: 'POST',
    url: `/unsubscribe?token=${encodeURIComponent(token)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });

describe('GET /unsubscribe', () => {
  it('shows a confirmation page with a POST button and changes nothing', async () => {
    const user = await newUser();
    for (let i = 0; i < 2; i++) {
      const res = await ctx.app.inject({ method: 'GET', url: `/unsubscribe?token=${user.token}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.body).toContain(`<form method="post" action="/unsubscribe?token=${user.token}">`);
      expect(res.body).toContain('<button type="submit">Unsubscribe</button>');
      // APP_NAME is escaped like any other text.
      expect(res.body).toContain('Acme &lt;Shop&gt; Support');
      expect(res.body).not.toContain('<Shop>');
    }
    expect(await unsubscribedAt(user.userId)).toBeNull();
  });

  it('says so when the user is already unsubscribed', async () => {
    const user = await newUser();
    expect((await oneClick(user.token)).statusCode).toBe(200);
    const res = await ctx.app.inject({ method: 'GET', url: `/unsubscribe?token=${user.token}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('You are unsubscribed');
    expect(res.body).not.toContain('<form');
  });
});

describe('POST /unsubscribe', () => {
  it('unsubscribes with the one-click body and stays idempotent', async () => {
    const user = await newUser();
    const first = await oneClick(user.token);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('You are unsubscribed');
    const at = await unsubscribedAt(user.userId);
    expect(at).not.toBeNull();

    const again = await oneClick(user.token);
    expect(again.statusCode).toBe(200);
    expect(await unsubscribedAt(user.userId)).toEqual(at);
  });

  it('accepts the confirmation form, multipart one-click and an empty body', async () => {
    const form = await newUser();
    const res = await ctx.app.inject({ method: 'POST', url: `/unsubscribe?token=${form.token}` });
    expect(res.statusCode).toBe(200);
    expect(await unsubscribedAt(form.userId)).not.toBeNull();

    const multipart = await newUser();
    const boundary = 'xYzZY';
    const mp = await ctx.app.inject({
      method: 'POST',
      url: `/unsubscribe?token=${multipart.token}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(mp.statusCode).toBe(200);
    expect(await unsubscribedAt(multipart.userId)).not.toBeNull();
  });

  it('rejects forged, tampered and other-user tokens with a 400 page and unsubscribes nobody', async () => {
    const victim = await newUser();
    const attacker = await newUser();
    const [, attackerMac] = attacker.token.split('.');
    const otherSecret = signUnsubscribeToken('another-server-secret-that-is-long-enough', victim.userId);
    const flipped = victim.token.slice(0, -1) + (victim.token.endsWith('A') ? 'B' : 'A');
    const bad = [
      `${victim.userId}.${attackerMac}`, // the attacker's signature on the victim's id
      otherSecret,
      flipped,
      `${victim.userId}.`,
      victim.userId,
      'not-a-token',
      '',
    ];
    for (const token of bad) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await ctx.app.inject({ method, url: `/unsubscribe?token=${encodeURIComponent(token)}` });
        expect(res.statusCode, `${method} ${token}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.body).toContain('This link is not valid');
      }
    }
    const missing = await ctx.app.inject({ method: 'POST', url: '/unsubscribe' });
    expect(missing.statusCode).toBe(400);
    expect(await unsubscribedAt(victim.userId)).toBeNull();
    expect(await unsubscribedAt(attacker.userId)).toBeNull();
  });

  it('keeps the token out of the request logs', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({
      config: testConfig(ctx.databaseUrl, { LOG_LEVEL: 'info' }),
      database: ctx.database,
      logger: { stream },
    });
    try {
      const user = await newUser();
      await app.inject({ method: 'GET', url: `/unsubscribe?token=${user.token}` });
      await app.inject({ method: 'POST', url: `/unsubscribe?token=${user.token}` });
      await app.inject({ method: 'GET', url: `/unsubscribe?token=${user.token}x` });
      const log = lines.join('');
      expect(log).toContain('/unsubscribe');
      expect(log).not.toContain(user.token.split('.')[1]!);
      expect(log).not.toContain('token=');
    } finally {
      await app.close();
    }
  });
});
