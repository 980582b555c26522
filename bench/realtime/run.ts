// Realtime benchmark (npm run bench:realtime): the full path (auth, validate, insert, NOTIFY,
// fan-out, deliver) against a bare `ws` relay on the same machine, in one run:
//   1. persisted msg/s and send-to-delivered p50/p99 with 1, 10 and 100 concurrent chats;
//   2. memory per idle authenticated connection at 5,000 connections;
//   3. time for 2,000 clients to reconnect and catch up after a server restart.
// Servers run in child processes so their memory is theirs alone. Writes bench/realtime/results.*.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import postgres from 'postgres';
import { migrateDatabase } from '../../server/src/db/migrate.js';
import { benchServerUrl, databaseUrl, markdownTable, round, stopBenchServer, summarize } from '../lib.js';
import { signToken } from '../tokens.js';
import { Client, type Frame } from './harness.js';

const SECONDS_PER_LOAD = Number(process.env.BENCH_SECONDS ?? 5);
const IN_FLIGHT = 4;
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE ?? 5_000);
const RECONNECTS = Number(process.env.BENCH_RECONNECTS ?? 2_000);
const DATABASE = 'bench_realtime';

type Mode = 'app' | 'raw';

interface Server {
  child: ChildProcess;
  url: string;
  mem(): Promise<{ heapUsed: number; rss: number }>;
  close(): Promise<void>;
}

function childEnv(mode: Mode, dbUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MODE: mode, DATABASE_URL: dbUrl, DEMO: 'false', NODE_ENV: 'development' };
  // Bench tokens are signed with the development secret.
  delete env.SUPPORT_JWT_SECRET;
  delete env.SUPPORT_JWT_PUBLIC_KEY;
  return env;
}

async function startServer(mode: Mode, dbUrl: string): Promise<Server> {
  const child = fork(new URL('./server.ts', import.meta.url).pathname, [], {
    env: childEnv(mode, dbUrl),
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (key in message) {
          child.off('message', onMessage);
          resolve(message[key] as T);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
    });
  const port = await reply<number>('port');
  return {
    child,
    url: `ws://127.0.0.1:${port}/ws`,
    async mem() {
      child.send({ cmd: 'mem' });
      return reply('mem');
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ cmd: 'close' });
      await exited;
    },
  };
}


async function inBatches<T>(items: T[], size: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index]!, index);
      }
    }),
  );
}

// 1. Throughput and latency ------------------------------------------------------------------

interface LoadResult {
  chats: number;
  msgPerSec: number;
  p50: number;
  p99: number;
  delivered: number;
}

