// Who is calling: verifies integrator JWTs (pinned algorithms, exp required, iss/aud when set) and
// the server's own visitor tokens, through @fastify/jwt, and turns either into an Identity.
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    namespaces: 'integrator' | 'visitor';
  }
}

export interface Identity {
  /** The token's subject: integrator user id, or `visitor:<random>`. */
  sub: string;
  role: 'user' | 'admin';
  email: string | null;
  name: string | null;
  /** Expiry, seconds since the epoch. */
  exp: number;
  visitor: boolean;
}

export const VISITOR_ISSUER = 'support-chat/visitor';

export interface IdentityVerifier {
  verify(token: string): Identity;
  issueVisitorToken(): { token: string; expiresAt: Date };
}

declare module 'fastify' {
  interface FastifyInstance {
    identity: IdentityVerifier;
  }
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function claimString(payload: Record<string, unknown>, key: string, max: number): string | null {
  const value = payload[key];
  if (typeof value !== 'string') return null;
  // Postgres text cannot hold NUL bytes: drop them rather than fail every request of this user.
  const trimmed = value.replace(/\u0000/g, '').trim();
  return trimmed && trimmed.length <= max ? trimmed : null;
}

/** Maps fast-jwt's failures to our stable codes without echoing token contents. */
function toAuthError(err: unknown): AppError {
  const code = (err as { code?: string }).code ?? '';
  switch (code) {
    case 'FAST_JWT_EXPIRED':
      return new AppError('token_expired', 'The token has expired');
    case 'FAST_JWT_INACTIVE':
      return new AppError('token_invalid', 'The token is not valid yet');
    case 'FAST_JWT_MISSING_REQUIRED_CLAIM':
      return new AppError('token_invalid', 'The token lacks a required claim (sub, exp, and iss / aud when configured)');
    case 'FAST_JWT_INVALID_CLAIM_VALUE':
      return new AppError('token_invalid', 'The token has the wrong issuer or audience');
    case 'FAST_JWT_INVALID_ALGORITHM':
    case 'FAST_JWT_MISSING_SIGNATURE':
      return new AppError('token_invalid', 'The token is signed with an algorithm that is not accepted');
    case 'FAST_JWT_INVALID_SIGNATURE':
      return new AppError('token_invalid', 'The token signature is invalid');
    default:
      return new AppError('token_invalid', 'The token is malformed');
  }
}

function identityPlugin(app: FastifyInstance, opts: { config: Config }, done: (err?: Error) => void): void {
  const { config } = opts;
  const { jwt } = config;
  app.register(fastifyJwt, {
    namespace: 'integrator',
    secret: jwt.kind === 'secret' ? jwt.secret : { public: jwt.publicKey },
    verify: {
      algorithms: [...jwt.algorithms],
      // fast-jwt checks allowedIss / allowedAud only when the claim is present: require it too.
      requiredClaims: ['sub', 'exp', ...(jwt.issuer ? ['iss'] : []), ...(jwt.audience ? ['aud'] : [])],
      ...(jwt.issuer ? { allowedIss: jwt.issuer } : {}),
      ...(jwt.audience ? { allowedAud: jwt.audience } : {}),
      clockTolerance: 5,
    },
  });
  app.register(fastifyJwt, {
    namespace: 'visitor',
    secret: config.serverSecret,
    sign: { algorithm: 'HS256', iss: VISITOR_ISSUER, expiresIn: config.visitorTokenTtlSeconds * 1000 },
    verify: { algorithms: ['HS256'], allowedIss: VISITOR_ISSUER, requiredClaims: ['sub', 'exp'] },
  });

  app.after((err) => {
    if (err) return;
    const integrator = app.jwt.integrator;
    const visitor = app.jwt.visitor;
    const verifier: IdentityVerifier = {
      verify(token) {
        if (typeof token !== 'string' || token.length === 0) {
          throw new AppError('token_missing', 'A token is required');
        }
        if (token.length > 8192) throw new AppError('token_invalid', 'The token is too large');
        let header: { iss?: unknown } | null = null;
        try {
          header = visitor.decode<{ iss?: unknown }>(token);
        } catch {
          throw new AppError('token_invalid', 'The token is malformed');
        }
        const isVisitor = header?.iss === VISITOR_ISSUER;
        if (isVisitor && !config.anonymousVisitors) {
          throw new AppError('anonymous_disabled', 'Anonymous visitors are disabled on this server');
        }
        let payload: Record<string, unknown>;
        try {
          payload = (isVisitor ? visitor : integrator).verify<Record<string, unknown>>(token);
        } catch (verifyErr) {
          throw toAuthError(verifyErr);
        }
        const sub = payload.sub;
        if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255 || sub.includes('\u0000')) {
          throw new AppError('token_invalid', 'The token subject is invalid');
        }
        if (!isVisitor && sub.startsWith('visitor:')) {
          throw new AppError('token_invalid', 'The subject prefix visitor: is reserved');
        }
        const email = isVisitor ? null : claimString(payload, 'email', 254);
        return {
          sub,
          // Visitor tokens never carry a role: only the integrator's signature can make an admin.
          role: !isVisitor && payload[jwt.adminClaim] === jwt.adminValue ? 'admin' : 'user',
          email: email && EMAIL_PATTERN.test(email) ? email.toLowerCase() : null,
          name: isVisitor ? null : claimString(payload, 'name', 120),
          exp: Number(payload.exp),
          visitor: isVisitor,
        };
      },
      issueVisitorToken() {
        const sub = `visitor:${randomBytes(16).toString('base64url')}`;
        const token = visitor.sign({ sub });
        const expiresAt = new Date(Date.now() + config.visitorTokenTtlSeconds * 1000);
        return { token, expiresAt };
      },
    };
    app.decorate('identity', verifier);
  });
  done();
}

export default fp(identityPlugin, { name: 'identity' });

/** Reads `Authorization: Bearer <token>`; tokens are never accepted from the URL. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw new AppError('token_missing', 'Send the token as Authorization: Bearer <token>');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new AppError('token_missing', 'Send the token as Authorization: Bearer <token>');
  return match[1];
}
