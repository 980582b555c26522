// The real support-chat server for browser tests: buildApp against a fresh database (DATABASE_URL
// when set, else an embedded Postgres), on a free port, with stop/start to test reconnects and a
// token minter. Loaded by the wtr plugin in support-server-plugin.mjs (through tsx).
import { createSigner } from 'fast-jwt';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { buildApp } from '../../server/src/app.js';
import { DEV_JWT_SECRET, loadConfig } from '../../server/src/config.js';
import { createDbClient, type DbClient } from '../../server/src/db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/src/db/embedded.js';
import { migrateDatabase } from '../../server/src/db/migrate.js';

export interface SupportServer {
  url: string;
  running(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  token(sub: string, options?: { admin?: boolean; expiresIn?: number; name?: string }): string;
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startSupportServer(): Promise<SupportServer> {
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres(resolve('.data/wtr-postgres'));
    adminUrl = embedded.url;
  }
  const name = `sc_wtr_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, name);
  await migrateDatabase(databaseUrl);

  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    ALLOWED_ORIGINS: '*',
    SUPPORT_JWT_SECRET: undefined,
    SUPPORT_JWT_PUBLIC_KEY: undefined,
    SUPPORT_JWT_ISSUER: undefined,
    SUPPORT_JWT_AUDIENCE: undefined,
    RUN_WORKER: false,
    // Browser tests open many sockets and send many replies from one address and one agent.
    WS_CONNECT_RATE_LIMIT: 10_000,
    MESSAGE_RATE_LIMIT: 10_000,
  });
  let database: DbClient | null = null;
  let app: FastifyInstance | null = null;

  const server: SupportServer = {
    url: `http://127.0.0.1:${port}`,
    running: () => app !== null,
    async start() {
      if (app) return;
      database = createDbClient(databaseUrl);
      app = await buildApp({ config, database, logger: false });
      await app.listen({ port, host: '127.0.0.1' });
    },
    async stop() {
      const current = app;
      app = null;
      await current?.close();
      await database?.close();
      database = null;
    },
    token(sub, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const sign = createSigner({ key: DEV_JWT_SECRET, algorithm: 'HS256' });
      return sign({
        sub,
        iat: now,
        exp: now + (options.expiresIn ?? 3600),
        email: `${sub}@example.com`,
        ...(options.name ? { name: options.name } : {}),
        ...(options.admin ? { support_role: 'admin', name: options.name ?? 'Sam from Support' } : {}),
      });
    },
    async close() {
      await server.stop();
      const cleanup = postgres(adminUrl!, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
      await embedded?.stop();
    },
  };
  await server.start();
  return server;
}
