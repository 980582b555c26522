// The README is the product's front door: its commands exist, its code runs, its links resolve.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET } from '../src/config.js';
import { bearer, createTestApp, type TestContext } from './support/helper.js';

const run = promisify(execFile);
const readme = readFileSync('README.md', 'utf8');
const blocks = (lang: string) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;

describe('README', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ MESSAGE_RATE_LIMIT: 1000 });
  });
  afterAll(() => ctx.close());

  it('only shows npm commands that exist', () => {
    const commands = blocks('sh').flatMap((b) => b.split('\n')).filter((line) => line.startsWith('npm '));
    expect(commands.length).toBeGreaterThan(3);
    for (const command of commands) {
      const [, verb, name] = /^npm (run )?([\w:-]+)/.exec(command) ?? [];
      if (!verb && ['install', 'ci'].includes(name!)) continue;
      expect(scripts, command).toHaveProperty(name!);
    }
  });

  it('has a Node signing example whose tokens the server accepts', async () => {
    const [example] = blocks('js');
    expect(example).toContain('supportChatToken');
    const dir = await mkdtemp(join(tmpdir(), 'readme-'));
    const file = join(dir, 'sign.mjs');
    await writeFile(file, example!);
    const { supportChatToken } = (await import(pathToFileURL(file).href)) as {
      supportChatToken: (user: { id: string; email: string; name: string }, secret: string) => string;
    };
    const token = supportChatToken({ id: 'readme-user', email: 'readme@example.com', name: 'Read Me' }, DEV_JWT_SECRET);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/chat', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    const bad = supportChatToken({ id: 'readme-user', email: 'readme@example.com', name: 'Read Me' }, 'x'.repeat(40));
    expect((await ctx.app.inject({ method: 'GET', url: '/api/chat', headers: bearer(bad) })).statusCode).toBe(401);
  });

  it('mints working user and admin tokens with npm run token', async () => {
    const env = { ...process.env, SUPPORT_JWT_SECRET: '', SUPPORT_JWT_PUBLIC_KEY: '', NODE_ENV: 'development' };
    // What `npm run token -- ...` runs (tsx scripts/mint-token.ts), without npm's start-up cost.
    const mint = async (...args: string[]) =>
      (await run(process.execPath, ['--import', 'tsx', 'scripts/mint-token.ts', ...args], { env })).stdout.trim();
    expect(scripts.token).toBe('tsx scripts/mint-token.ts');
    const [user, admin] = await Promise.all([
      mint('--sub', 'alice', '--email', 'alice@example.com'),
      mint('--sub', 'agent', '--admin'),
    ]);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/chat', headers: bearer(user) })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/admin/chats', headers: bearer(admin) })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/admin/chats', headers: bearer(user) })).statusCode).toBe(403);
  }, 120_000);

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(((?:docs|bench)\/[^)#\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(existsSync(link), link).toBe(true);
  });

  it('serves the bundles the embedding snippets load', async () => {
    for (const bundle of ['support-chat.js', 'support-admin.js']) {
      expect(readme).toContain(`/widget/${bundle}`);
      if (!existsSync(`widget/dist/${bundle}`)) continue; // npm test builds first; a bare vitest run may not
      const res = await ctx.app.inject({ method: 'GET', url: `/widget/${bundle}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('javascript');
    }
  });
});
