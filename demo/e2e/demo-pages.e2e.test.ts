// The demo a new user sees after `npm start`: the sample site with the widget, the admin page,
// and demo tokens that exist only in demo mode.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

describe('demo pages', () => {
  let server: ServerProcess;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('serves the sample site with the widget embedded by one script tag and one element', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/?as=alice`);
    await expect(page.title()).resolves.toContain('Acme');
    const element = page.locator('support-chat');
    await expect(element.getAttribute('token')).resolves.toMatch(/^ey/);
    await expect(page.locator('script[src="/widget/support-chat.js"]').count()).resolves.toBe(1);
    await expect(page.locator('.demo-bar')).toBeDefined();
    await page.close();
  });

  it('renders the anonymous visitor without a token', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/?as=visitor`);
    await expect(page.locator('support-chat').getAttribute('token')).resolves.toBeNull();
    await page.close();
  });

  it('serves the admin page with an admin token', async () => {
    const response = await fetch(`${server.baseUrl}/demo/admin`);
    const html = await response.text();
    expect(response.status).toBe(200);
    const token = /<support-admin[^>]*token="([^"]+)"/.exec(html)?.[1];
    expect(token).toBeDefined();
    const list = await fetch(`${server.baseUrl}/api/admin/chats`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
  });

  it('has no demo routes when NODE_ENV=production', async () => {
    const prod = await startServerProcess({
      NODE_ENV: 'production',
      DEMO: '',
      SUPPORT_JWT_SECRET: 'x'.repeat(40),
      SERVER_SECRET: 'y'.repeat(40),
      ALLOWED_ORIGINS: 'https://site.example',
      SES_ENDPOINT: 'http://127.0.0.1:9',
      RUN_WORKER: 'false',
    });
    try {
      expect((await fetch(`${prod.baseUrl}/demo/token?user=agent`)).status).toBe(404);
      expect((await fetch(`${prod.baseUrl}/`)).status).toBe(404);
      expect((await fetch(`${prod.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      await prod.dispose();
    }
  }, 180_000);
});
