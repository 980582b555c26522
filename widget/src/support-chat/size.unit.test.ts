// The size budget in CI: builds the bundles into a temp dir and measures them like `npm run size`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
// @ts-expect-error plain ESM build scripts without type declarations
import { buildWidgets } from '../../../scripts/build.mjs';
// @ts-expect-error plain ESM build scripts without type declarations
import { measure, overBudget } from '../../../scripts/size.mjs';

const dir = mkdtempSync(join(tmpdir(), 'support-chat-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps <support-chat> within 12 KiB gzipped at first load and 20 KiB in all', async () => {
  await buildWidgets(dir, { sourcemap: false });
  const results = measure(dir) as Array<{ name: string; firstLoad: number; total: number }>;
  const chat = results.find((r) => r.name === 'support-chat');
  expect(chat).toBeDefined();
  expect(chat!.total).toBeGreaterThan(chat!.firstLoad); // the panel is a separate chunk
  expect(overBudget(results)).toEqual([]);
});
