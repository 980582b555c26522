// Entry point for `npm start`: resolves the database (embedded when DATABASE_URL is unset),
// migrates, starts the app, the in-process worker and the local SES emulator, and shuts down cleanly.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDbClient } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrateDatabase } from './db/migrate.js';
import { seedDemoData } from './demo/seed.js';
import { startLocalMailbox, type LocalMailbox } from './email/local-mailbox.js';
import { createSesTransport, type EmailTransport } from './email/ses.js';
import { startWorker, type RunningWorker } from './jobs/worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres();
    databaseUrl = embedded.url;
  }
  await migrateDatabase(databaseUrl);
  const database = createDbClient(databaseUrl);
  const app = await buildApp({ config, database });
  // Demo history goes only into the embedded database, never into one the operator configured.
  if (embedded && config.demo) await seedDemoData(database.db, app.chats);

  let worker: RunningWorker | undefined;
  let mailbox: LocalMailbox | undefined;
  let mailboxTransport: EmailTransport | undefined;

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await worker?.stop();
    mailboxTransport?.close();
    await mailbox?.stop();
    await database.close();
    await embedded?.stop();
  });

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  if (config.worker.inProcess) {
    // Without an SES endpoint outside production, emails go to the local emulator's mailbox page.
    if (!config.email.sesEndpoint && !config.production) {
      mailbox = await startLocalMailbox();
      mailboxTransport = createSesTransport({ region: config.email.region, endpoint: mailbox.endpoint });
    }
    worker = await startWorker({
      connectionString: databaseUrl,
      config: { ...config, port },
      logger: app.log,
      database,
      telemetry: app.metrics,
      ...(mailboxTransport ? { transport: mailboxTransport } : {}),
    });
  }
  const lines = [
    '',
    `  support-chat is running at ${base}`,
    `  database: ${embedded ? `embedded PostgreSQL (${embedded.dataDir})` : 'DATABASE_URL'}`,
    `  API docs: ${base}/docs`,
  ];
  if (config.demo) {
    lines.push(`  demo site (visitor widget): ${base}/`, `  demo support inbox: ${base}/demo/admin`);
  }
  if (mailbox) lines.push(`  emails: local SES emulator, mailbox at ${mailbox.mailboxUrl}`);
  else if (worker) lines.push(`  emails: Amazon SES (${config.email.sesEndpoint ?? config.email.region})`);
  else lines.push('  emails: sent by a separate worker (RUN_WORKER=false; run `npm run worker`)');
  if (config.jwt.devSecret) lines.push('  identity: development JWT secret (set SUPPORT_JWT_SECRET for real use)');
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`support-chat: ${err.message}\n`);
  } else {
    process.stderr.write(`support-chat failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exit(1);
});