async function load(mode: Mode, url: string, chats: number, run: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let delivered = 0;
  const pairs = await Promise.all(
    Array.from({ length: chats }, async (_, i) => {
      const sender = new Client();
      const ready = await sender.open(url, signToken(`load-${run}-${i}`));
      const chatId = mode === 'app' ? (ready.chat_id as string) : `00000000-0000-4000-8000-${String(run * 1000 + i).padStart(12, '0')}`;
      const receiver = new Client();
      await receiver.open(url, signToken(`agent-${run}-${i}`, { support_role: 'admin' }));
      const subscribed = receiver.next((f) => f.type === 'subscribed');
      receiver.send({ type: 'subscribe', channel: 'chat', chat_id: chatId });
      await subscribed;
      return { sender, receiver, chatId };
    }),
  );
  const sentAt = new Map<string, number>();
  let stop = false;
  let counter = 0;
  const done: Promise<void>[] = [];
  for (const { sender, receiver, chatId } of pairs) {
    receiver.onFrame = (frame) => {
      if (frame.type !== 'new_message') return;
      const t0 = sentAt.get(frame.message.client_id);
      if (t0 === undefined) return;
      sentAt.delete(frame.message.client_id);
      latencies.push(performance.now() - t0);
      delivered += 1;
    };
    // Each sender keeps IN_FLIGHT sends outstanding: a new send on every ack.
    done.push(
      new Promise((resolve) => {
        let outstanding = 0;
        const sendOne = () => {
          if (stop) {
            if (outstanding === 0) resolve();
            return;
          }
          const clientId = `c${++counter}`;
          sentAt.set(clientId, performance.now());
          outstanding += 1;
          sender.send({ type: 'send_message', chat_id: chatId, client_id: clientId, content: `benchmark message ${counter}` });
        };
        sender.onFrame = (frame) => {
          if (frame.type === 'error') throw new Error(`send failed: ${frame.code} ${frame.message}`);
          if (frame.type !== 'ack') return;
          outstanding -= 1;
          sendOne();
        };
        for (let k = 0; k < IN_FLIGHT; k++) sendOne();
      }),
    );
  }
  const started = performance.now();
  const startDelivered = delivered;
  await new Promise((resolve) => setTimeout(resolve, SECONDS_PER_LOAD * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const count = delivered - startDelivered;
  stop = true;
  await Promise.all(done);
  for (const { sender, receiver } of pairs) {
    sender.ws.terminate();
    receiver.ws.terminate();
  }
  const stats = summarize(latencies);
  return { chats, msgPerSec: count / elapsed, p50: stats.p50, p99: stats.p99, delivered: count };
}

// 2. Idle memory -------------------------------------------------------------------------------

async function idleMemory(server: Server, tokens: string[]): Promise<{ perConnectionHeap: number; perConnectionRss: number; clients: Client[] }> {
  const before = await server.mem();
  const clients: Client[] = [];
  await inBatches(tokens, 100, async (token) => {
    const client = new Client();
    await client.open(server.url, token);
    clients.push(client);
  });
  const after = await server.mem();
  return {
    perConnectionHeap: (after.heapUsed - before.heapUsed) / tokens.length,
    perConnectionRss: (after.rss - before.rss) / tokens.length,
    clients,
  };
}

// 3. Reconnect and catch up after a restart ------------------------------------------------------

async function reconnectAll(url: string, sessions: { token: string; chatId: string; afterSeq: number }[]): Promise<number> {
  const started = performance.now();
  await inBatches(sessions, 200, async (session) => {
    const client = new Client();
    await client.open(url, session.token);
    const subscribed = client.next((f) => f.type === 'subscribed');
    client.send({ type: 'subscribe', channel: 'chat', chat_id: session.chatId, after_seq: session.afterSeq });
    await subscribed;
    client.ws.terminate();
  });
  return (performance.now() - started) / 1000;
}

// ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  const serverUrl = await benchServerUrl();
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${DATABASE} with (force)`);
  await admin.unsafe(`create database ${DATABASE}`);
  await admin.end();
  const dbUrl = databaseUrl(serverUrl, DATABASE);
  await migrateDatabase(dbUrl);
  // Diagnosis knob: shows how much of the full path is the WAL flush of each commit.
  const asyncCommit = process.env.BENCH_ASYNC_COMMIT === '1';
  if (asyncCommit) {
    const setup = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await setup.unsafe(`alter database ${DATABASE} set synchronous_commit = off`);
    await setup.end();
  }
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });

  // Users and chats for the idle and reconnect phases, seeded in bulk.
  await sql`insert into support_users (external_id, email) select 'idle-' || g, 'idle-' || g || '@example.com' from generate_series(1, ${IDLE_CONNECTIONS}) g`;
  await sql`insert into support_chats (user_id) select id from support_users where external_id like 'idle-%'`;
  const idleTokens = Array.from({ length: IDLE_CONNECTIONS }, (_, i) => signToken(`idle-${i + 1}`, { email: `idle-${i + 1}@example.com` }));

  const loads: Record<Mode, LoadResult[]> = { app: [], raw: [] };
  const memory: Record<Mode, { heap: number; rss: number }> = { app: { heap: 0, rss: 0 }, raw: { heap: 0, rss: 0 } };
  const reconnect: Record<Mode, number> = { app: 0, raw: 0 };
  let restartSeconds = 0;

  for (const mode of ['raw', 'app'] as Mode[]) {
    let server = await startServer(mode, dbUrl);
    for (const [run, chats] of [1, 10, 100].entries()) {
      const result = await load(mode, server.url, chats, run);
      loads[mode].push(result);
      console.log(`${mode} ${chats} chats: ${round(result.msgPerSec, 0)} msg/s, p50 ${round(result.p50)} ms, p99 ${round(result.p99)} ms`);
    }
    const idle = await idleMemory(server, idleTokens);
    memory[mode] = { heap: idle.perConnectionHeap, rss: idle.perConnectionRss };
    console.log(`${mode} idle: ${round(idle.perConnectionHeap / 1024)} KiB heap, ${round(idle.perConnectionRss / 1024)} KiB rss per connection`);

    // Restart with RECONNECTS of those clients subscribed; one message each lands while it is down.
    const sessions = await Promise.all(
      idle.clients.slice(0, RECONNECTS).map(async (client, i) => {
        const chatId =
          mode === 'app'
            ? (await sql<{ id: string }[]>`select c.id from support_chats c join support_users u on u.id = c.user_id where u.external_id = ${`idle-${i + 1}`}`)[0]!.id
            : `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
        return { token: idleTokens[i]!, chatId, afterSeq: 0 };
      }),
    );
    const restarted = performance.now();
    const closes = idle.clients.map((client) => client.closed);
    await server.close();
    const codes = await Promise.all(closes);
    if (mode === 'app' && codes.some((code) => code !== 1012)) throw new Error(`expected 1012 closes, got ${[...new Set(codes)]}`);
    if (mode === 'app') {
      await sql`
        with targets as (select c.id from support_chats c join support_users u on u.id = c.user_id
                         where u.external_id like 'idle-%' order by u.external_id limit ${RECONNECTS}),
             bumped as (update support_chats c set last_seq = c.last_seq + 1, last_message_at = now()
                        from targets t where c.id = t.id returning c.id, c.last_seq)
        insert into support_messages (chat_id, seq, client_id, content, sender_type)
        select id, last_seq, 'while-down', 'sent while the server restarted', 'admin' from bumped`;
    }
    server = await startServer(mode, dbUrl);
    restartSeconds = mode === 'app' ? (performance.now() - restarted) / 1000 : restartSeconds;
    reconnect[mode] = await reconnectAll(server.url, sessions);
    console.log(`${mode} reconnect of ${RECONNECTS}: ${round(reconnect[mode])} s`);
    await server.close();
  }
  await sql.end();
  await stopBenchServer();

  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${round(a / b, 2)}x`);
  const table: string[][] = [['Measure', 'support-chat', 'raw ws relay', 'ratio', 'target']];
  for (const [i, app] of loads.app.entries()) {
    const raw = loads.raw[i]!;
    table.push([`msg/s, ${app.chats} chat(s)`, String(round(app.msgPerSec, 0)), String(round(raw.msgPerSec, 0)), ratio(app.msgPerSec, raw.msgPerSec), '>= 1,000']);
    table.push([`p50 / p99 ms, ${app.chats} chat(s)`, `${round(app.p50)} / ${round(app.p99)}`, `${round(raw.p50)} / ${round(raw.p99)}`, ratio(app.p99, raw.p99), 'p99 < 50']);
  }
  table.push([`heap KiB per idle connection (${IDLE_CONNECTIONS})`, String(round(memory.app.heap / 1024)), String(round(memory.raw.heap / 1024)), ratio(memory.app.heap, memory.raw.heap), '< 16']);
  table.push([`RSS KiB per idle connection (${IDLE_CONNECTIONS})`, String(round(memory.app.rss / 1024)), String(round(memory.raw.rss / 1024)), ratio(memory.app.rss, memory.raw.rss), '< 16']);
  table.push([`s to reconnect + catch up ${RECONNECTS} clients`, String(round(reconnect.app)), String(round(reconnect.raw)), ratio(reconnect.app, reconnect.raw), '< 5']);
  const notes = [
    `Each load runs ${SECONDS_PER_LOAD} s; one sending user and one subscribed admin per chat, ${IN_FLIGHT} sends in flight per sender; latency is send -> the admin's new_message.`,
    'The raw relay parses the same frames and fans out in memory: no auth check, no database, no NOTIFY.',
    `Server restart (close with 1012, start a new process, LISTEN) took ${round(restartSeconds, 2)} s before the reconnect clock started.`,
    'Reconnect: each client authenticates, subscribes with after_seq 0 and gets the one message written while the server was down.',
    `Machine: ${process.platform} ${process.arch}, Node ${process.version}; the database is shared with whatever else runs here.`,
    `synchronous_commit: ${asyncCommit ? 'off (BENCH_ASYNC_COMMIT=1, diagnosis only)' : 'on (the default)'}.`,
    `Whole run: ${round((performance.now() - began) / 1000, 1)} s.`,
  ];
  const data = { loads, memory_bytes_per_connection: memory, reconnect_seconds: reconnect, restart_seconds: restartSeconds, measured_at: new Date().toISOString() };
  await mkdir('bench/realtime', { recursive: true });
  await writeFile('bench/realtime/results.json', `${JSON.stringify(data, null, 2)}\n`);
  await writeFile(
    'bench/realtime/results.md',
    ['# Realtime benchmark', '', `Measured ${data.measured_at} by \`npm run bench:realtime\`.`, '', markdownTable(table), '', ...notes.map((n) => `- ${n}`), ''].join('\n'),
  );
  console.log(markdownTable(table));
}

main().catch(async (err) => {
  console.error(err);
  await stopBenchServer();
  process.exit(1);
});
