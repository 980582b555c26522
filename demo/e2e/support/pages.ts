// Page objects for the end-to-end tests: the visitor's widget and the admin inbox, reached through
// their open shadow roots (Playwright's CSS engine pierces them).
import { mkdir } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';

/** Polls `check` until it returns a truthy value (or throws the last error after `timeoutMs`). */
export async function waitUntil<T>(check: () => Promise<T> | T, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = new Error(`not yet: ${what}`);
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : '.data/screenshots';

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
}

export class WidgetPage {
  constructor(readonly page: Page) {}

  get launcher(): Locator {
    return this.page.locator('support-chat button[part="launcher"]');
  }

  get badge(): Locator {
    return this.page.locator('support-chat [part="badge"]');
  }

  get input(): Locator {
    return this.page.locator('support-chat [part="input"]');
  }

  get panel(): Locator {
    return this.page.locator('support-chat [part="panel"]');
  }

  async isOpen(): Promise<boolean> {
    return (await this.launcher.getAttribute('aria-expanded')) === 'true';
  }

  async open(): Promise<void> {
    if (!(await this.isOpen())) await this.launcher.click();
    await this.input.waitFor({ state: 'visible' });
  }

  async close(): Promise<void> {
    if (await this.isOpen()) await this.launcher.click();
    await waitUntil(async () => !(await this.isOpen()), 'widget closed');
  }

  async send(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press('Enter');
  }

  /** Texts of stored and pending messages, in display order. */
  async messageTexts(): Promise<string[]> {
    return this.page.locator('support-chat [part~="message"] .bubble').evaluateAll((nodes) =>
      nodes.map((n) => {
        const clone = n.cloneNode(true) as HTMLElement;
        clone.querySelectorAll('.sr').forEach((sr) => sr.remove());
        return (clone.textContent ?? '').trim();
      }),
    );
  }

  async badgeText(): Promise<string | null> {
    if (await this.badge.isHidden()) return null;
    return (await this.badge.textContent())?.trim() ?? null;
  }

  async connectionText(): Promise<string> {
    return ((await this.page.locator('support-chat [part="status"] .state').textContent()) ?? '').trim();
  }
}

export class AdminPage {
  constructor(readonly page: Page) {}

  card(text: string): Locator {
    return this.page.locator('support-admin button[part="card"]', { hasText: text });
  }

  get cards(): Locator {
    return this.page.locator('support-admin button[part="card"]');
  }

  tab(name: 'Active' | 'Archived'): Locator {
    return this.page.locator('support-admin [role="tab"]', { hasText: name });
  }

  get reply(): Locator {
    return this.page.locator('support-admin [part="reply"]');
  }

  get archiveButton(): Locator {
    return this.page.locator('support-admin [part="archive-button"]');
  }

  async openChat(text: string): Promise<void> {
    await this.card(text).first().click();
    await this.reply.waitFor({ state: 'visible' });
  }

  async send(text: string): Promise<void> {
    await this.reply.fill(text);
    await this.reply.press('Enter');
  }

  async conversationTexts(): Promise<string[]> {
    return this.page.locator('support-admin [part="conversation"] [part~="message"] .bubble').allTextContents();
  }
}
