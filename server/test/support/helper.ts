// Builds the real app against a fresh clone of the migrated template database, and mints tokens.
import type { FastifyInstance } from 'fastify';
import { createSigner } from 'fast-jwt';
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.js';
import { DEV_JWT_SECRET, loadConfig, type Config } from '../../src/config.js';
import { createDbClient, type DbClient } from '../../src/db/client.js';
import { withDatabase } from './global-setup.js';

export interface TestContext {
  app: FastifyInstance;
  config: Config;
  database: DbClient;
  databaseUrl: string;
  close(): Promise<void>;
}

export type ConfigOverrides = Record<string, string | number | boolean | undefined>;

/** A new database cloned from the migrated template; dropped by `dropTestDatabase`. */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = inject('serverUrl');
  const template = inject('templateDatabase');
  const name = `${template.replace('sc_template_', 'sc_t_')}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = postgres(inject('serverUrl'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

export function testConfig(databaseUrl: string, overrides: ConfigOverrides = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    ALLOWED_ORIGINS: 'http://site.test',
    SUPPORT_JWT_SECRET: undefined,
    SUPPORT_JWT_PUBLIC_KEY: undefined,
    SUPPORT_JWT_ISSUER: undefined,
    SUPPORT_JWT_AUDIENCE: undefined,
    ...overrides,
  });
}

export async function createTestApp(overrides: ConfigOverrides = {}, databaseUrl?: string): Promise<TestContext> {
  const url = databaseUrl ?? (await createTestDatabase());
  const config = testConfig(url, overrides);
  const database = createDbClient(url);
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  return {
    app,
    config,
    database,
    databaseUrl: url,
    async close() {
      await app.close();
      await database.close();
      if (!databaseUrl) await dropTestDatabase(url);
    },
  };
}

export interface TokenOptions {
  secret?: string;
  algorithm?: 'HS256' | 'HS384' | 'RS256' | 'ES256';
  key?: string;
  /** Seconds from now; negative for an expired token; null for no exp claim. */
  expiresIn?: number | null;
  claims?: Record<string, unknown>;
}

export function signToken(sub: string | null, options: TokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { iat: now, ...options.claims };
  if (sub !== null) payload.sub = sub;
  if (options.expiresIn !== null) payload.exp = now + (options.expiresIn ?? 3600);
  const sign = createSigner({
    key: options.key ?? options.secret ?? DEV_JWT_SECRET,
    algorithm: options.algorithm ?? 'HS256',
  });
  return sign(payload);
}

export function userToken(sub = `user-${randomUUID()}`, claims: Record<string, unknown> = {}): string {
  return signToken(sub, { claims: { email: `${sub}@example.com`, ...claims } });
}

export function adminToken(sub = `admin-${randomUUID()}`, claims: Record<string, unknown> = {}): string {
  return signToken(sub, { claims: { email: `${sub}@support.example.com`, name: 'Agent Smith', support_role: 'admin', ...claims } });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
