// Route guards: resolve the bearer token to an Identity and a support_users row, once per request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { UserRef } from '../services/user-service.js';
import { bearerToken, type Identity } from './identity.js';

export interface Caller {
  identity: Identity;
  user: UserRef;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** Accepts users, visitors and admins. */
export async function requireCaller(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const app = request.server;
  const identity = app.identity.verify(bearerToken(request.headers.authorization));
  const user = await app.users.ensureUser(identity);
  request.caller = { identity, user };
}

/** Accepts admins only; everyone else gets 403 (after a valid token) or 401. */
export async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await requireCaller(request, reply);
  if (request.caller?.identity.role !== 'admin') {
    throw new AppError('forbidden', 'This route is for support admins');
  }
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new AppError('unauthorized', 'Not authenticated');
  return request.caller;
}
