// The email worker keeps working through database trouble: found by the full chaos run, where
// every Postgres connection was dropped while the worker was busy and (1) postgres.js threw an
// uncatchable TypeError that killed the worker process (patched: scripts/patches), and (2)
// graphile-worker shut its runner down for good, leaving 1,340 email jobs behind (supervised now).
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerProcess, type ManagedProcess } from '../../bench/chaos/processes.js';
import { startWorker, restartDelayMs } from '../src/jobs/worker.js';
import { captureLogger, RecordingTransport, type LogLine } from './support/email.js';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/helper.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not done after ${timeoutMs} ms`);
    await sleep(200);
  }
}

describe('email worker under database faults', () => {
  let databaseUrl: string;
  let sql: postgres.Sql;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await dropTestDatabase(databaseUrl);
  });

  /** Reply-email jobs for chats that do not exist: each runs, finds nothing to send and completes. */
  const addJobs = (n: number) =>
    sql`select count(graphile_worker.add_job('send_reply_email', json_build_object('chat_id', gen_random_uuid()::text)))
        from generate_series(1, ${n})`;
  const jobsLeft = async () => {
    const [row] = await sql<{ n: string }[]>`select count(*) as n from graphile_worker._private_jobs`;
    return Number(row!.n);
  };
  const dropConnections = () =>
    sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;

  it('replaces a runner that stopped on its own and keeps running jobs', async () => {
    const logs: LogLine[] = [];
    const transport = new RecordingTransport('http://127.0.0.1:9');
    const worker = await startWorker({
      connectionString: databaseUrl,
      config: testConfig(databaseUrl),
      logger: captureLogger(logs),
      transport,
    });
    try {
      const first = worker.runner;
      // What graphile-worker does after "Could not completeJobs; queue is in an inconsistent state".
      await first.stop();
      await until(async () => worker.restarts === 1, 10_000);
      expect(worker.runner).not.toBe(first);
      expect(logs.some((l) => l.level === 'error' && l.msg?.includes('starting a new one'))).toBe(true);
      await addJobs(50);
      await until(async () => (await jobsLeft()) === 0, 20_000);
    } finally {
      await worker.stop();
      transport.close();
    }
  });

  it('backs off between restarts, up to 30 s', () => {
    expect([0, 1, 2, 5, 6, 20].map(restartDelayMs)).toEqual([500, 1000, 2000, 16_000, 30_000, 30_000]);
  });

  describe('as its own process (`npm run worker`)', () => {
    let worker: ManagedProcess;
    beforeAll(async () => {
      worker = workerProcess({
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'warn',
        SERVER_SECRET: 'worker-resilience-server-secret-0123456789',
        SUPPORT_JWT_SECRET: 'worker-resilience-jwt-secret-0123456789abc',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      });
      await worker.start();
    }, 60_000);
    afterAll(() => worker?.stop(5000));

    it('survives every connection being dropped while busy and finishes every job', async () => {
      for (let round = 0; round < 5; round++) {
        await addJobs(1500);
        await sleep(150 + 100 * round);
        await dropConnections();
        await sleep(1000);
      }
      const log = () => worker.output().slice(-3000);
      await until(async () => {
        if (!worker.running) throw new Error('the worker process exited');
        return (await jobsLeft()) === 0;
      }, 90_000).catch(async (err: Error) => {
        const jobs = await sql`
          select locked_at is not null as locked, attempts, run_at > now() as later, left(last_error, 80) as error, count(*)::int as n
          from graphile_worker._private_jobs group by 1, 2, 3, 4`;
        const sessions = await sql`
          select application_name, state, wait_event_type, wait_event, left(query, 60) as query
          from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
        if (process.env.WORKER_LOG) (await import('node:fs')).writeFileSync(process.env.WORKER_LOG, worker.output());
        throw new Error(`${err.message}: jobs ${JSON.stringify(jobs)}, sessions ${JSON.stringify(sessions)}\n${log()}`);
      });
      if (process.env.WORKER_LOG) (await import('node:fs')).writeFileSync(process.env.WORKER_LOG, worker.output());
      expect(worker.unexpectedExits, log()).toBe(0);
      expect(worker.running).toBe(true);
      expect(worker.output()).not.toMatch(/TypeError|second error, exiting/);
    }, 120_000);
  });
});
