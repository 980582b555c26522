// Entry for `npm run worker`: the job worker as its own process, for deployments that scale it
// apart from the web servers (run those with RUN_WORKER=false). Needs DATABASE_URL.
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from '../config.js';
import { migrateDatabase } from '../db/migrate.js';
import { startLocalMailbox, type LocalMailbox } from '../email/local-mailbox.js';
import { createSesTransport } from '../email/ses.js';
import { startWorker, type WorkerLogger } from './worker.js';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

/** pino-shaped JSON lines on stdout, so the worker's logs read like the server's. */
function jsonLogger(level: string): WorkerLogger {
  const min = LEVELS[level as keyof typeof LEVELS] ?? LEVELS.info;
  const write = (value: number) => (obj: object, msg?: string) => {
    if (value < min) return;
    process.stdout.write(`${JSON.stringify({ level: value, time: Date.now(), name: 'worker', ...obj, msg })}\n`);
  };
  return { error: write(50), warn: write(40), info: write(30), debug: write(20) };
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new ConfigError('DATABASE_URL is required for `npm run worker` (`npm start` runs a worker of its own)');
  }
  const logger = jsonLogger(config.logLevel);
  await migrateDatabase(config.databaseUrl);

  let mailbox: LocalMailbox | undefined;
  if (!config.email.sesEndpoint && !config.production) mailbox = await startLocalMailbox();
  const transport = mailbox ? createSesTransport({ region: config.email.region, endpoint: mailbox.endpoint }) : undefined;
  const worker = await startWorker({ connectionString: config.databaseUrl, config, logger, ...(transport ? { transport } : {}) });

  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err: String(err) }, 'worker shutting down after an error');
    else logger.info({ signal }, 'worker shutting down');
    await worker.stop();
    transport?.close();
    await mailbox?.stop();
  });

  const lines = ['', `  support-chat worker is running (concurrency ${config.worker.concurrency})`];
  if (mailbox) lines.push(`  emails: local SES emulator, mailbox at ${mailbox.mailboxUrl}`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`support-chat worker: ${err.message}\n`);
  else process.stderr.write(`support-chat worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
