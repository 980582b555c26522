// Logs: requests are logged, but the Authorization header, tokens and query strings never are.
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createDbClient, type DbClient } from '../src/db/client.js';
import { api } from './support/api.js';
import { adminToken, createTestDatabase, dropTestDatabase, signToken, testConfig, userToken } from './support/helper.js';

let app: FastifyInstance;
let database: DbClient;
let databaseUrl: string;
const lines: string[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  database = createDbClient(databaseUrl);
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  app = await buildApp({ config: testConfig(databaseUrl), database, logger: { level: 'trace', stream } });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.close();
  await dropTestDatabase(databaseUrl);
});

describe('request logging', () => {
  it('logs requests but never the Authorization header or the token', async () => {
    const user = userToken();
    const admin = adminToken();
    const expired = signToken('late-user', { expiresIn: -60 });
    const http = api(app);
    const before = lines.length;
    await http.get('/api/chat', user);
    await http.send(user, 'hello');
    await http.get('/api/admin/chats', admin);
    await http.get('/api/chat', expired);
    await http.get('/api/chat', 'garbage.token.value');
    await app.inject({ method: 'GET', url: `/api/chat?token=${user}` });
    const visitor = await http.post('/api/visitors');
    await http.get('/api/chat', visitor.json().token);

    const logged = lines.slice(before);
    // The test must see real request logs, or it would pass with logging switched off.
    expect(logged.some((line) => line.includes('"url":"/api/chat"'))).toBe(true);
    expect(logged.length).toBeGreaterThan(8);
    const all = logged.join('\n');
    for (const secret of [user, admin, expired, visitor.json().token]) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.split('.')[2]!); // not even the signature part
    }
    expect(all).not.toContain('garbage.token.value');
    expect(all).not.toMatch(/bearer/i);
    expect(all.toLowerCase()).not.toContain('"authorization"');
  });

  it('logs internal failures without the token', async () => {
    const token = userToken();
    const broken = createDbClient(databaseUrl);
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const failing = await buildApp({ config: testConfig(databaseUrl), database: broken, logger: { level: 'info', stream } });
    await broken.close();
    const before = lines.length;
    const res = await api(failing).get('/api/chat', token);
    expect(res.statusCode).toBe(500);
    const logged = lines.slice(before).join('\n');
    expect(logged).toMatch(/request failed/);
    expect(logged).not.toContain(token);
    expect(logged).not.toMatch(/bearer/i);
    await failing.close();
  });

  it('redacts the Authorization header even when a handler logs the raw request', async () => {
    const token = userToken();
    const before = lines.length;
    const request = { headers: { authorization: `Bearer ${token}`, host: 'x' } };
    app.log.info({ req: request }, 'debug dump');
    app.log.info({ token }, 'token dump');
    const logged = lines.slice(before).join('\n');
    expect(logged).toContain('debug dump');
    expect(logged).not.toContain(token);
  });
});
