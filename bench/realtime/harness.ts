// Pieces shared by `npm run bench:realtime` and `npm run bench`: server child processes (the real
// app or a bare `ws` relay), a minimal protocol client, and the load / idle / reconnect drivers.
// The benchmark process is the client side; each server runs in its own child so its memory and
// CPU profile are its own.
import { fork, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { summarize } from '../lib.js';
import { signToken } from '../tokens.js';

export type Mode = 'app' | 'raw';
export type Frame = Record<string, any> & { type: string };

export interface Server {
  mode: Mode;
  child: ChildProcess;
  url: string;
  mem(): Promise<{ heapUsed: number; rss: number }>;
  /** Starts a CPU profile in the server (inspector); stopProfile returns the .cpuprofile JSON. */
  startProfile(): Promise<void>;
  stopProfile(): Promise<string>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Directory for `node --cpu-prof` output (written when the child exits). */
  cpuProfDir?: string;
  /** Extra environment for the child (e.g. bench-only switches). */
  env?: Record<string, string>;
}

function childEnv(mode: Mode, dbUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MODE: mode, DATABASE_URL: dbUrl, DEMO: 'false', NODE_ENV: 'development', ...extra };
  // Bench tokens are signed with the development secret.
  delete env.SUPPORT_JWT_SECRET;
  delete env.SUPPORT_JWT_PUBLIC_KEY;
  return env;
}

export async function startServer(mode: Mode, dbUrl: string, options: ServerOptions = {}): Promise<Server> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const child = fork(new URL('./server.ts', import.meta.url).pathname, [], {
    env: childEnv(mode, dbUrl, options.env),
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${mode} server exited (${code})`));
      const onMessage = (message: Record<string, unknown>) => {
        if (key in message) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message[key] as T);
        }
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const port = await reply<number>('port');
  return {
    mode,
    child,
    url: `ws://127.0.0.1:${port}/ws`,
    async mem() {
      child.send({ cmd: 'mem' });
      return reply('mem');
    },
    async startProfile() {
      child.send({ cmd: 'profile-start' });
      await reply('profiling');
    },
    async stopProfile() {
      child.send({ cmd: 'profile-stop' });
      return reply<string>('profile');
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ cmd: 'close' });
      await exited;
    },
  };
}

/** A minimal client: frames go to one handler, open resolves after `ready`. */
export class Client {
  ws!: WebSocket;
  onFrame: (frame: Frame) => void = () => {};
  closed!: Promise<number>;

  async open(url: string, token: string): Promise<Frame> {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
    const ready = new Promise<Frame>((resolve, reject) => {
      this.ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Frame;
        if (frame.type === 'ready') resolve(frame);
        this.onFrame(frame);
      });
      this.ws.once('error', reject);
      this.ws.once('close', (code) => reject(new Error(`closed ${code} before ready`)));
    });
    await new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    this.ws.send(JSON.stringify({ type: 'auth', token }));
    return ready;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Resolves with the first frame matching `predicate` from now on. */
  next(predicate: (frame: Frame) => boolean): Promise<Frame> {
    return new Promise((resolve) => {
      const previous = this.onFrame;
      this.onFrame = (frame) => {
        previous(frame);
        if (predicate(frame)) {
          this.onFrame = previous;
          resolve(frame);
        }
      };
    });
  }

  async subscribe(frame: Record<string, unknown>): Promise<Frame> {
    const subscribed = this.next((f) => f.type === 'subscribed' || f.type === 'error');
    this.send({ type: 'subscribe', ...frame });
    const reply = await subscribed;
    if (reply.type === 'error') throw new Error(`subscribe failed: ${reply.code} ${reply.message}`);
    return reply;
  }
}

export async function inBatches<T>(items: T[], size: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index]!, index);
      }
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Throughput and latency ----------------------------------------------------------------------

export interface LoadOptions {
  mode: Mode;
  /** Where visitors (senders) connect. */
  senderUrl: string;
  /** Where agents (receivers and the inbox) connect; defaults to senderUrl. */
  receiverUrl?: string;
  chats: number;
  /** Unique per load in one database (users are created per tag). */
  tag: string;
  seconds: number;
  /** Closed loop: sends outstanding per sender (a new one on every ack). */
  inFlight?: number;
  /** Open loop instead: this many msg/s offered in total, spread over the chats. */
  rate?: number;
}

export interface LoadResult {
  chats: number;
  msgPerSec: number;
  p50: number;
  p99: number;
  delivered: number;
  sent: number;
  errors: number;
}

