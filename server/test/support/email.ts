// Helpers for the reply-email suites: the SES emulator as a mailbox, a transport that also keeps
// the raw MIME (the emulator drops custom headers), a fake SES that fails on purpose, and
// running the real graphile-worker once over due jobs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runOnce } from 'graphile-worker';
import type { Sql } from '../../src/db/client.js';
import { startLocalMailbox, type LocalMailbox } from '../../src/email/local-mailbox.js';
import { createSesTransport, type EmailTransport, type OutgoingEmail } from '../../src/email/ses.js';
import { replyEmailJobKey } from '../../src/jobs/enqueue.js';
import { buildTaskList, graphileLogger, WORKER_PRESET, type WorkerLogger } from '../../src/jobs/worker.js';
import { afterAll, beforeAll } from 'vitest';
import { api, type Api } from './api.js';
import { createTestApp, type ConfigOverrides, type TestContext } from './helper.js';

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export class Mailbox {
  private constructor(readonly local: LocalMailbox) {}

  static async start(): Promise<Mailbox> {
    return new Mailbox(await startLocalMailbox());
  }

  async emails(to?: string): Promise<StoredEmail[]> {
    const res = await fetch(`${this.local.endpoint}/store`);
    const { emails } = (await res.json()) as { emails: StoredEmail[] };
    return to ? emails.filter((e) => e.destination.to.includes(to)) : emails;
  }

  async clear(): Promise<void> {
    await fetch(`${this.local.endpoint}/clear-store`, { method: 'POST' });
  }

  stop(): Promise<void> {
    return this.local.stop();
  }
}

/** The real SES client pointed at `endpoint`; remembers every raw message it was asked to send. */
export class RecordingTransport implements EmailTransport {
  readonly sent: OutgoingEmail[] = [];
  private inner: EmailTransport;

  constructor(endpoint: string) {
    this.inner = createSesTransport({ region: 'us-east-1', endpoint });
  }

  /** Points later sends at another endpoint (e.g. from a failing fake SES to the emulator). */
  retarget(endpoint: string): void {
    this.inner.close();
    this.inner = createSesTransport({ region: 'us-east-1', endpoint });
  }

  send(email: OutgoingEmail) {
    this.sent.push(email);
    return this.inner.send(email);
  }

  rawTo(to: string): string[] {
    return this.sent.filter((e) => e.to === to).map((e) => e.raw);
  }

  close(): void {
    this.inner.close();
  }
}

export type FakeSesMode = 'message-rejected' | 'throttling' | 'service-unavailable' | 'connection-reset';

/** An SES endpoint that answers every request with one failure, as real SES would word it. */
export async function startFakeSes(mode: FakeSesMode): Promise<{ endpoint: string; requests: number; stop(): Promise<void> }> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    req.resume();
    req.on('end', () => {
      if (mode === 'connection-reset') {
        req.socket.destroy();
        return;
      }
      const [status, type, code, message] =
        mode === 'message-rejected'
          ? [400, 'Sender', 'MessageRejected', 'Email address is not verified.']
          : mode === 'throttling'
            ? [400, 'Sender', 'Throttling', 'Maximum sending rate exceeded.']
            : [503, 'Receiver', 'ServiceUnavailable', 'Service is unavailable.'];
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake-1</RequestId></ErrorResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface LogLine {
  level: string;
  msg: string | undefined;
  fields: Record<string, unknown>;
}

export function captureLogger(lines: LogLine[]): WorkerLogger {
  const at = (level: string) => (fields: object, msg?: string) => lines.push({ level, msg, fields: fields as Record<string, unknown> });
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** Runs the real worker once over every due job, with our task list (as `npm start` wires it). */
export async function runDueJobs(ctx: TestContext, transport: EmailTransport, logs: LogLine[] = []): Promise<void> {
  await runOnce({
    connectionString: ctx.databaseUrl,
    taskList: buildTaskList({ db: ctx.database.db, config: ctx.config, transport }),
    logger: graphileLogger(captureLogger(logs)),
    preset: WORKER_PRESET,
  });
}

/** Moves a chat's reply-email jobs (keyed or not) into the past: the delay has elapsed. */
export async function makeDue(sql: Sql, chatId: string): Promise<number> {
  const rows = await sql`
    update graphile_worker._private_jobs j set run_at = now() - interval '1 second'
    from graphile_worker._private_tasks t
    where t.id = j.task_id and t.identifier = 'send_reply_email' and j.payload->>'chat_id' = ${chatId}
    returning j.id`;
  return rows.length;
}

export interface JobRow {
  key: string | null;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_at: Date | null;
}

export async function replyJobs(sql: Sql, chatId: string): Promise<JobRow[]> {
  return sql<JobRow[]>`
    select j.key, j.run_at, j.attempts, j.max_attempts, j.last_error, j.locked_at
    from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'send_reply_email' and j.payload->>'chat_id' = ${chatId}
    order by j.id`;
}

/** A second delivery of the same job (what a retry or a duplicate enqueue looks like). */
export async function addDuplicateJob(sql: Sql, chatId: string): Promise<void> {
  await sql`select graphile_worker.add_job('send_reply_email', json_build_object('chat_id', ${chatId}::text))`;
}

export { replyEmailJobKey };

export interface EmailSuite {
  ctx: TestContext;
  http: Api;
  mailbox: Mailbox;
  transport: RecordingTransport;
}

/**
 * Registers beforeAll / afterAll for an email suite: the app with `overrides`, the SES emulator as
 * a mailbox and a transport that records the raw MIME. The fields are set once beforeAll ran.
 */
export function useEmailSuite(overrides: ConfigOverrides): EmailSuite {
  const suite = {} as EmailSuite;
  beforeAll(async () => {
    suite.ctx = await createTestApp(overrides);
    suite.http = api(suite.ctx.app);
    suite.mailbox = await Mailbox.start();
    suite.transport = new RecordingTransport(suite.mailbox.local.endpoint);
  });
  afterAll(async () => {
    suite.transport?.close();
    await suite.mailbox?.stop();
    await suite.ctx?.close();
  });
  return suite;
}
