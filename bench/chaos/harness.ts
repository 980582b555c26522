// The chaos harness behind `npm run chaos` and server/test/chaos-short.test.ts: two server instances
// and a separate worker as real processes on one database, many simulated visitors and admins on the
// real WebSocket protocol, and faults injected mid-traffic (all Postgres connections dropped, one
// instance SIGKILLed and restarted, random socket cuts, every client reconnecting at once, the
// worker stopped between enqueue and send). Afterwards it checks, from the clients' own logs and
// the database, that nothing was lost, duplicated or reordered and that no email went out twice.
import { createSigner } from 'fast-jwt';
import postgres from 'postgres';
import WebSocket from 'ws';
import { startLocalMailbox } from '../../server/src/email/local-mailbox.js';
import { ChaosClient } from './client.js';
import { freePort, serverProcess, workerProcess, type ManagedProcess } from './processes.js';

export interface ChaosOptions {
  /** A migrated database the run may fill (and whose connections it drops). */
  databaseUrl: string;
  visitors: number;
  admins: number;
  /** Messages written during the traffic phase (visitors and admins together). */
  messages: number;
  /** Length of the traffic phase; faults are placed at fractions of it. */
  durationMs: number;
  /** pg_terminate_backend rounds (at 15% and, for a second one, 65% of the run). */
  connectionDrops: number;
  /** Sockets cut per second at random during traffic. */
  cutsPerSecond: number;
  seed?: number;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'databaseUrl' | 'log'>;
  counts: {
    clients: number;
    messagesWritten: number;
    sendAttempts: number;
    resends: number;
    acked: number;
    ackedAfterResend: number;
    stored: number;
    expectedDeliveries: number;
    delivered: number;
    lost: number;
    duplicated: number;
    duplicateDeliveries: number;
    missingDeliveries: number;
    orderViolations: number;
    unacked: number;
    socketCuts: number;
    reconnects: number;
    closeCodes: Record<string, number>;
    errorFrames: Record<string, number>;
    emailsClaimed: number;
    emailsSent: number;
    emailsInMailbox: number;
    emailsDuplicated: number;
    emailJobsLeft: number;
    processCrashes: number;
  };
  recovery: {
    /** Per fault: ms from the fault to a message crossing both instances (writes + LISTEN). */
    connectionDropMs: number[];
    instanceKill: { clients: number; clientsBackMs: number; restartedMs: number; serveThroughRestartedMs: number };
    massReconnect: { clients: number; allLiveMs: number };
    worker: { stoppedMs: number; jobsWaiting: number; drainedAfterRestartMs: number };
    settleMs: number;
  };
  problems: string[];
  durationMs: number;
}

