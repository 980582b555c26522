// Demo identities for `npm start`: the sample site's users and support agents, with tokens signed
// by the development key. Only reachable when demo mode is on (never in production).
import { createSigner } from 'fast-jwt';
import type { Config } from '../config.js';

export const DEMO_PEOPLE = {
  alice: { sub: 'demo-alice', email: 'alice@example.com', name: 'Alice Martin', admin: false },
  bob: { sub: 'demo-bob', email: 'bob@example.com', name: 'Bob Okafor', admin: false },
  agent: { sub: 'demo-agent-sam', email: 'sam@acme.example', name: 'Sam (Support)', admin: true },
  agent2: { sub: 'demo-agent-lee', email: 'lee@acme.example', name: 'Lee (Support)', admin: true },
} as const;

export type DemoPerson = keyof typeof DEMO_PEOPLE;

const TOKEN_TTL_SECONDS = 60 * 60;

export function demoTokenSigner(config: Config): ((person: DemoPerson) => { token: string; expires_in: number }) | null {
  if (config.jwt.kind !== 'secret') return null;
  const sign = createSigner({ key: config.jwt.secret, algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS * 1000 });
  return (person) => {
    const p = DEMO_PEOPLE[person];
    const claims: Record<string, unknown> = { sub: p.sub, email: p.email, name: p.name };
    if (p.admin) claims[config.jwt.adminClaim] = config.jwt.adminValue;
    if (config.jwt.issuer) claims.iss = config.jwt.issuer;
    if (config.jwt.audience) claims.aud = config.jwt.audience;
    return { token: sign(claims), expires_in: TOKEN_TTL_SECONDS };
  };
}
