// A WebSocket test client over the `ws` package: records every frame and waits for frames by
// predicate, so tests wait on what the server sends instead of sleeping.
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';

export const SITE_ORIGIN = 'http://site.test';

// Frames are loosely typed here on purpose: tests assert their shape.
export type Frame = Record<string, any> & { type: string };

interface Waiter {
  predicate: (frame: Frame) => boolean;
  count: number;
  resolve: (frames: Frame[]) => void;
}

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return `ws://127.0.0.1:${address.port}/ws`;
}

export class WsClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Waiter[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) this.check(waiter);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static async connect(url: string, options: { origin?: string | null } = {}): Promise<WsClient> {
    const origin = options.origin === undefined ? SITE_ORIGIN : options.origin;
    const ws = new WebSocket(url, origin === null ? {} : { origin });
    const client = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    return client;
  }

  /** Connects and authenticates; resolves with the `ready` frame. */
  static async ready(url: string, token: string): Promise<{ client: WsClient; ready: Frame }> {
    const client = await WsClient.connect(url);
    client.send({ type: 'auth', token });
    const ready = await client.waitFor((f) => f.type === 'ready');
    return { client, ready };
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first `count` frames matching `predicate` (already received ones count). */
  waitForAll(predicate: (frame: Frame) => boolean, count: number, timeoutMs = 10_000): Promise<Frame[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const got = this.frames.filter(predicate).length;
        reject(new Error(`timed out waiting for ${count} frames (got ${got}); last frames: ${JSON.stringify(this.frames.slice(-3))}`));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        count,
        resolve: (frames) => {
          clearTimeout(timer);
          resolve(frames);
        },
      };
      this.waiters.push(waiter);
      this.check(waiter);
    });
  }

  async waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const [frame] = await this.waitForAll(predicate, 1, timeoutMs);
    return frame!;
  }

  /** Round trip through the socket: every frame the server queued before the pong has arrived. */
  async roundTrip(): Promise<void> {
    const id = Math.random().toString(36).slice(2);
    this.send({ type: 'ping', id });
    await this.waitFor((f) => f.type === 'pong' && f.id === id);
  }

  messages(chatId?: string): Frame[] {
    return this.frames.filter((f) => f.type === 'new_message' && (chatId === undefined || f.chat_id === chatId));
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private check(waiter: Waiter): void {
    const matching = this.frames.filter(waiter.predicate);
    if (matching.length >= waiter.count) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(matching.slice(0, waiter.count));
    }
  }
}

/** Resolves with the HTTP status when the upgrade is refused. */
export function upgradeStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('upgrade was accepted'));
    });
    ws.once('error', () => {});
  });
}