const ORIGIN = 'http://chaos.test';
const JWT_SECRET = 'chaos-harness-jwt-secret-0123456789abcdef';
const SERVER_SECRET = 'chaos-harness-server-secret-0123456789abcdef';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Set while a run is going: what the clients are doing, for timeout messages. */
let describeClients: (() => string) | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describeClients?.() ?? ''}`);
    await sleep(everyMs);
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const random = mulberry32(options.seed ?? 0x5eed);
  const problems: string[] = [];
  const sign = createSigner({ key: JWT_SECRET, algorithm: 'HS256', expiresIn: 4 * 3600 * 1000 });
  const sql = postgres(options.databaseUrl, { max: 2, onnotice: () => {}, connection: { application_name: 'chaos-harness' } });
  const mailbox = await startLocalMailbox();
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((port) => `ws://127.0.0.1:${port}/ws`);
  const serverEnv: Record<string, string> = {
    NODE_ENV: 'development',
    DATABASE_URL: options.databaseUrl,
    RUN_WORKER: 'false',
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    ALLOWED_ORIGINS: ORIGIN,
    SUPPORT_JWT_SECRET: JWT_SECRET,
    SERVER_SECRET,
    // Every client shares 127.0.0.1 here; in production they come from many addresses.
    WS_CONNECT_RATE_LIMIT: '1000000',
    MESSAGE_RATE_LIMIT: '1000',
    EMAIL_DELAY_SECONDS: '2',
  };
  const servers = ports.map((port, i) => serverProcess(`server-${'AB'[i]}`, port, serverEnv));
  const worker = workerProcess({
    NODE_ENV: 'development',
    DATABASE_URL: options.databaseUrl,
    SES_ENDPOINT: mailbox.endpoint,
    SERVER_SECRET,
    SUPPORT_JWT_SECRET: JWT_SECRET,
    LOG_LEVEL: 'warn',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const processes: ManagedProcess[] = [...servers, worker];
  const clients: ChaosClient[] = [];
  let probeCounter = 0;
  let socketCuts = 0;
  const probeClientIds: string[] = [];

  /** A message from a fresh visitor on `from` reaches a fresh admin on `to`: both instances work. */
  async function probeOnce(from: string, to: string): Promise<boolean> {
    const n = ++probeCounter;
    const sockets: WebSocket[] = [];
    type Frame = Record<string, any>;
    // A socket whose `next` fails as soon as an error frame or a close arrives (no waiting out a timeout).
    const open = (url: string, token: string) =>
      new Promise<{ ws: WebSocket; next: (p: (f: Frame) => boolean) => Promise<Frame> }>((resolve, reject) => {
        const ws = new WebSocket(url, { origin: ORIGIN, perMessageDeflate: false, handshakeTimeout: 3000 });
        sockets.push(ws);
        const frames: Frame[] = [];
        let failed: Error | null = null;
        const waiters = new Set<{ p: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (e: Error) => void }>();
        const fail = (err: Error) => {
          failed ??= err;
          for (const w of waiters) w.reject(err);
          waiters.clear();
          reject(err);
        };
        ws.on('message', (d) => {
          const f = JSON.parse(String(d)) as Frame;
          frames.push(f);
          if (f.type === 'error') return fail(new Error(`error frame ${f.code}`));
          for (const w of [...waiters]) if (w.p(f)) (waiters.delete(w), w.resolve(f));
        });
        ws.on('error', (err) => fail(err));
        ws.on('close', () => fail(new Error('closed')));
        ws.on('open', () => {
          ws.send(JSON.stringify({ type: 'auth', token }));
          resolve({
            ws,
            next: (p) =>
              new Promise((res, rej) => {
                const hit = frames.find(p);
                if (hit) return res(hit);
                if (failed) return rej(failed);
                waiters.add({ p, resolve: res, reject: rej });
              }),
          });
        });
      });
    const attempt = (async () => {
      const visitor = await open(from, sign({ sub: `chaos-probe-v${n}` }));
      const ready = await visitor.next((f) => f.type === 'ready');
      const admin = await open(to, sign({ sub: `chaos-probe-a${n}`, support_role: 'admin' }));
      await admin.next((f) => f.type === 'ready');
      admin.ws.send(JSON.stringify({ type: 'subscribe', channel: 'chat', chat_id: ready.chat_id, after_seq: 0 }));
      await admin.next((f) => f.type === 'subscribed');
      const clientId = `probe-${n}`;
      probeClientIds.push(clientId);
      visitor.ws.send(JSON.stringify({ type: 'send_message', chat_id: ready.chat_id, client_id: clientId, content: `probe ${n}` }));
      await admin.next((f) => f.type === 'new_message' && f.message.client_id === clientId);
      return true;
    })();
    try {
      return await Promise.race([attempt, sleep(10_000).then(() => false)]);
    } catch {
      return false;
    } finally {
      attempt.catch(() => {});
      for (const ws of sockets) ws.terminate();
    }
  }

  async function probeUntilWorking(from: string, to: string, timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      if (await probeOnce(from, to)) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) throw new Error(`no message crossed ${from} -> ${to} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  async function dropConnections(): Promise<number> {
    const [row] = await sql<{ n: string }[]>`
      select count(*) as n from (
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and application_name <> 'chaos-harness'
      ) t`;
    return Number(row?.n ?? 0);
  }

  async function emailJobsLeft(): Promise<number> {
    const [row] = await sql<{ n: string }[]>`
      select count(*) as n from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'send_reply_email' and j.attempts < j.max_attempts`;
    return Number(row?.n ?? 0);
  }

  const allLive = () => clients.every((c) => c.live);
  describeClients = () => {
    const states: Record<string, number> = {};
    for (const c of clients) states[c.state] = (states[c.state] ?? 0) + 1;
    const closes: Record<string, number> = {};
    for (const c of clients) for (const [k, v] of Object.entries(c.closes)) closes[k] = (closes[k] ?? 0) + v;
    return ` (client states ${JSON.stringify(states)}, closes ${JSON.stringify(closes)})`;
  };
  const recovery: ChaosReport['recovery'] = {
    connectionDropMs: [],
    instanceKill: { clients: 0, clientsBackMs: 0, restartedMs: 0, serveThroughRestartedMs: 0 },
    massReconnect: { clients: 0, allLiveMs: 0 },
    worker: { stoppedMs: 0, jobsWaiting: 0, drainedAfterRestartMs: 0 },
    settleMs: 0,
  };

  try {
    log(`starting 2 server instances (${ports.join(', ')}) and the worker`);
    await Promise.all(processes.map((p) => p.start()));

    // Visitors first: admins follow the chats the visitors' ready frames name.
    log(`connecting ${options.visitors} visitors`);
    for (let i = 0; i < options.visitors; i++) {
      clients.push(
        new ChaosClient({
          name: `v${i}`,
          role: 'user',
          token: sign({ sub: `chaos-visitor-${i}`, email: `chaos-visitor-${i}@example.com`, name: `Visitor ${i}` }),
          urls: i % 2 === 0 ? urls : [...urls].reverse(),
          origin: ORIGIN,
          markReadChance: 0.3,
          random,
        }),
      );
    }
    // Visitors arrive in waves of 200 (the mass reconnect later is the all-at-once case).
    for (let i = 0; i < clients.length; i += 200) {
      for (const c of clients.slice(i, i + 200)) c.start();
      await until('a wave of visitors to be live', () => clients.slice(0, i + 200).every((c) => c.live), 180_000);
    }
    const visitorChats = clients.map((c) => c.ownChatId!);
    const adminsFirst = clients.length;
    log(`connecting ${options.admins} admins`);
    for (let i = 0; i < options.admins; i++) {
      // Each chat gets two admins, on different instances where possible.
      const chats = visitorChats.filter((_, k) => k % options.admins === i || k % options.admins === (i + 1) % options.admins);
      clients.push(
        new ChaosClient({
          name: `a${i}`,
          role: 'admin',
          token: sign({ sub: `chaos-admin-${i}`, email: `chaos-admin-${i}@support.example.com`, name: `Agent ${i}`, support_role: 'admin' }),
          urls: i % 2 === 0 ? [...urls].reverse() : urls,
          origin: ORIGIN,
          chatIds: chats,
          adminChannel: i < 2,
          random,
        }),
      );
    }
    for (const c of clients.slice(adminsFirst)) c.start();
    await until('every admin to be live', allLive, 120_000);
    const visitors = clients.slice(0, adminsFirst);
    const admins = clients.slice(adminsFirst);

    // Traffic: a steady stream of writes from random clients, plus random socket cuts.
    let trafficOn = true;
    let written = 0;
    const tickMs = 50;
    const perTick = options.messages / (options.durationMs / tickMs);
    let carry = 0;
    const traffic = setInterval(() => {
      if (!trafficOn) return;
      carry += perTick;
      while (carry >= 1 && written < options.messages) {
        carry -= 1;
        written += 1;
        if (random() < 0.7) visitors[Math.floor(random() * visitors.length)]!.write();
        else {
          const admin = admins[Math.floor(random() * admins.length)]!;
          const chats = admin.followed;
          admin.write(chats[Math.floor(random() * chats.length)]);
        }
      }
    }, tickMs);
    let cutCarry = 0;
    const cutter = setInterval(() => {
      if (!trafficOn) return;
      cutCarry += options.cutsPerSecond / 5;
      while (cutCarry >= 1) {
        cutCarry -= 1;
        const victim = clients[Math.floor(random() * clients.length)]!;
        if (victim.live) {
          victim.cut();
          socketCuts += 1;
        }
      }
    }, 200);

    const trafficStart = Date.now();
    const atTraffic = (fraction: number) => sleep(Math.max(0, trafficStart + fraction * options.durationMs - Date.now()));

    // 1. Every Postgres connection of both instances and the worker is dropped.
    await atTraffic(0.15);
    {
      const t0 = Date.now();
      const n = await dropConnections();
      log(`dropped ${n} Postgres connections`);
      await probeUntilWorking(urls[0]!, urls[1]!);
      await probeUntilWorking(urls[1]!, urls[0]!);
      recovery.connectionDropMs.push(Date.now() - t0);
      log(`  messages cross both instances again after ${Date.now() - t0} ms`);
    }

    // 2. The worker stops while admin replies keep enqueueing email jobs.
    await atTraffic(0.3);
    const workerStoppedAt = Date.now();
    await worker.stop();
    log('worker stopped');

    // 3. Instance B is SIGKILLed mid-traffic and started again.
    await atTraffic(0.45);
    {
      const onB = clients.filter((c) => c.url === urls[1]).map((c) => ({ c, sessions: c.sessionsLive }));
      const t0 = Date.now();
      await servers[1]!.kill();
      log(`instance B killed (SIGKILL) with ${onB.length} clients on it`);
      const restarting = servers[1]!.start().then(() => Date.now() - t0);
      // Random cuts go on meanwhile, so "back" means: had a new live session since the kill.
      recovery.instanceKill.clientsBackMs = await until('the clients of the killed instance to be live again', () => onB.every(({ c, sessions }) => c.sessionsLive > sessions), 120_000);
      recovery.instanceKill.clients = onB.length;
      log(`  all ${onB.length} of its clients live again after ${recovery.instanceKill.clientsBackMs} ms`);
      recovery.instanceKill.restartedMs = await restarting;
      const t1 = Date.now();
      await probeUntilWorking(urls[0]!, urls[1]!);
      recovery.instanceKill.serveThroughRestartedMs = Date.now() - t0;
      log(`  instance B listening after ${recovery.instanceKill.restartedMs} ms, serving after ${Date.now() - t1} ms more`);
    }

    // 4. The worker comes back and sends what waited, once.
    await atTraffic(0.6);
    recovery.worker.stoppedMs = Date.now() - workerStoppedAt;
    recovery.worker.jobsWaiting = await emailJobsLeft();
    const waitingJobs = (await sql<{ id: string }[]>`
      select j.id::text as id from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'send_reply_email'`).map((j) => j.id);
    const workerRestart = Date.now();
    await worker.start();
    log(`worker restarted with ${recovery.worker.jobsWaiting} email jobs waiting`);
    // The jobs that waited while the worker was down: measured until the last of them is done.
    const drained = until(
      'the waiting email jobs to run',
      async () => {
        if (waitingJobs.length === 0) return true;
        const [row] = await sql<{ n: string }[]>`
          select count(*) as n from graphile_worker._private_jobs where id::text in ${sql(waitingJobs)} and attempts < max_attempts`;
        return Number(row?.n ?? 0) === 0;
      },
      180_000,
      250,
    ).then(
      () => Date.now() - workerRestart,
      (err: Error) => {
        problems.push(err.message);
        return -1;
      },
    );

    if (options.connectionDrops > 1) {
      await atTraffic(0.65);
      const t0 = Date.now();
      const n = await dropConnections();
      log(`dropped ${n} Postgres connections again (worker running)`);
      await probeUntilWorking(urls[0]!, urls[1]!);
      await probeUntilWorking(urls[1]!, urls[0]!);
      recovery.connectionDropMs.push(Date.now() - t0);
    }

    // 5. Every client's socket is cut at the same moment: all reconnect at once.
    await atTraffic(0.75);
    {
      const before = clients.map((c) => c.sessionsLive);
      const t0 = Date.now();
      for (const c of clients) c.cut();
      socketCuts += clients.length;
      recovery.massReconnect.clients = clients.length;
      recovery.massReconnect.allLiveMs = await until('every client to be live after the mass reconnect', () => clients.every((c, i) => c.sessionsLive > before[i]!), 180_000);
      log(`${clients.length} clients reconnected at once; all live after ${recovery.massReconnect.allLiveMs} ms`);
    }

    await atTraffic(1);
    trafficOn = false;
    clearInterval(traffic);
    clearInterval(cutter);
    log(`traffic done: ${written} messages written; settling`);

    // Settle: no manual step, just time. Every outbox empties and every follower catches up.
    const settleStart = Date.now();
    const lastSeqs = async () => {
      const rows = await sql<{ id: string; last_seq: string }[]>`select id, last_seq from support_chats`;
      return new Map(rows.map((r) => [r.id, Number(r.last_seq)]));
    };
    try {
      await until(
        'every client to hold every message',
        async () => {
          if (!clients.every((c) => c.live && c.outbox.size === 0)) return false;
          const seqs = await lastSeqs();
          return clients.every((c) => c.followed.every((chatId) => c.chats.get(chatId)!.lastSeq >= (seqs.get(chatId) ?? 0)));
        },
        120_000,
        200,
      );
    } catch (err) {
      problems.push((err as Error).message);
    }
    recovery.settleMs = Date.now() - settleStart;
    try {
      recovery.worker.drainedAfterRestartMs = await drained;
      await until('every email job to run', async () => (await emailJobsLeft()) === 0, 120_000, 250);
    } catch (err) {
      problems.push((err as Error).message);
    }
    for (const c of clients) c.stop();

    // ---- verification, from the clients' logs and the database ----
    type StoredRow = { id: string; chat_id: string; seq: string; client_id: string; content: string };
    const rows = await sql<StoredRow[]>`select id, chat_id, seq, client_id, content from support_messages`;
    const byClientId = new Map<string, StoredRow[]>();
    const byContent = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.chat_id}/${row.client_id}`;
      byClientId.set(key, [...(byClientId.get(key) ?? []), row]);
      byContent.set(row.content, (byContent.get(row.content) ?? 0) + 1);
    }
    const seqs = await lastSeqs();
    let sendAttempts = 0;
    let resends = 0;
    let acked = 0;
    let ackedAfterResend = 0;
    let lost = 0;
    let unacked = 0;
    let written2 = 0;
    const sentKeys = new Set<string>();
    for (const c of clients) {
      for (const entry of c.sent.values()) {
        written2 += 1;
        sendAttempts += entry.attempts;
        resends += Math.max(0, entry.attempts - 1);
        const key = `${entry.chatId}/${entry.clientId}`;
        sentKeys.add(key);
        const stored = byClientId.get(key) ?? [];
        if (entry.ack) {
          acked += 1;
          if (entry.attempts > 1) ackedAfterResend += 1;
          if (stored.length === 0) {
            lost += 1;
            problems.push(`acked ${entry.clientId} is not stored`);
          } else if (stored[0]!.id !== entry.ack.id || Number(stored[0]!.seq) !== entry.ack.seq) {
            problems.push(`acked ${entry.clientId} differs from the stored row`);
          }
        } else {
          unacked += 1;
          if (stored.length === 0) lost += 1;
        }
      }
    }
    let duplicated = 0;
    for (const [content, n] of byContent) {
      if (n > 1) {
        duplicated += n - 1;
        problems.push(`"${content}" is stored ${n} times`);
      }
    }
    for (const row of rows) {
      const key = `${row.chat_id}/${row.client_id}`;
      if (!sentKeys.has(key) && !row.client_id.startsWith('probe-')) problems.push(`stored row nobody sent: ${key}`);
    }
    if (unacked > 0) problems.push(`${unacked} messages never acknowledged`);

    // Delivery: for each follower of each chat, seqs 1..last_seq held once (received or own ack),
    // received in order without a gap inside every session.
    let expectedDeliveries = 0;
    let delivered = 0;
    let duplicateDeliveries = 0;
    let missingDeliveries = 0;
    let orderViolations = 0;
    for (const c of clients) {
      for (const [chatId, chat] of c.chats) {
        const last = seqs.get(chatId) ?? 0;
        expectedDeliveries += last;
        const seen = new Set<number>();
        for (const session of chat.sessions) {
          let previous = session.afterSeq;
          for (const seq of session.seqs) {
            delivered += 1;
            if (seen.has(seq)) duplicateDeliveries += 1;
            seen.add(seq);
            if (seq !== previous + 1) orderViolations += 1;
            previous = seq;
          }
        }
        for (let seq = 1; seq <= last; seq++) {
          if (!seen.has(seq) && !chat.ackedSeqs.has(seq)) missingDeliveries += 1;
        }
      }
    }
    if (duplicateDeliveries) problems.push(`${duplicateDeliveries} messages delivered twice to a subscriber`);
    if (missingDeliveries) problems.push(`${missingDeliveries} deliveries missing`);
    if (orderViolations) problems.push(`${orderViolations} deliveries out of seq order or after a gap`);
    for (const c of clients) for (const u of c.unexpected.slice(0, 5)) problems.push(u);

    // Emails: every admin reply announced at most once; the mailbox holds exactly what was claimed.
    const emails = await sql<{ chat_id: string; to_address: string; from_seq: string; up_to_seq: string; sent_at: Date | null }[]>`
      select chat_id, to_address, from_seq, up_to_seq, sent_at from support_emails order by chat_id, from_seq`;
    let emailsDuplicated = 0;
    const lastUpTo = new Map<string, number>();
    for (const e of emails) {
      const previous = lastUpTo.get(e.chat_id) ?? 0;
      if (Number(e.from_seq) <= previous) {
        emailsDuplicated += 1;
        problems.push(`chat ${e.chat_id}: replies up to seq ${previous} announced twice`);
      }
      lastUpTo.set(e.chat_id, Number(e.up_to_seq));
    }
    const store = (await (await fetch(`${mailbox.endpoint}/store`)).json()) as { emails: { messageId: string; destination: { to: string[] } }[] };
    const mailboxPerAddress = new Map<string, number>();
    for (const m of store.emails) for (const to of m.destination.to) mailboxPerAddress.set(to, (mailboxPerAddress.get(to) ?? 0) + 1);
    const claimedPerAddress = new Map<string, number>();
    for (const e of emails) claimedPerAddress.set(e.to_address, (claimedPerAddress.get(e.to_address) ?? 0) + 1);
    for (const [address, n] of mailboxPerAddress) {
      const claimed = claimedPerAddress.get(address) ?? 0;
      if (n > claimed) {
        emailsDuplicated += n - claimed;
        problems.push(`${address} got ${n} emails for ${claimed} claims`);
      }
    }
    if (new Set(store.emails.map((m) => m.messageId)).size !== store.emails.length) problems.push('an SES message id repeats');
    const jobsLeft = await emailJobsLeft();
    const crashes = processes.reduce((n, p) => n + p.unexpectedExits, 0);
    for (const p of processes) {
      if (p.unexpectedExits > 0) problems.push(`${p.name} exited on its own ${p.unexpectedExits} time(s); its output before:\n${p.output().slice(-1500)}`);
    }
    for (const s of servers) if (!s.running) problems.push(`${s.name} is not running at the end`);

    const sum = (pick: (c: ChaosClient) => Record<string, number>) => {
      const out: Record<string, number> = {};
      for (const c of clients) for (const [k, v] of Object.entries(pick(c))) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    return {
      options: {
        visitors: options.visitors,
        admins: options.admins,
        messages: options.messages,
        durationMs: options.durationMs,
        connectionDrops: options.connectionDrops,
        cutsPerSecond: options.cutsPerSecond,
        seed: options.seed ?? 0x5eed,
      },
      counts: {
        clients: clients.length,
        messagesWritten: written2,
        sendAttempts,
        resends,
        acked,
        ackedAfterResend,
        stored: rows.filter((r) => !r.client_id.startsWith('probe-')).length,
        expectedDeliveries,
        delivered,
        lost,
        duplicated,
        duplicateDeliveries,
        missingDeliveries,
        orderViolations,
        unacked,
        socketCuts,
        reconnects: clients.reduce((n, c) => n + c.connects - 1, 0),
        closeCodes: sum((c) => c.closes),
        errorFrames: sum((c) => c.errors),
        emailsClaimed: emails.length,
        emailsSent: emails.filter((e) => e.sent_at !== null).length,
        emailsInMailbox: store.emails.length,
        emailsDuplicated,
        emailJobsLeft: jobsLeft,
        processCrashes: crashes,
      },
      recovery,
      problems,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    const tails = processes.map((p) => `--- ${p.name}\n${p.output().slice(-3000)}`).join('\n');
    throw new Error(`${(err as Error).message}\n${tails}`, { cause: err });
  } finally {
    for (const c of clients) c.stop();
    await Promise.all(processes.map((p) => p.stop(5000)));
    await mailbox.stop();
    await sql.end({ timeout: 5 });
  }
}

/** The report as Markdown (docs/reliability.md embeds the latest full run). */
export function reportMarkdown(report: ChaosReport): string {
  const c = report.counts;
  const r = report.recovery;
  const o = report.options;
  const codes = (rec: Record<string, number>) =>
    Object.entries(rec)
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none';
  return [
    `Run of ${new Date().toISOString().slice(0, 10)}: ${o.visitors} visitors + ${o.admins} admins, ${o.messages} messages over ${Math.round(o.durationMs / 1000)} s, ` +
      `${o.connectionDrops} connection drop(s), ${o.cutsPerSecond} random socket cuts/s, seed ${o.seed}; whole run ${Math.round(report.durationMs / 1000)} s.`,
    '',
    '| Messages | Count |',
    '| --- | --- |',
    `| written by clients | ${c.messagesWritten} |`,
    `| send attempts (first sends + resends with the same client_id) | ${c.sendAttempts} (${c.resends} resends) |`,
    `| acknowledged | ${c.acked} (${c.ackedAfterResend} only after a resend) |`,
    `| stored | ${c.stored} |`,
    `| deliveries expected (followers × messages) / received as new_message | ${c.expectedDeliveries} / ${c.delivered} |`,
    `| **lost** (acked or sent, not stored) | **${c.lost}** |`,
    `| **duplicated** (stored twice) | **${c.duplicated}** |`,
    `| delivered twice / missing / out of order | ${c.duplicateDeliveries} / ${c.missingDeliveries} / ${c.orderViolations} |`,
    `| never acknowledged at the end | ${c.unacked} |`,
    '',
    '| Faults and recovery | |',
    '| --- | --- |',
    `| socket cuts (random + mass reconnect) / reconnects | ${c.socketCuts} / ${c.reconnects} |`,
    `| close codes seen by clients | ${codes(c.closeCodes)} |`,
    `| error frames seen by clients | ${codes(c.errorFrames)} |`,
    `| all Postgres connections dropped → a message crosses both instances again | ${r.connectionDropMs.map((ms) => `${ms} ms`).join(', ')} |`,
    `| instance SIGKILLed → its ${r.instanceKill.clients} clients live again (on the other instance) | ${r.instanceKill.clientsBackMs} ms |`,
    `| killed instance restarted → listening / serving | ${r.instanceKill.restartedMs} ms / ${r.instanceKill.serveThroughRestartedMs} ms |`,
    `| ${r.massReconnect.clients} clients reconnect at once → all live | ${r.massReconnect.allLiveMs} ms |`,
    `| worker stopped for / email jobs waiting / drained after restart | ${r.worker.stoppedMs} ms / ${r.worker.jobsWaiting} / ${r.worker.drainedAfterRestartMs} ms |`,
    `| traffic stopped → every client holds every message | ${r.settleMs} ms |`,
    `| emails claimed / sent / in the SES emulator / **duplicated** / jobs left | ${c.emailsClaimed} / ${c.emailsSent} / ${c.emailsInMailbox} / **${c.emailsDuplicated}** / ${c.emailJobsLeft} |`,
    `| unexpected process exits | ${c.processCrashes} |`,
    '',
    report.problems.length === 0 ? 'Problems found: none.' : `Problems found:\n${report.problems.map((p) => `- ${p}`).join('\n')}`,
  ].join('\n');
}
