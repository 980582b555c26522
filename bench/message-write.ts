// The write half of the message path: ChatService.sendMessage (seq, insert, chat touch, NOTIFY, in
// one transaction) against a bare postgres.js INSERT loop into the same table, same run.
import { and, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { createDbClient, type Database } from '../server/src/db/client.js';
import { supportChats, supportMessages, supportUsers } from '../server/src/db/schema.js';
import { notifyStatement } from '../server/src/realtime/events.js';
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

const senders = alias(supportUsers, 'sender');

/**
 * The first message-insert design, as ChatService.sendMessage ran it before the optimisation
 * (Drizzle, a transaction of separate statements), kept here to measure before / after in one run.
 */
async function previousDesign(db: Database, chatId: string, clientId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.select({ id: supportChats.id }).from(supportChats).where(eq(supportChats.id, chatId)).for('update');
    const [existing] = await tx
      .select({ id: supportMessages.id, name: senders.name })
      .from(supportMessages)
      .leftJoin(senders, eq(senders.id, supportMessages.senderId))
      .where(and(eq(supportMessages.chatId, chatId), eq(supportMessages.clientId, clientId)));
    if (existing) return;
    const [chat] = await tx
      .update(supportChats)
      .set({
        lastSeq: sql`${supportChats.lastSeq} + 1`,
        lastMessageAt: sql`clock_timestamp()`,
        updatedAt: sql`clock_timestamp()`,
        lastUserMessageAt: sql`clock_timestamp()`,
        archivedAt: null,
      })
      .where(eq(supportChats.id, chatId))
      .returning({ lastSeq: supportChats.lastSeq, lastMessageAt: supportChats.lastMessageAt });
    await tx
      .insert(supportMessages)
      .values({
        chatId,
        seq: chat!.lastSeq,
        clientId,
        content: 'hello',
        senderType: 'user',
        createdAt: chat!.lastMessageAt ?? undefined,
        updatedAt: chat!.lastMessageAt ?? undefined,
      })
      .returning();
    await tx.execute(notifyStatement({ e: 'message', chat_id: chatId, seq: chat!.lastSeq, sender_type: 'user' }));
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
    const previous = await throughput(writers, (w, i) => previousDesign(client.db, chatIds[w]!, `prev-${run}-${w}-${i}`));
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
      'sendMessage = one prepared statement (seq bump, insert, chat touch, NOTIFY carrying the message and inbox item); a duplicate client_id is refused by the unique index, not looked for first.',
      'Previous design, replayed here in the same run through Drizzle as the old ChatService did: BEGIN; SELECT ... FOR UPDATE; duplicate check; UPDATE chat; INSERT; pg_notify; COMMIT.',
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
