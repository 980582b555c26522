// Builds the embeddable bundles with esbuild: widget/dist/support-chat.js and support-admin.js,
// minified ES modules with Lit inside; lazily imported parts become content-hashed chunks.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const entries = {
  'support-chat': 'widget/src/support-chat/index.ts',
  'support-admin': 'widget/src/support-admin/index.ts',
};
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, path]) => existsSync(path)));

await rm('widget/dist', { recursive: true, force: true });
if (Object.keys(entryPoints).length > 0) {
  const started = Date.now();
  await build({
    entryPoints,
    outdir: 'widget/dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    target: ['es2021'],
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  console.log(`built ${Object.keys(entryPoints).join(', ')} in ${Date.now() - started} ms`);
}
