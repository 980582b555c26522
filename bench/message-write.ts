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
  const rows: string[][] = [['Writers', 'bare INSERT loop (baseline)', 'sendMessage', 'ratio']];
  const data: Record<string, unknown> = {};
  let run = 0;
  for (const writers of [1, 10]) {
    run += 1;
    const bare = await throughput(writers, (w, i) =>
      raw`insert into support_messages (chat_id, seq, client_id, content, sender_type)
          values (${chatIds[w]!}, ${1_000_000 * run + i}, ${`bare-${run}-${w}-${i}`}, 'hello', 'user')`,
    );
    const full = await throughput(writers, (w, i) =>
      chats.sendMessage(chatIds[w]!, { type: 'user', userId: users[w]!.id }, `full-${run}-${w}-${i}`, 'hello'),
    );
    rows.push([String(writers), `${round(bare, 0)} msg/s`, `${round(full, 0)} msg/s`, `${round(full / bare, 2)}x`]);
    data[`writers_${writers}`] = { bare, full };
  }
  await raw.end();
  await client.close();
  return {
    title: 'Message writes (Postgres side of the message path)',
    table: rows,
    notes: ['sendMessage = lock-free duplicate check + one statement (seq, insert, chat touch, NOTIFY).'],
    data,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runMessageWriteBench();
  await recordSection('message-write', section);
  console.log(section.table.map((r) => r.join(' | ')).join('\n'));
  await stopBenchServer();
}
