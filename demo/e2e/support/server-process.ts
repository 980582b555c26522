// Runs the real `npm start` entry (server/src/server.ts) as a child process against a cloned test
// database, so end-to-end tests see exactly what a user sees; can stop and restart it on one port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createTestDatabase, dropTestDatabase } from '../../../server/test/support/helper.js';

export interface ServerProcess {
  baseUrl: string;
  port: number;
  databaseUrl: string;
  /** Mailbox page of the local SES emulator, when the server printed one. */
  mailboxUrl: string | undefined;
  output(): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const databaseUrl = await createTestDatabase();
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  let mailboxUrl: string | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/server.ts'], {
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: databaseUrl,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          DEMO: 'true',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
      // Only this start's output counts: `log` also holds earlier runs' banners.
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        log += chunk.toString();
        const mailbox = /mailbox at (http\S+?)\/?\s/.exec(output);
        if (mailbox) mailboxUrl = mailbox[1];
        if (output.includes('support-chat is running at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        if (!output.includes('support-chat is running at')) reject(new Error(`server exited with ${code}:\n${output}`));
      });
    });

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timeout = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timeout);
  };

  await start();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    databaseUrl,
    get mailboxUrl() {
      return mailboxUrl;
    },
    output: () => log,
    stop,
    start,
    async dispose() {
      await stop();
      await dropTestDatabase(databaseUrl);
    },
  };
}
