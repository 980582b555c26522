// Builds the embeddable bundles with esbuild: widget/dist/support-chat.js and support-admin.js,
// minified ES modules with Lit inside; lazily imported parts become content-hashed chunks.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';

/** CSS in `*.styles.ts` template literals is plain text to esbuild: squeeze its whitespace and comments. */
export function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .trim();
}

const minifyStyles = {
  name: 'minify-styles',
  setup(build) {
    build.onLoad({ filter: /\.styles\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      // Template literals without interpolations only (our style files have none).
      return { contents: source.replace(/`([^`$]*)`/g, (_, css) => `\`${minifyCss(css)}\``), loader: 'ts' };
    });
  },
};

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
    target: ['es2022'],
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [minifyStyles],
  });
  console.log(`built ${Object.keys(entryPoints).join(', ')} in ${Date.now() - started} ms`);
}
