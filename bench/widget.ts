// Widget: gzipped bytes (first load and total, scripts/size.mjs) of both bundles against published
// sizes of other chat widgets, and time from script load to launcher painted in Chromium against a
// minimal Lit element bundled with esbuild in the same run, both served by one local static server.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';

export interface WidgetResults {
  bundles: { name: string; firstLoad: number; total: number; files: number }[];
  minimalLit: number;
  paint: { runs: number; supportChat: { median: number; fcp: number }; minimalLit: { median: number; fcp: number } };
}

const MINIMAL_LIT = `
import { LitElement, html, css } from 'lit';
class MinLauncher extends LitElement {
  static styles = css\`button { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0; background: #2563eb; color: #fff; }\`;
  render() { return html\`<button aria-label="Chat">Chat</button>\`; }
}
customElements.define('min-launcher', MinLauncher);
`;

const PAGE = (tag: string, src: string) => `<!doctype html><html><head><meta charset="utf-8"><title>paint</title></head><body>
<${tag}></${tag}>
<script>
window.__paint = new Promise((resolve) => {
  const t0 = performance.now();
  const s = document.createElement('script');
  s.type = 'module';
  s.src = ${JSON.stringify(src)};
  document.head.appendChild(s);
  const el = document.querySelector(${JSON.stringify(tag)});
  const poll = () => {
    const button = el.shadowRoot && el.shadowRoot.querySelector('button');
    const box = button && button.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) {
      // The frame that shows the button: the next animation frame starts after it was painted.
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        resolve({ painted: performance.now() - t0, fcp: fcp ? fcp.startTime - t0 : null });
      }));
    } else requestAnimationFrame(poll);
  };
  poll();
});
</script></body></html>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function runWidget(options: { runs: number; log?: (line: string) => void }): Promise<WidgetResults> {
  const log = options.log ?? console.log;
  const dist = join(process.cwd(), 'widget/dist');
  const sizeModule = '../scripts/size.mjs';
  const { measure } = (await import(sizeModule)) as { measure(dir: string): WidgetResults['bundles'] };
  const bundles = measure(dist).map(({ name, firstLoad, total, files }) => ({ name, firstLoad, total, files }));

  const bundled = await build({
    stdin: { contents: MINIMAL_LIT, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    target: 'es2021',
  });
  const minimal = bundled.outputFiles[0]!.contents;
  const minimalLit = gzipSync(minimal, { level: 9 }).length;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      let body: Buffer | string;
      if (url.pathname === '/support-chat.html') body = PAGE('support-chat', '/dist/support-chat.js');
      else if (url.pathname === '/minimal-lit.html') body = PAGE('min-launcher', '/minimal-lit.js');
      else if (url.pathname === '/minimal-lit.js') body = Buffer.from(minimal);
      else if (url.pathname.startsWith('/dist/')) body = await readFile(join(dist, normalize(url.pathname.slice(6)).replace(/^(\.\.[/\\])+/, '')));
      else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(url.pathname)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // playwright-core gives the browser a fresh profile directory of its own (it refuses --user-data-dir).
  const browser = await chromium.launch(chromiumLaunchOptions());
  const samples = { supportChat: [] as number[], supportChatFcp: [] as number[], minimalLit: [] as number[], minimalLitFcp: [] as number[] };
  try {
    // Alternate the two pages so both see the same machine load; a fresh context each time (no cache).
    for (let i = 0; i < options.runs + 1; i++) {
      for (const [page, key] of [
        ['support-chat.html', 'supportChat'],
        ['minimal-lit.html', 'minimalLit'],
      ] as const) {
        const context = await browser.newContext();
        const tab = await context.newPage();
        await tab.goto(`${base}/${page}`);
        const result = (await tab.evaluate('window.__paint')) as { painted: number; fcp: number | null };
        await context.close();
        if (i === 0) continue; // warm-up
        samples[key].push(result.painted);
        if (result.fcp !== null) samples[`${key}Fcp`].push(result.fcp);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const paint = {
    runs: options.runs,
    supportChat: { median: median(samples.supportChat), fcp: median(samples.supportChatFcp) },
    minimalLit: { median: median(samples.minimalLit), fcp: median(samples.minimalLitFcp) },
  };
  log(`  launcher painted: support-chat ${paint.supportChat.median.toFixed(1)} ms, minimal Lit ${paint.minimalLit.median.toFixed(1)} ms (medians of ${options.runs})`);
  return { bundles, minimalLit, paint };
}
