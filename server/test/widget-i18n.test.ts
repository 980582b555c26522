// The catalogues a browser fetches at /widget/i18n/<surface>/<lang>.json: the widget's and the
// inbox's, every shipped language but English (which is in the bundles), and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogues } from '../../widget/src/i18n/catalogues.js';
import { LANGUAGES } from '../../widget/src/i18n/i18n.js';
import { createTestApp, type TestContext } from './support/helper.js';

describe('GET /widget/i18n/:surface/:lang.json', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx.close());

  const get = (url: string) => ctx.app.inject({ method: 'GET', url });

  it('serves the widget and inbox catalogues of every shipped language, cacheable', async () => {
    for (const surface of ['chat', 'admin']) {
      for (const lang of LANGUAGES) {
        const res = await get(`/widget/i18n/${surface}/${lang}.json`);
        expect(res.statusCode, `${surface}/${lang}`).toBe(200);
        expect(res.headers['content-type']).toContain('application/json');
        expect(res.headers['cache-control']).toContain('max-age');
        expect(res.json()).toEqual(catalogues[surface]![lang]);
      }
    }
    expect((await get('/widget/i18n/chat/de.json')).json().send).toBe('Senden');
    expect((await get('/widget/i18n/admin/ar.json')).json().title).toBe('محادثات الدعم');
  });

  it('404s unknown surfaces and languages, and paths that are not a catalogue', async () => {
    for (const url of [
      '/widget/i18n/chat/xx.json',
      '/widget/i18n/admin/ja.json',
      '/widget/i18n/nope/de.json',
      '/widget/i18n/chat/de',
      '/widget/i18n/admin/de.js',
      '/widget/i18n/toString/de.json',
      '/widget/i18n/__proto__/de.json',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });
});
