// Real processes for the chaos harness: server instances (the `npm start` entry) and the separate
// worker (`npm run worker`), each a child process that can be SIGKILLed or stopped and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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

export interface ManagedProcess {
  readonly name: string;
  readonly running: boolean;
  /** Everything the process wrote (stdout and stderr), across restarts. */
  output(): string;
  /** Resolves once the process printed its ready line. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** Exits nobody asked for (a crash); a recovered system has none. */
  readonly unexpectedExits: number;
}

export function managedProcess(options: {
  name: string;
  entry: string;
  env: Record<string, string>;
  readyLine: string;
  startTimeoutMs?: number;
}): ManagedProcess {
  let child: ChildProcess | undefined;
  let log = '';
  let unexpectedExits = 0;
  let expectingExit = false;

  const append = (chunk: Buffer) => {
    log += chunk.toString();
    // Keep memory bounded over long runs: the tail is what explains a failure.
    if (log.length > 2_000_000) log = log.slice(-1_000_000);
  };

  return {
    name: options.name,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get unexpectedExits() {
      return unexpectedExits;
    },
    output: () => log,
    start() {
      return new Promise<void>((resolve, reject) => {
        const startedAt = log.length;
        const proc = spawn(process.execPath, ['--import', 'tsx', options.entry], {
          env: { ...process.env, ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child = proc;
        expectingExit = false;
        let ready = false;
        const timer = setTimeout(
          () => reject(new Error(`${options.name} did not start:\n${log.slice(startedAt)}`)),
          options.startTimeoutMs ?? 240_000,
        );
        const onData = (chunk: Buffer) => {
          append(chunk);
          if (!ready && log.slice(startedAt).includes(options.readyLine)) {
            ready = true;
            clearTimeout(timer);
            resolve();
          }
        };
        proc.stdout?.on('data', onData);
        proc.stderr?.on('data', onData);
        proc.once('exit', (code, signal) => {
          clearTimeout(timer);
          if (!expectingExit) {
            unexpectedExits += 1;
            log += `\n[chaos] ${options.name} exited unexpectedly (code ${code}, signal ${signal})\n`;
          }
          if (!ready) reject(new Error(`${options.name} exited with ${code ?? signal}:\n${log.slice(startedAt)}`));
        });
      });
    },
    async kill() {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      expectingExit = true;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 15_000) {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      expectingExit = true;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function serverProcess(name: string, port: number, env: Record<string, string>): ManagedProcess {
  return managedProcess({
    name,
    entry: 'server/src/server.ts',
    env: { HOST: '127.0.0.1', PORT: String(port), ...env },
    readyLine: 'support-chat is running at',
  });
}

export function workerProcess(env: Record<string, string>): ManagedProcess {
  return managedProcess({
    name: 'worker',
    entry: 'server/src/jobs/worker-main.ts',
    env,
    readyLine: 'support-chat worker is running',
  });
}
