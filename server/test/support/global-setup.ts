// Prepares one migrated template database per run; each test file clones it (CREATE DATABASE ...
// TEMPLATE) so files never see each other's rows. Uses DATABASE_URL when set, else embedded Postgres.
import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { migrateDatabase } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
    templateDatabase: string;
  }
}

let embedded: EmbeddedDatabase | undefined;

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres(`${process.cwd()}/.data/test-postgres`);
    serverUrl = embedded.url;
  }
  const templateDatabase = `sc_template_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${templateDatabase}`);
  await admin.unsafe(`create database ${templateDatabase}`);
  await admin.end();
  await migrateDatabase(withDatabase(serverUrl, templateDatabase));

  project.provide('serverUrl', serverUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
    const leftovers = await cleanup<{ datname: string }[]>`
      select datname from pg_database where datname like ${`sc_t_${process.pid}_%`} or datname = ${templateDatabase}`;
    for (const { datname } of leftovers) await cleanup.unsafe(`drop database if exists ${datname} with (force)`);
    await cleanup.end();
    await embedded?.stop();
  };
}
