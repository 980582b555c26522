// Admin list at scale: GET /api/admin/chats p50 / p99 for a page of 50 with 100,000 chats and
// 5,000,000 messages loaded, against a bare postgres.js query for the same page, plus a check of
// the query plan for index use. BENCH_CHATS scales the data set (messages = 50 per chat).
import { sql as dsql } from 'drizzle-orm';
import postgres from 'postgres';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { createDbClient } from '../server/src/db/client.js';
import { migrateDatabase } from '../server/src/db/migrate.js';
import { signToken } from './tokens.js';
import { benchServerUrl, databaseUrl, ensureDatabase, recordSection, round, summarize, type BenchSection } from './lib.js';

const CHATS = Number(process.env.BENCH_CHATS ?? 100_000);
const PER_CHAT = 50;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);

async function load(sql: postgres.Sql): Promise<void> {
  const [{ count } = { count: '0' }] = await sql<{ count: string }[]>`select count(*) from support_chats`;
  if (Number(count) === CHATS) return;
  console.log(`loading ${CHATS} chats and ${CHATS * PER_CHAT} messages...`);
  const started = Date.now();
  await sql`truncate support_messages, support_chats, support_users cascade`;
  await sql`
    insert into support_users (external_id, email, name)
    select 'bench-' || i, 'user' || i || '@example.com', 'User ' || i from generate_series(1, ${CHATS}) i`;
  await sql`
    insert into support_chats (user_id, last_seq, last_message_at, last_user_message_at, admin_viewed_at, archived_at)
    select id, ${PER_CHAT}, t, t - interval '1 minute',
           case when random() < 0.5 then t end,
           case when random() < 0.3 then t + interval '1 hour' end
    from (select id, now() - random() * interval '90 days' as t from support_users) u`;
  const batch = 10_000;
  for (let offset = 0; offset < CHATS; offset += batch) {
    await sql`
      insert into support_messages (chat_id, seq, client_id, content, sender_type, created_at)
      select c.id, s, 'bench-' || s, repeat('Hello, I have a question about my order. ', 1 + s % 4),
             case when s % 2 = 0 then 'admin' else 'user' end,
             c.last_message_at - make_interval(mins => ${PER_CHAT} - s)
      from (select id, last_message_at from support_chats order by id offset ${offset} limit ${batch}) c
      cross join generate_series(1, ${PER_CHAT}) s`;
    process.stdout.write('.');
  }
  await sql`analyze`;
  console.log(`\nloaded in ${round((Date.now() - started) / 1000, 1)} s`);
}

async function time(fn: () => Promise<unknown>, iterations: number): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

export async function runAdminListBench(): Promise<BenchSection> {
  const serverUrl = await benchServerUrl();
  const url = databaseUrl(serverUrl, 'sc_bench_admin_list');
  await ensureDatabase(serverUrl, 'sc_bench_admin_list');
  await migrateDatabase(url);
  const raw = postgres(url, { max: 4, onnotice: () => {} });
  await load(raw);

  const config = loadConfig({
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    SUPPORT_JWT_SECRET: undefined,
    HTTP_RATE_LIMIT: 1_000_000,
  });
  const database = createDbClient(url);
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  const headers = { authorization: `Bearer ${signToken('bench-admin', { support_role: 'admin' })}` };

  const first = await app.inject({ method: 'GET', url: '/api/admin/chats?limit=50', headers });
  if (first.statusCode !== 200) throw new Error(`admin list answered ${first.statusCode}: ${first.body}`);
  const cursor = first.json().next_cursor as string;

  const baseline = await time(
    () => raw`select id, last_message_at from support_chats
              where archived_at is null and last_message_at is not null
              order by last_message_at desc nulls last, id desc nulls last limit 51`,
    ITERATIONS,
  );
  const get = (path: string) => async () => {
    const res = await app.inject({ method: 'GET', url: path, headers });
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${res.body}`);
  };
  const firstPage = await time(get('/api/admin/chats?limit=50'), ITERATIONS);
  const nextPage = await time(get(`/api/admin/chats?limit=50&cursor=${cursor}`), ITERATIONS);
  const search = await time(get('/api/admin/chats?limit=50&q=user4242'), 50);

  const plan = await database.db.execute(dsql`explain (format json)
    select c.id from support_chats c join support_users u on u.id = c.user_id
    left join support_messages m on m.chat_id = c.id and m.seq = c.last_seq
    where c.last_message_at is not null and c.archived_at is null
    order by c.last_message_at desc nulls last, c.id desc nulls last limit 51`);
  const planText = JSON.stringify(plan);
  const usesListIndex = planText.includes('support_chats_active_list_idx');
  const seqScanMessages = /"Seq Scan"[^}]*"Relation Name":\s*"support_messages"/.test(planText);

  await app.close();
  await database.close();
  await raw.end();

  const s = { baseline: summarize(baseline), first: summarize(firstPage), next: summarize(nextPage), search: summarize(search) };
  const ms = (v: number) => `${round(v, 2)} ms`;
  return {
    title: `Admin list (${CHATS.toLocaleString('en')} chats, ${(CHATS * PER_CHAT).toLocaleString('en')} messages)`,
    table: [
      ['What', 'p50', 'p99', 'p99 vs bare query'],
      ['bare postgres.js page query (baseline)', ms(s.baseline.p50), ms(s.baseline.p99), '1.0x'],
      ['GET /api/admin/chats, first page of 50', ms(s.first.p50), ms(s.first.p99), `${round(s.first.p99 / s.baseline.p99, 1)}x`],
      ['GET /api/admin/chats, next page (cursor)', ms(s.next.p50), ms(s.next.p99), `${round(s.next.p99 / s.baseline.p99, 1)}x`],
      ['GET /api/admin/chats?q= (search)', ms(s.search.p50), ms(s.search.p99), `${round(s.search.p99 / s.baseline.p99, 1)}x`],
    ],
    notes: [
      `Target: p99 under 50 ms for a page of 50: ${s.first.p99 < 50 && s.next.p99 < 50 ? 'met' : 'MISSED'}.`,
      `Query plan uses support_chats_active_list_idx: ${usesListIndex}; sequential scan of support_messages: ${seqScanMessages}.`,
      'Through app.inject (no network): the route, auth, validation, serialisation and both queries (page + tab counts).',
    ],
    data: { chats: CHATS, messages: CHATS * PER_CHAT, ...s, usesListIndex, seqScanMessages },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runAdminListBench();
  await recordSection('admin-list', section);
  console.log(section.table.map((r) => r.join(' | ')).join('\n'));
  console.log(section.notes?.join('\n'));
  const { stopBenchServer } = await import('./lib.js');
  await stopBenchServer();
}
