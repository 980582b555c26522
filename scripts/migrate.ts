// `npm run db:migrate`: applies migrations/ (and graphile-worker's schema) to DATABASE_URL.
import { loadConfig } from '../server/src/config.js';
import { migrateDatabase } from '../server/src/db/migrate.js';

const config = loadConfig();
if (!config.databaseUrl) {
  process.stderr.write('Set DATABASE_URL (npm start migrates the embedded database by itself)\n');
  process.exit(2);
}
await migrateDatabase(config.databaseUrl);
process.stdout.write('migrations applied\n');
