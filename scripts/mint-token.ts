// `npm run token -- --sub alice --email alice@example.com [--name Alice] [--admin] [--ttl 3600]`
// Prints a JWT signed the way an integrator's backend would, with SUPPORT_JWT_SECRET (or the dev
// secret), or with --private-key <pem file> when the server verifies with a public key.
import { createSigner } from 'fast-jwt';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    admin: { type: 'boolean', default: false },
    ttl: { type: 'string', default: '86400' },
    'private-key': { type: 'string' },
  },
});

if (!values.sub) {
  process.stderr.write('usage: npm run token -- --sub <user id> [--email e] [--name n] [--admin] [--ttl seconds]\n');
  process.exit(2);
}
const config = loadConfig();
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  process.stderr.write('--ttl must be a positive number of seconds\n');
  process.exit(2);
}
const claims: Record<string, unknown> = { sub: values.sub };
if (values.email) claims.email = values.email;
if (values.name) claims.name = values.name;
if (values.admin) claims[config.jwt.adminClaim] = config.jwt.adminValue;
if (config.jwt.issuer) claims.iss = config.jwt.issuer;
if (config.jwt.audience) claims.aud = config.jwt.audience;

let sign: (payload: Record<string, unknown>) => string;
if (config.jwt.kind === 'secret') {
  sign = createSigner({ key: config.jwt.secret, algorithm: 'HS256', expiresIn: ttl * 1000 });
  if (config.jwt.devSecret) process.stderr.write('note: signed with the development secret\n');
} else {
  if (!values['private-key']) {
    process.stderr.write('The server verifies with SUPPORT_JWT_PUBLIC_KEY: pass --private-key <pem file>\n');
    process.exit(2);
  }
  sign = createSigner({
    key: readFileSync(values['private-key'], 'utf8'),
    algorithm: config.jwt.algorithms[0],
    expiresIn: ttl * 1000,
  });
}
process.stdout.write(`${sign(claims)}\n`);
