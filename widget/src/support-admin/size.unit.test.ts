// The inbox bundle in CI: within its 40 KiB budget, with English inside and no other language (those
// are fetched from /widget/i18n/admin/<lang>.json only when chosen).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error plain ESM build scripts without type declarations
import { buildWidgets } from '../../../scripts/build.mjs';
// @ts-expect-error plain ESM build scripts without type declarations
import { measure } from '../../../scripts/size.mjs';
import { catalogues } from '../i18n/catalogues.js';

const KiB = 1024;
const dir = mkdtempSync(join(tmpdir(), 'support-admin-size-'));
beforeAll(() => buildWidgets(dir, { sourcemap: false }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps <support-admin> within 40 KiB gzipped', () => {
  const admin = (measure(dir) as Array<{ name: string; total: number }>).find((r) => r.name === 'support-admin');
  expect(admin).toBeDefined();
  expect(admin!.total).toBeLessThan(40 * KiB);
});

it('bundles the English strings and none of the other languages', () => {
  // esbuild writes non-ASCII characters as escapes: read them back before comparing.
  const bundle = readFileSync(join(dir, 'support-admin.js'), 'utf8').replace(/\\u([0-9a-f]{4})|\\x([0-9a-f]{2})/gi, (_, u, x) =>
    String.fromCharCode(parseInt(u ?? x, 16)),
  );
  const { en, ...others } = catalogues.admin!;
  for (const key of ['selectChatHint', 'emptySearch', 'exportFailed'] as const) {
    expect(bundle, key).toContain(en[key]);
    for (const [lang, catalogue] of Object.entries(others)) expect(bundle, `${lang}.${key}`).not.toContain(catalogue[key]);
  }
});
