// Deleting a user on one instance must not leave another instance serving a cached, deleted user.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api } from './support/api.js';
import { adminToken, bearer, createTestApp, userToken, type TestContext } from './support/helper.js';

let a: TestContext;
let b: TestContext;

beforeAll(async () => {
  a = await createTestApp();
  b = await createTestApp({}, a.databaseUrl);
});
afterAll(async () => {
  await b.close();
  await a.close();
});

it('lets a user deleted through one instance come back on another instead of failing', async () => {
  const sub = `gone-${randomUUID()}`;
  const token = userToken(sub);
  expect((await api(b.app).send(token, 'before the deletion')).statusCode).toBe(201);
  const [row] = await a.database.sql<{ id: string }[]>`select id from support_users where external_id = ${sub}`;

  const deleted = await a.app.inject({
    method: 'DELETE',
    url: `/api/admin/users/${row!.id}`,
    headers: bearer(adminToken()),
    payload: { confirm: row!.id },
  });
  expect(deleted.statusCode).toBe(200);

  // Instance b learns of the deletion through LISTEN; until then it may still hold the old id.
  const deadline = Date.now() + 10_000;
  let res = await b.app.inject({ method: 'GET', url: '/api/chat', headers: bearer(token) });
  while (res.statusCode !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    res = await b.app.inject({ method: 'GET', url: '/api/chat', headers: bearer(token) });
  }
  expect(res.statusCode).toBe(200);
  expect(res.json().messages).toEqual([]);
});
