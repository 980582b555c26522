// Starts graphile-worker from code with our task list: inside the server (RUN_WORKER) or on its own
// (`npm run worker`). Stopping waits for running jobs and leaves none locked.
import { EventEmitter } from 'node:events';
import { Logger, parseCronItems, run, type ParsedCronItem, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { Config } from '../config.js';
import { createDbClient, type DbClient } from '../db/client.js';
import { createSesTransport, type EmailTransport } from '../email/ses.js';
import { REPLY_EMAIL_TASK } from './enqueue.js';
import { createRetentionCleanup, RETENTION_SCHEDULE, RETENTION_TASK } from './tasks/retention_cleanup.js';
import { createSendReplyEmail, type SendReplyEmailDeps } from './tasks/send_reply_email.js';

/** The part of pino (Fastify's logger) the worker writes to. */
export interface WorkerLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** graphile-worker's logger, writing structured lines to pino. */
export function graphileLogger(logger: WorkerLogger): Logger {
  return new Logger((scope) => (level, message, meta) => {
    // graphile-worker attaches the whole job row to some lines; its id and attempt are enough.
    const { job, ...rest } = (meta ?? {}) as { job?: { id?: string; attempts?: number } };
    const fields = { worker: scope, ...rest, ...(job ? { jobId: job.id, attempts: job.attempts } : {}) };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else if (level === 'info') logger.info(fields, message);
    else logger.debug(fields, message);
  });
}

export function buildTaskList(deps: SendReplyEmailDeps): TaskList {
  return { [REPLY_EMAIL_TASK]: createSendReplyEmail(deps), [RETENTION_TASK]: createRetentionCleanup(deps) };
}

/** The retention job, daily, only when RETENTION_DAYS is set; several workers still run it once. */
export function cronItems(config: Config): ParsedCronItem[] {
  if (!config.retentionDays) return [];
  return parseCronItems([
    {
      task: RETENTION_TASK,
      identifier: RETENTION_TASK,
      match: RETENTION_SCHEDULE,
      options: { backfillPeriod: 0, maxAttempts: 3, jobKey: RETENTION_TASK },
    },
  ]);
}

/**
 * Batch completions with no delay. With graphile-worker 0.18's default (-1, unbatched), stop()
 * resolved while a finishing job was still locked (measured: 5 of 5 stops mid-job, 3 of 5 right
 * after a job) and it would wait 4 hours to be retried; with 0 the batch is flushed on stop (0 of 20).
 */
export const WORKER_PRESET = { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } };

export interface StartWorkerOptions {
  connectionString: string;
  config: Config;
  logger: WorkerLogger;
  /** The app's connection pool, when running in-process; otherwise the worker opens its own. */
  database?: DbClient;
  /** Defaults to SES from config (SES_ENDPOINT, AWS_REGION, standard AWS credentials). */
  transport?: EmailTransport;
  /** The app's metrics when running in-process. */
  telemetry?: SendReplyEmailDeps['telemetry'];
}

export interface RunningWorker {
  /** The graphile-worker runner now running (replaced when one dies; see startWorker). */
  readonly runner: Runner;
  /** How many times a runner died and was replaced. */
  readonly restarts: number;
  /** Finishes running jobs, releases the rest and closes what the worker opened. */
  stop(): Promise<void>;
}

/** How long a runner shutting down on its own may take before it is replaced anyway. */
const SHUTDOWN_WAIT_MS = 10_000;

/** Waits before starting a replacement runner: 0.5 s doubling to 30 s, back to 0.5 s after a minute up. */
export function restartDelayMs(failuresInARow: number): number {
  return Math.min(30_000, 500 * 2 ** Math.min(failuresInARow, 6));
}

