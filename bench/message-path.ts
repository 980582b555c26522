// Message path: the real app (visitor -> auth'd socket -> insert + NOTIFY -> hub -> agent) against
// (a) a raw `ws` relay with the same frames and (b) a bare postgres.js INSERT loop, at 1 / 10 / 100 /
// 1,000 concurrent chats, at a fixed offered load, and across two instances (LISTEN/NOTIFY fan-out).
import postgres from 'postgres';
import { migrateDatabase } from '../server/src/db/migrate.js';
import { round, summarize } from './lib.js';
import { load, startServer, type LoadResult, type Server, type ServerOptions } from './realtime/harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return url.toString();
}

/** The bare-insert baseline: `writers` concurrent loops of one INSERT each, pool of 10 like the app. */
export async function insertLoop(dbUrl: string, writers: number, seconds: number, tag: string, rate?: number): Promise<LoadResult> {
  const sql = postgres(dbUrl, { max: 10, onnotice: () => {} });
  const users = await sql<{ id: string }[]>`
    insert into support_users (external_id) select ${`ins-${tag}-`} || g from generate_series(1, ${writers}) g returning id`;
  const chats = await sql<{ id: string }[]>`insert into support_chats (user_id) select unnest(${users.map((u) => u.id)}::uuid[]) returning id`;
  const latencies: number[] = [];
  let measuring = false;
  let stop = false;
  let count = 0;
  const seqs = new Array<number>(writers).fill(0);
  const insert = async (w: number) => {
    const t0 = performance.now();
    const seq = ++seqs[w]!;
    await sql`insert into support_messages (chat_id, seq, client_id, content, sender_type)
              values (${chats[w]!.id}, ${seq}, ${`${tag}-${w}-${seq}`}, ${`benchmark message ${seq}`}, 'user')`;
    if (measuring) {
      latencies.push(performance.now() - t0);
      count += 1;
    }
  };
  const loops: Promise<void>[] = [];
  let ticker: NodeJS.Timeout | undefined;
  if (rate === undefined) {
    for (let w = 0; w < writers; w++) {
      loops.push(
        (async () => {
          while (!stop) await insert(w);
        })(),
      );
    }
  } else {
    let credit = 0;
    let next = 0;
    let last = performance.now();
    ticker = setInterval(() => {
      const now = performance.now();
      credit += ((now - last) / 1000) * rate;
      last = now;
      while (credit >= 1) {
        credit -= 1;
        loops.push(insert(next++ % writers));
      }
    }, 10);
  }
  await sleep(Math.min(1000, seconds * 200));
  measuring = true;
  const started = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  measuring = false;
  stop = true;
  if (ticker) clearInterval(ticker);
  await Promise.all(loops);
  await sql.end();
  const stats = summarize(latencies);
  return { chats: writers, msgPerSec: count / elapsed, p50: stats.p50, p99: stats.p99, delivered: count, sent: count, errors: 0 };
}

export interface MessagePathResults {
  concurrency: number[];
  raw: LoadResult[];
  insert: LoadResult[];
  app: LoadResult[];
  fixedRate: { rate: number; chats: number; raw: LoadResult; insert: LoadResult; app: LoadResult };
  twoInstances: { chats: number; one: LoadResult; two: LoadResult }[];
}

export interface MessagePathOptions {
  serverUrl: string;
  seconds: number;
  concurrency: number[];
  rate: number;
  rateChats: number;
  twoInstanceChats: number[];
  appOptions?: ServerOptions;
  log?: (line: string) => void;
}

const fmt = (r: LoadResult) => `${round(r.msgPerSec, 0)} msg/s, p50 ${round(r.p50)} ms, p99 ${round(r.p99)} ms${r.errors ? `, ${r.errors} errors` : ''}`;

export async function runMessagePath(options: MessagePathOptions): Promise<MessagePathResults> {
  const log = options.log ?? console.log;
  const dbUrl = await freshDatabase(options.serverUrl, 'sc_bench_path');
  const { seconds, concurrency } = options;
  const results: MessagePathResults = {
    concurrency,
    raw: [],
    insert: [],
    app: [],
    fixedRate: undefined as never,
    twoInstances: [],
  };
  const fixed: Partial<MessagePathResults['fixedRate']> = { rate: options.rate, chats: options.rateChats };

  let raw: Server | undefined = await startServer('raw', dbUrl);
  for (const chats of concurrency) {
    const r = await load({ mode: 'raw', senderUrl: raw.url, chats, tag: `raw${chats}`, seconds });
    results.raw.push(r);
    log(`  raw relay, ${chats} chats: ${fmt(r)}`);
  }
  fixed.raw = await load({ mode: 'raw', senderUrl: raw.url, chats: options.rateChats, tag: 'rawrate', seconds, rate: options.rate });
  log(`  raw relay at ${options.rate} msg/s: ${fmt(fixed.raw)}`);
  await raw.close();
  raw = undefined;

  for (const chats of concurrency) {
    const r = await insertLoop(dbUrl, chats, seconds, `i${chats}`);
    results.insert.push(r);
    log(`  bare insert, ${chats} writers: ${fmt(r)}`);
  }
  fixed.insert = await insertLoop(dbUrl, options.rateChats, seconds, 'irate', options.rate);
  log(`  bare insert at ${options.rate} msg/s: ${fmt(fixed.insert)}`);

  const app = await startServer('app', dbUrl, options.appOptions);
  for (const chats of concurrency) {
    const r = await load({ mode: 'app', senderUrl: app.url, chats, tag: `app${chats}`, seconds });
    results.app.push(r);
    log(`  support-chat, ${chats} chats: ${fmt(r)}`);
  }
  fixed.app = await load({ mode: 'app', senderUrl: app.url, chats: options.rateChats, tag: 'apprate', seconds, rate: options.rate });
  log(`  support-chat at ${options.rate} msg/s: ${fmt(fixed.app)}`);
  results.fixedRate = fixed as MessagePathResults['fixedRate'];

  if (options.twoInstanceChats.length > 0) {
    const second = await startServer('app', dbUrl, { env: options.appOptions?.env ?? {} });
    for (const chats of options.twoInstanceChats) {
      const one = await load({ mode: 'app', senderUrl: app.url, chats, tag: `one${chats}`, seconds });
      const two = await load({ mode: 'app', senderUrl: app.url, receiverUrl: second.url, chats, tag: `two${chats}`, seconds });
      results.twoInstances.push({ chats, one, two });
      log(`  ${chats} chats, one instance: ${fmt(one)}; visitors on A, agents on B: ${fmt(two)}`);
    }
    await second.close();
  }
  await app.close();
  return results;
}

/** Overhead of the full path over relay + insert: time per message against the sum of both. */
export function overhead(app: LoadResult, raw: LoadResult, insert: LoadResult): { throughput: number; p50: number; p99: number } {
  return {
    throughput: 1 / app.msgPerSec / (1 / raw.msgPerSec + 1 / insert.msgPerSec),
    p50: app.p50 / (raw.p50 + insert.p50),
    p99: app.p99 / (raw.p99 + insert.p99),
  };
}
