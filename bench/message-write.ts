// The write half of the message path: ChatService.sendMessage (seq, insert, chat touch, NOTIFY, in
// one transaction) against a bare postgres.js INSERT loop into the same table, same run.
import postgres from 'postgres';
import { createDbClient } from '../server/src/db/client.js';
import { migrateDatabase } from '../server/src/db/migrate.js';
import { ChatService } from '../server/src/services/chat-service.js';
import { benchServerUrl, databaseUrl, ensureDatabase, recordSection, round, stopBenchServer, type BenchSection } from './lib.js';

const DURATION_MS = Number(process.env.BENCH_WRITE_MS ?? 4000);

async function throughput(writers: number, write: (writer: number, i: number) => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + DURATION_MS;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await write(w, i);
        count += 1;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** The first message-insert design (a transaction of separate statements), kept for comparison. */
async function previousDesign(sql: postgres.Sql, chatId: string, clientId: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select id from support_chats where id = ${chatId} for update`;
    const [existing] = await tx`select id from support_messages where chat_id = ${chatId} and client_id = ${clientId}`;
    if (existing) return;
    const [chat] = await tx<{ last_seq: string; last_message_at: Date }[]>`
      update support_chats set last_seq = last_seq + 1, last_message_at = clock_timestamp(), updated_at = clock_timestamp(),
        last_user_message_at = clock_timestamp(), archived_at = null
      where id = ${chatId} returning last_seq, last_message_at`;
    await tx`insert into support_messages (chat_id, seq, client_id, content, sender_type, created_at, updated_at)
      values (${chatId}, ${chat!.last_seq}, ${clientId}, 'hello', 'user', ${chat!.last_message_at}, ${chat!.last_message_at})`;
    await tx`select pg_notify('support_chat_events', ${JSON.stringify({ e: 'message', chat_id: chatId, seq: Number(chat!.last_seq), sender_type: 'user' })})`;
  });
}

export async function runMessageWriteBench(): Promise<BenchSection> {
  const serverUrl = await benchServerUrl();
  const url = databaseUrl(serverUrl, 'sc_bench_write');
  await ensureDatabase(serverUrl, 'sc_bench_write');
  await migrateDatabase(url);
  const raw = postgres(url, { max: 12, onnotice: () => {} });
  await raw`truncate support_messages, support_chats, support_users cascade`;
  const client = createDbClient(url, { max: 12 });
  const chats = new ChatService(client.db, { emailDelaySeconds: 300 });
  const users = await raw<{ id: string }[]>`
    insert into support_users (external_id) select 'w' || i from generate_series(1, 10) i returning id`;
  const chatIds: string[] = [];
  for (const u of users) chatIds.push((await chats.getOrCreateChat(u.id)).id);
  const rows: string[][] = [
    ['Writers', 'bare INSERT loop (baseline)', 'previous design: 7-statement transaction', 'sendMessage now: one statement', 'now / previous'],
  ];
  const data: Record<string, unknown> = {};
  let run = 0;
  for (const writers of [1, 10]) {
    run += 1;
    const bare = await throughput(writers, (w, i) =>
      raw`insert into support_messages (chat_id, seq, client_id, content, sender_type)
          values (${chatIds[w]!}, ${1_000_000 * run + i}, ${`bare-${run}-${w}-${i}`}, 'hello', 'user')`,
    );
    const previous = await throughput(writers, (w, i) => previousDesign(raw, chatIds[w]!, `prev-${run}-${w}-${i}`));
    const full = await throughput(writers, (w, i) =>
      chats.sendMessage(chatIds[w]!, { type: 'user', userId: users[w]!.id }, `full-${run}-${w}-${i}`, 'hello'),
    );
    rows.push([
      String(writers),
      `${round(bare, 0)} msg/s`,
      `${round(previous, 0)} msg/s (${round(previous / bare, 2)}x)`,
      `${round(full, 0)} msg/s (${round(full / bare, 2)}x)`,
      `${round(full / previous, 2)}x`,
    ]);
    data[`writers_${writers}`] = { bare, previous, full };
  }
  await raw.end();
  await client.close();
  return {
    title: 'Message writes (Postgres side of the message path)',
    table: rows,
    notes: [
      'sendMessage = lock-free duplicate check + one statement (seq bump, insert, chat touch, NOTIFY) — the optimisation made after profiling the message path.',
      'Previous design, replayed here in the same run: BEGIN; SELECT ... FOR UPDATE; duplicate check; UPDATE chat; INSERT; pg_notify; COMMIT (what ChatService.sendMessage did before).',
      'Ratios in brackets are against the bare INSERT loop of the same run.',
    ],
    data,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runMessageWriteBench();
  await recordSection('message-write', section);
  console.log(section.table.map((r) => r.join(' | ')).join('\n'));
  await stopBenchServer();
}