/**
 * Starts graphile-worker and keeps it running. graphile-worker 0.18 shuts its whole pool down when
 * a database call fails past its retries (a job's completion could not be recorded, or a worker's
 * job fetch threw): measured with every connection dropped mid-batch, the pool stopped and 1,340
 * email jobs waited forever. Before a new runner starts (after a backoff, until the database
 * answers again), the jobs the dead one still held are unlocked: the ones whose completion it could
 * not record would otherwise wait graphile-worker's 4-hour lock timeout. They run again, which the
 * tasks allow (send_reply_email claims under a row lock and sends nothing twice). A pool that
 * starts shutting down on its own and has not finished after SHUTDOWN_WAIT_MS is replaced as well:
 * in the same test its shutdown sometimes hung for good with no query in flight (compare
 * graphile/worker#592).
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, logger } = options;
  const ownDatabase = options.database ? undefined : createDbClient(options.connectionString, { max: config.worker.concurrency + 1 });
  const database = options.database ?? ownDatabase!;
  const transport =
    options.transport ?? createSesTransport({ region: config.email.region, endpoint: config.email.sesEndpoint });
  // Our own pool, ended before stop() resolves: graphile-worker's own is ended without waiting and
  // loses its error handler, so a database going down right after (the embedded one on Ctrl-C)
  // crashed the process with 57P01 from a closing idle client.
  const pgPool = new pg.Pool({ connectionString: options.connectionString, max: config.worker.concurrency + 2 });
  // Only code and message: the error carries the whole pg client (buffers, parsed statements).
  const onConnectionError = (err: Error & { code?: string }) =>
    logger.warn({ err: { code: err.code, message: err.message } }, 'worker database connection lost');
  pgPool.on('error', onConnectionError);
  pgPool.on('connect', (client) => client.on('error', onConnectionError));
  // The pool ids of every runner started: they are what `locked_by` holds on the jobs it took.
  const events: WorkerEvents = new EventEmitter();
  let poolIds: string[] = [];
  events.on('pool:create', ({ workerPool }) => poolIds.push(workerPool.id));
  // A pool that starts shutting down on its own gets a while to finish, then counts as dead: seen
  // hanging for good after its connections were dropped, with no query in flight.
  const watchdogs = new Map<string, () => void>();
  events.on('pool:gracefulShutdown', ({ workerPool }) => watchdogs.get(workerPool.id)?.());
  const runnerOptions = {
    pgPool,
    events,
    concurrency: config.worker.concurrency,
    // The server (or worker-main) owns SIGINT/SIGTERM and calls stop().
    noHandleSignals: true,
    logger: graphileLogger(logger),
    taskList: buildTaskList({ db: database.db, config, transport, ...(options.telemetry ? { telemetry: options.telemetry } : {}) }),
    parsedCronItems: cronItems(config),
    preset: WORKER_PRESET,
  };
  const closeOwned = async () => {
    await pgPool.end();
    if (!options.transport) transport.close();
    await ownDatabase?.close();
  };

  let runner: Runner;
  try {
    runner = await run(runnerOptions);
  } catch (err) {
    await closeOwned();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  let restarts = 0;
  let failuresInARow = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const supervise = (current: Runner) => {
    const startedAt = Date.now();
    const runnerPoolIds = poolIds;
    poolIds = [];
    let ended = false;
    const died = (reason: unknown) => {
      if (stopping) return;
      const delay = restartDelayMs(failuresInARow++);
      logger.error({ err: String(reason), restartInMs: delay }, 'job runner stopped on its own; starting a new one');
      const restart = async () => {
        restartTimer = undefined;
        if (stopping) return;
        try {
          if (runnerPoolIds.length > 0) {
            await pgPool.query('select graphile_worker.force_unlock_workers($1::text[])', [runnerPoolIds]);
            runnerPoolIds.length = 0;
          }
          const next = await run(runnerOptions);
          if (stopping) return void (await next.stop().catch(() => {}));
          restarts += 1;
          runner = next;
          logger.warn({ restarts }, 'job runner restarted');
          supervise(next);
        } catch (err) {
          died(err);
        }
      };
      restartTimer = setTimeout(() => void restart(), delay);
    };
    const end = (reason: unknown) => {
      if (ended) return;
      ended = true;
      for (const id of runnerPoolIds) watchdogs.delete(id);
      if (Date.now() - startedAt > 60_000) failuresInARow = 0; // it ran well for a while: start over quickly
      died(reason);
    };
    const watchdog = () => {
      if (stopping) return;
      setTimeout(() => {
        if (ended || stopping) return;
        void current.kill('shutdown did not finish').catch(() => {});
        end(`the runner did not finish shutting down within ${SHUTDOWN_WAIT_MS} ms`);
      }, SHUTDOWN_WAIT_MS).unref();
    };
    for (const id of runnerPoolIds) watchdogs.set(id, watchdog);
    current.promise.then(() => end('the runner finished'), end);
  };
  supervise(runner);

  return {
    get runner() {
      return runner;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopping ??= (async () => {
        if (restartTimer) clearTimeout(restartTimer);
        // A runner wedged in its own shutdown would never finish stopping: wait a bounded time.
        const stopped = runner.stop().catch((err: unknown) => logger.warn({ err: String(err) }, 'job runner stopped with an error'));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)))]);
        clearTimeout(timer);
        await closeOwned();
      })();
      return stopping;
    },
  };
}
