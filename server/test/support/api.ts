// Small request helpers for the REST suites: authenticated inject calls and the error-shape check
// every error response must pass (stable code, ref = x-request-id, no stack traces or file paths).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { bearer } from './helper.js';

type Payload = Record<string, unknown> | string | undefined;

export interface Api {
  get(url: string, token?: string): Promise<LightMyRequestResponse>;
  post(url: string, token?: string, payload?: Payload): Promise<LightMyRequestResponse>;
  patch(url: string, token?: string, payload?: Payload): Promise<LightMyRequestResponse>;
  /** Sends a user message through POST /api/chat/messages. */
  send(token: string, content: string, clientId?: string): Promise<LightMyRequestResponse>;
  /** Sends an admin reply through POST /api/admin/chats/:id/messages. */
  reply(token: string, chatId: string, content: string, clientId?: string): Promise<LightMyRequestResponse>;
  /** The caller's chat id (creates the chat). */
  chatId(token: string): Promise<string>;
}

export function api(app: FastifyInstance): Api {
  const headers = (token?: string) => (token ? bearer(token) : {});
  const self: Api = {
    get: (url, token) => app.inject({ method: 'GET', url, headers: headers(token) }),
    post: (url, token, payload) => app.inject({ method: 'POST', url, headers: headers(token), payload }),
    patch: (url, token, payload) => app.inject({ method: 'PATCH', url, headers: headers(token), payload }),
    send: (token, content, clientId = randomUUID()) =>
      self.post('/api/chat/messages', token, { client_id: clientId, content }),
    reply: (token, chatId, content, clientId = randomUUID()) =>
      self.post(`/api/admin/chats/${chatId}/messages`, token, { client_id: clientId, content }),
    async chatId(token) {
      const res = await self.get('/api/chat', token);
      expect(res.statusCode).toBe(200);
      return res.json().chat.id as string;
    },
  };
  return self;
}

/** Matches what a leaked stack trace or source path would look like in a response body. */
export const STACK_LIKE = /\n\s*at |\bat [\w.<>]+ \(|\/work\/|node_modules|\.ts:\d+|\.js:\d+/;

/** Asserts the one error shape: status, code, a message, `ref` equal to the x-request-id header. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: res.statusCode, body: res.body }).toMatchObject({ status });
  const body = res.json() as { error: Record<string, unknown> };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toBeTypeOf('string');
  expect(body.error.ref).toBeTypeOf('string');
  expect(body.error.ref).toBe(res.headers['x-request-id']);
  expect(res.body).not.toMatch(STACK_LIKE);
  return body.error;
}
