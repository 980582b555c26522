// The app's Prometheus metrics: one prom-client Registry per app instance (tests build many apps),
// fed through the Telemetry interface. Names and meanings are listed in docs/operations.md.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Sql } from '../db/client.js';
import type { Telemetry } from './telemetry.js';

export interface Metrics {
  readonly registry: Registry;
  readonly telemetry: Telemetry;
  /** One finished HTTP request; `route` is the route pattern (`/api/admin/chats/:id`), not the URL. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void;
}

export interface MetricsOptions {
  /** The app's postgres.js client: its pool size, and connection states read at scrape time. */
  sql: Sql;
  poolMax: number;
}

/** Seconds, from "same millisecond" to "a reconnect later". */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const CATCH_UP_BUCKETS = [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A scrape must not hang on a sick database. */
const DB_SCRAPE_TIMEOUT_MS = 1_000;

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const sockets = new Gauge({
    name: 'support_chat_ws_open_sockets',
    help: 'Authenticated WebSockets open on this instance, by role',
    labelNames: ['role'] as const,
    registers,
  });
  const stored = new Counter({
    name: 'support_chat_messages_stored_total',
    help: 'Messages stored by this instance (idempotent resends not counted), by sender type',
    labelNames: ['sender_type'] as const,
    registers,
  });
  const delivered = new Counter({
    name: 'support_chat_messages_delivered_total',
    help: 'new_message frames sent to sockets of this instance (live, or replayed on subscribe)',
    labelNames: ['path'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'support_chat_delivery_latency_seconds',
    help: "From a message's created_at (database clock) to its live new_message frame being sent",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const catchUp = new Histogram({
    name: 'support_chat_catch_up_messages',
    help: 'Stored messages replayed to a new chat subscription',
    buckets: CATCH_UP_BUCKETS,
    registers,
  });
  const reconnects = new Counter({
    name: 'support_chat_listener_reconnects_total',
    help: 'Times the LISTEN connection was re-established after a drop (each triggers a catch-up)',
    registers,
  });
  const rateLimited = new Counter({
    name: 'support_chat_rate_limited_total',
    help: 'Requests (http: REST and WebSocket upgrades) and WebSocket frames refused with rate_limited',
    labelNames: ['transport'] as const,
    registers,
  });
  const emailQueued = new Counter({
    name: 'support_chat_email_jobs_queued_total',
    help: 'Reply-email jobs scheduled (one per admin message; a burst shares one job)',
    registers,
  });
  const emailSent = new Counter({
    name: 'support_chat_email_jobs_sent_total',
    help: 'Reply emails SES accepted (counted by the worker that sent them)',
    registers,
  });
  const emailSkipped = new Counter({
    name: 'support_chat_email_jobs_skipped_total',
    help: 'Reply-email jobs that sent nothing, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const emailFailed = new Counter({
    name: 'support_chat_email_jobs_failed_total',
    help: 'Reply-email attempts that failed: retry (will retry), permanent / ambiguous (dropped), error (other)',
    labelNames: ['reason'] as const,
    registers,
  });
  const http = new Histogram({
    name: 'support_chat_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'support_chat_db_pool_max',
    help: "Size of this instance's postgres.js pool (postgres.js exposes no busy/idle counts)",
    registers,
    collect() {
      this.set(options.poolMax);
    },
  });
  new Gauge({
    name: 'support_chat_db_connections',
    help: 'Server connections of application_name support-chat (all instances) in this database, by state',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      this.reset();
      const query = options.sql<{ state: string | null; n: number }[]>`
        select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name = 'support-chat' group by 1`;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), DB_SCRAPE_TIMEOUT_MS);
      });
      try {
        const rows = await Promise.race([query, timeout]);
        for (const row of rows ?? []) this.set({ state: row.state ?? 'unknown' }, row.n);
      } catch {
        // No database: the gauge stays empty and /readyz says why.
      } finally {
        clearTimeout(timer);
      }
    },
  });

  const telemetry: Telemetry = {
    socketOpened: (role) => sockets.inc({ role }),
    socketClosed: (role) => sockets.dec({ role }),
    messageDelivered(createdAt, path) {
      delivered.inc({ path });
      if (path === 'live') latency.observe(Math.max(0, Date.now() - Date.parse(createdAt)) / 1000);
    },
    caughtUp: (messages) => catchUp.observe(messages),
    listenerReconnected: () => reconnects.inc(),
    rateLimited: (transport) => rateLimited.inc({ transport }),
    messageStored(senderType) {
      stored.inc({ sender_type: senderType });
      if (senderType === 'admin') emailQueued.inc();
    },
    emailSent: () => emailSent.inc(),
    emailSkipped: (reason) => emailSkipped.inc({ reason }),
    emailFailed: (reason) => emailFailed.inc({ reason }),
  };
  // Both socket roles show up as 0 before the first connection, so dashboards have a series.
  sockets.set({ role: 'user' }, 0);
  sockets.set({ role: 'admin' }, 0);

  return {
    registry,
    telemetry,
    observeHttp: (method, route, statusCode, seconds) =>
      http.observe({ method, route, status_code: String(statusCode) }, seconds),
  };
}
