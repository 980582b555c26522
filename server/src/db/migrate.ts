// Applies the committed Drizzle migrations and graphile-worker's own schema, in that order.
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { Logger, runMigrations } from 'graphile-worker';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const quietLogger = new Logger(() => () => {});

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // One migrator at a time when several instances start together.
    await sql`select pg_advisory_lock(727274001)`;
    try {
      await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
      await runMigrations({ connectionString: url, logger: quietLogger });
    } finally {
      await sql`select pg_advisory_unlock(727274001)`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