/**
 * Per chat: a visitor that subscribes to its own chat (as the widget does) and sends, and an agent
 * subscribed to the chat; plus one agent on the admin channel (an open inbox) per receiving
 * instance. Latency is send -> the agent's new_message; msg/s counts those deliveries.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const { mode, senderUrl, chats, tag, seconds } = options;
  const receiverUrl = options.receiverUrl ?? senderUrl;
  const latencies: number[] = [];
  let delivered = 0;
  let errors = 0;
  const inbox = new Client();
  await inbox.open(receiverUrl, signToken(`inbox-${tag}`, { support_role: 'admin' }));
  await inbox.subscribe({ channel: 'admin' });
  const pairs: { sender: Client; receiver: Client; chatId: string }[] = [];
  await inBatches(
    Array.from({ length: chats }, (_, i) => i),
    50,
    async (i) => {
      const sender = new Client();
      const ready = await sender.open(senderUrl, signToken(`load-${tag}-${i}`, { email: `load-${tag}-${i}@example.com` }));
      const chatId = mode === 'app' ? (ready.chat_id as string) : `raw-${tag}-${i}`;
      await sender.subscribe({ channel: 'chat', chat_id: chatId, after_seq: 0 });
      const receiver = new Client();
      await receiver.open(receiverUrl, signToken(`agent-${tag}-${i}`, { support_role: 'admin' }));
      await receiver.subscribe({ channel: 'chat', chat_id: chatId });
      pairs.push({ sender, receiver, chatId });
    },
  );
  const sentAt = new Map<string, number>();
  let measuring = false;
  let stop = false;
  let counter = 0;
  let sent = 0;
  const done: Promise<void>[] = [];
  const sendFrom = (pair: (typeof pairs)[number]) => {
    const clientId = `${tag}-${++counter}`;
    sentAt.set(clientId, performance.now());
    if (measuring) sent += 1;
    pair.sender.send({ type: 'send_message', chat_id: pair.chatId, client_id: clientId, content: `benchmark message ${counter}` });
  };
  for (const pair of pairs) {
    pair.receiver.onFrame = (frame) => {
      if (frame.type !== 'new_message') return;
      const t0 = sentAt.get(frame.message.client_id);
      if (t0 === undefined) return;
      sentAt.delete(frame.message.client_id);
      if (!measuring) return;
      latencies.push(performance.now() - t0);
      delivered += 1;
    };
    done.push(
      new Promise((resolve) => {
        let outstanding = 0;
        const closedLoop = options.rate === undefined;
        const sendOne = () => {
          if (stop) {
            if (outstanding === 0) resolve();
            return;
          }
          outstanding += 1;
          sendFrom(pair);
        };
        pair.sender.onFrame = (frame) => {
          if (frame.type === 'error') {
            errors += 1;
            outstanding -= 1;
            if (closedLoop) sendOne();
            return;
          }
          if (frame.type !== 'ack') return;
          outstanding -= 1;
          if (closedLoop) sendOne();
          else if (stop && outstanding === 0) resolve();
        };
        if (closedLoop) for (let k = 0; k < (options.inFlight ?? 4); k++) sendOne();
        else (pair as { kick?: () => void }).kick = () => sendOne();
        (pair as { finish?: () => void }).finish = () => {
          if (outstanding === 0) resolve();
        };
      }),
    );
  }
  // Open loop: a 10 ms tick sends rate/100 messages round-robin over the chats.
  let ticker: NodeJS.Timeout | undefined;
  if (options.rate !== undefined) {
    let credit = 0;
    let next = 0;
    let last = performance.now();
    ticker = setInterval(() => {
      const now = performance.now();
      credit += ((now - last) / 1000) * options.rate!;
      last = now;
      while (credit >= 1) {
        credit -= 1;
        (pairs[next++ % pairs.length] as { kick?: () => void }).kick!();
      }
    }, 10);
  }
  await sleep(Math.min(1000, seconds * 200)); // warm-up, not counted
  measuring = true;
  const started = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  measuring = false;
  const count = delivered;
  stop = true;
  if (ticker) clearInterval(ticker);
  for (const pair of pairs) (pair as { finish?: () => void }).finish!();
  await Promise.race([Promise.all(done), sleep(15_000)]);
  for (const { sender, receiver } of pairs) {
    sender.ws.terminate();
    receiver.ws.terminate();
  }
  inbox.ws.terminate();
  const stats = summarize(latencies);
  return { chats, msgPerSec: count / elapsed, p50: stats.p50, p99: stats.p99, delivered: count, sent, errors };
}

// Idle memory ------------------------------------------------------------------------------------

export async function openIdle(url: string, tokens: string[], concurrency = 100): Promise<Client[]> {
  const clients: Client[] = [];
  await inBatches(tokens, concurrency, async (token) => {
    const client = new Client();
    await client.open(url, token);
    clients.push(client);
  });
  return clients;
}

export async function idleMemory(server: Server, tokens: string[]): Promise<{ perConnectionHeap: number; perConnectionRss: number; clients: Client[]; seconds: number }> {
  const before = await server.mem();
  const started = performance.now();
  const clients = await openIdle(server.url, tokens);
  const seconds = (performance.now() - started) / 1000;
  await sleep(500);
  const after = await server.mem();
  return {
    perConnectionHeap: (after.heapUsed - before.heapUsed) / tokens.length,
    perConnectionRss: (after.rss - before.rss) / tokens.length,
    clients,
    seconds,
  };
}

// Reconnect and catch up after a restart ------------------------------------------------------------

export interface Session {
  token: string;
  chatId: string;
  afterSeq: number;
}

/**
 * Every session reconnects (`concurrency` handshakes in flight), authenticates, subscribes with its
 * after_seq and waits for `subscribed` (sent after the catch-up). Returns the seconds taken and the
 * clients, still open, and how many caught-up messages arrived.
 */
export async function reconnectAll(url: string, sessions: Session[], concurrency = 200): Promise<{ seconds: number; clients: Client[]; caughtUp: number }> {
  const started = performance.now();
  const clients: Client[] = [];
  let caughtUp = 0;
  await inBatches(sessions, concurrency, async (session) => {
    const client = new Client();
    client.onFrame = (frame) => {
      if (frame.type === 'new_message') caughtUp += 1;
    };
    await client.open(url, session.token);
    await client.subscribe({ channel: 'chat', chat_id: session.chatId, after_seq: session.afterSeq });
    clients.push(client);
  });
  return { seconds: (performance.now() - started) / 1000, clients, caughtUp };
}
