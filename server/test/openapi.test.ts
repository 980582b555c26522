// The OpenAPI document and docs page are generated from the route schemas: every REST route is in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/helper.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

describe('API documentation', () => {
  it('serves an OpenAPI document listing every REST route with its security', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/chat',
        'GET /api/chat/messages',
        'POST /api/chat/messages',
        'POST /api/chat/read',
        'PATCH /api/chat/contact',
        'POST /api/visitors',
        'GET /api/admin/chats',
        'GET /api/admin/chats/{id}',
        'POST /api/admin/chats/{id}/messages',
        'POST /api/admin/chats/{id}/archive',
        'POST /api/admin/chats/{id}/unarchive',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
    expect(doc.paths['/api/admin/chats'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/chat/messages'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });

  it('serves a docs page', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
