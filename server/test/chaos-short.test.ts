// The short chaos run in `npm test` (the full one is `npm run chaos`): two real server instances and
// a worker on one database, tens of clients, one dropped set of Postgres connections, one SIGKILLed
// instance, random socket cuts, a mass reconnect and a stopped worker. Nothing may be lost or doubled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportMarkdown, runChaos, type ChaosReport } from '../../bench/chaos/harness.js';
import { createTestDatabase, dropTestDatabase } from './support/helper.js';

let databaseUrl: string;
let report: ChaosReport;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  report = await runChaos({
    databaseUrl,
    visitors: 30,
    admins: 4,
    messages: 400,
    durationMs: 14_000,
    connectionDrops: 1,
    cutsPerSecond: 3,
    seed: 42,
  });
  console.log(reportMarkdown(report));
}, 150_000);
afterAll(() => dropTestDatabase(databaseUrl));

describe('chaos (short run)', () => {
  it('stores every message once, acknowledged or resent, and loses none', () => {
    const c = report.counts;
    expect(c.messagesWritten).toBeGreaterThan(300);
    expect(c.lost).toBe(0);
    expect(c.duplicated).toBe(0);
    expect(c.unacked).toBe(0);
    expect(c.acked).toBe(c.messagesWritten);
    expect(c.stored).toBe(c.messagesWritten);
  });

  it('delivers every message once, in seq order, to every subscriber', () => {
    const c = report.counts;
    expect(c.duplicateDeliveries).toBe(0);
    expect(c.missingDeliveries).toBe(0);
    expect(c.orderViolations).toBe(0);
    expect(c.delivered).toBeGreaterThan(0);
  });

  it('actually hit the clients with the faults', () => {
    const c = report.counts;
    expect(c.socketCuts).toBeGreaterThan(report.counts.clients);
    expect(c.reconnects).toBeGreaterThanOrEqual(c.socketCuts);
    expect(report.recovery.connectionDropMs).toHaveLength(1);
    expect(report.recovery.worker.jobsWaiting).toBeGreaterThan(0);
  });

  it('recovers without a manual step and sends no email twice', () => {
    expect(report.problems).toEqual([]);
    expect(report.counts.processCrashes).toBe(0);
    expect(report.counts.emailsDuplicated).toBe(0);
    expect(report.counts.emailsInMailbox).toBeGreaterThan(0);
    expect(report.counts.emailJobsLeft).toBe(0);
  });
});
