// A server child process for the realtime benchmark, so its memory is measured apart from the
// clients: MODE=app runs the real app, MODE=raw a bare `ws` relay (the baseline: same frames, no
// auth check, no database). Talks to the parent over IPC: {port} when listening, then mem / close.
import { Session } from 'node:inspector';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { createDbClient } from '../../server/src/db/client.js';

type Command = { cmd: 'mem' } | { cmd: 'close' } | { cmd: 'profile-start' } | { cmd: 'profile-stop' };

// CPU profile of a window of the run (the load, not start-up), through the inspector: the same
// V8 profile `node --cpu-prof` writes, returned over IPC as JSON.
let profiler: Session | undefined;
function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => profiler!.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
}

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external, arrayBuffers: usage.arrayBuffers };
}

/**
 * Bench-only switches (BENCH_SWITCHES, comma-separated) that take one step out of the app, to
 * measure what it costs. Never used by the server itself.
 */
function applyBenchSwitches(app: FastifyInstance): void {
  const switches = new Set((process.env.BENCH_SWITCHES ?? '').split(',').filter(Boolean));
  const chats = app.chats as unknown as Record<string, unknown>;
  if (switches.has('no-list-items')) chats.getListItems = async () => [];
}

async function startApp(): Promise<{ port: number; close(): Promise<void> }> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    ALLOWED_ORIGINS: '*',
    MESSAGE_RATE_LIMIT: 1_000_000_000,
    WS_CONNECT_RATE_LIMIT: 1_000_000_000,
    RUN_WORKER: false,
  });
  const database = createDbClient(config.databaseUrl!, { max: 10 });
  const app = await buildApp({ config, database, logger: false });
  applyBenchSwitches(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** The baseline: one in-memory relay with the same frame shapes, nothing persisted. */
async function startRaw(): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 16 * 1024 });
  const rooms = new Map<string, Set<WebSocket>>();
  const seqs = new Map<string, number>();
  const admins = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    const joined: string[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'auth') {
        socket.send(JSON.stringify({ type: 'ready', user: { sub: 'x', role: 'user' }, chat_id: null, expires_in: 3600 }));
      } else if (frame.type === 'subscribe' && frame.channel === 'admin') {
        admins.add(socket);
        socket.send(JSON.stringify({ type: 'subscribed', channel: 'admin' }));
      } else if (frame.type === 'subscribe') {
        let room = rooms.get(frame.chat_id);
        if (!room) rooms.set(frame.chat_id, (room = new Set()));
        room.add(socket);
        joined.push(frame.chat_id);
        socket.send(JSON.stringify({ type: 'subscribed', channel: 'chat', chat_id: frame.chat_id, last_seq: seqs.get(frame.chat_id) ?? 0 }));
      } else if (frame.type === 'send_message') {
        const seq = (seqs.get(frame.chat_id) ?? 0) + 1;
        seqs.set(frame.chat_id, seq);
        const message = { chat_id: frame.chat_id, seq, client_id: frame.client_id, content: frame.content, sender_type: 'user' };
        socket.send(JSON.stringify({ type: 'ack', client_id: frame.client_id, message }));
        const out = JSON.stringify({ type: 'new_message', chat_id: frame.chat_id, message });
        for (const peer of rooms.get(frame.chat_id) ?? []) peer.send(out);
        if (admins.size > 0) {
          const inbox = JSON.stringify({ type: 'new_user_message', chat_id: frame.chat_id, user_email: null, message });
          for (const admin of admins) admin.send(inbox);
        }
      }
    });
    socket.on('close', () => {
      admins.delete(socket);
      for (const chatId of joined) rooms.get(chatId)?.delete(socket);
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  const address = wss.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.close(1012);
        wss.close(() => resolve());
      }),
  };
}

const server = process.env.MODE === 'raw' ? await startRaw() : await startApp();
process.send!({ port: server.port });
process.on('message', async (command: Command) => {
  if (command.cmd === 'mem') process.send!({ mem: memory() });
  if (command.cmd === 'profile-start') {
    profiler = new Session();
    profiler.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    process.send!({ profiling: true });
  }
  if (command.cmd === 'profile-stop') {
    const { profile } = await post<{ profile: unknown }>('Profiler.stop');
    profiler!.disconnect();
    process.send!({ profile: JSON.stringify(profile) });
  }
  if (command.cmd === 'close') {
    await server.close();
    process.send!({ closed: true }, () => process.exit(0));
  }
});
