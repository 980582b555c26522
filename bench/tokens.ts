// Tokens for benchmarks, signed with the development secret the bench servers run with.
import { createSigner } from 'fast-jwt';
import { DEV_JWT_SECRET } from '../server/src/config.js';

const sign = createSigner({ key: DEV_JWT_SECRET, algorithm: 'HS256', expiresIn: 6 * 60 * 60 * 1000 });

export function signToken(sub: string, claims: Record<string, unknown> = {}): string {
  return sign({ sub, ...claims });
}
