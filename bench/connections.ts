// Connections: memory per idle authenticated socket at N sockets (app vs raw `ws` relay, each in its
// own server process, driven from this one), then restarts: every connected client is closed
// (1012), one message per chat lands while the server is down, a new server starts, and R clients
// reconnect, authenticate, subscribe with after_seq and get the missed message.
import postgres from 'postgres';
import { freshDatabase } from './message-path.js';
import { round } from './lib.js';
import { idleMemory, reconnectAll, startServer, type Client, type Mode, type Session } from './realtime/harness.js';
import { signToken } from './tokens.js';

export interface ConnectionResults {
  sockets: number;
  memory: Record<Mode, { heapPerSocket: number; rssPerSocket: number; connectSeconds: number }>;
  reconnect: Record<Mode, { clients: number; seconds: number; restartSeconds: number; caughtUp: number }[]>;
}

export async function runConnections(options: { serverUrl: string; sockets: number; reconnects: number[]; log?: (line: string) => void }): Promise<ConnectionResults> {
  const log = options.log ?? console.log;
  const { sockets } = options;
  const dbUrl = await freshDatabase(options.serverUrl, 'sc_bench_conn');
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  await sql`insert into support_users (external_id, email) select 'idle-' || g, 'idle-' || g || '@example.com' from generate_series(1, ${sockets}) g`;
  await sql`insert into support_chats (user_id) select id from support_users where external_id like 'idle-%'`;
  const chatIds = new Map(
    (await sql<{ external_id: string; id: string }[]>`
      select u.external_id, c.id from support_chats c join support_users u on u.id = c.user_id`).map((r) => [r.external_id, r.id]),
  );
  const tokens = Array.from({ length: sockets }, (_, i) => signToken(`idle-${i + 1}`, { email: `idle-${i + 1}@example.com` }));
  const results: ConnectionResults = { sockets, memory: {} as ConnectionResults['memory'], reconnect: { app: [], raw: [] } };

  for (const mode of ['raw', 'app'] as Mode[]) {
    let server = await startServer(mode, dbUrl);
    const idle = await idleMemory(server, tokens);
    results.memory[mode] = { heapPerSocket: idle.perConnectionHeap, rssPerSocket: idle.perConnectionRss, connectSeconds: idle.seconds };
    log(`  ${mode}: ${sockets} idle sockets, ${round(idle.perConnectionHeap / 1024)} KiB heap / ${round(idle.perConnectionRss / 1024)} KiB RSS each (opened in ${round(idle.seconds, 1)} s)`);
    let connected: Client[] = idle.clients;
    for (const [round_, clients] of options.reconnects.entries()) {
      const sessions: Session[] = tokens.slice(0, clients).map((token, i) => ({
        token,
        chatId: mode === 'app' ? chatIds.get(`idle-${i + 1}`)! : `raw-idle-${i}`,
        afterSeq: round_,
      }));
      const restarted = performance.now();
      const closes = connected.map((client) => client.closed);
      await server.close();
      const codes = await Promise.all(closes);
      if (mode === 'app' && codes.some((code) => code !== 1012)) throw new Error(`expected 1012 closes, got ${[...new Set(codes)]}`);
      if (mode === 'app') {
        await sql`
          with targets as (select c.id from support_chats c join support_users u on u.id = c.user_id
                           where u.external_id = any(${Array.from({ length: clients }, (_, i) => `idle-${i + 1}`)})),
               bumped as (update support_chats c set last_seq = c.last_seq + 1, last_message_at = now()
                          from targets t where c.id = t.id returning c.id, c.last_seq)
          insert into support_messages (chat_id, seq, client_id, content, sender_type)
          select id, last_seq, ${`while-down-${round_}`}, 'sent while the server restarted', 'admin' from bumped`;
      }
      server = await startServer(mode, dbUrl);
      const restartSeconds = (performance.now() - restarted) / 1000;
      const r = await reconnectAll(server.url, sessions);
      results.reconnect[mode].push({ clients, seconds: r.seconds, restartSeconds, caughtUp: r.caughtUp });
      log(`  ${mode}: ${clients} clients reconnected and caught up in ${round(r.seconds, 2)} s (${r.caughtUp} missed messages delivered; restart ${round(restartSeconds, 1)} s)`);
      connected = r.clients;
    }
    for (const client of connected) client.ws.terminate();
    await server.close();
  }
  await sql.end();
  return results;
}
