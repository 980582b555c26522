// Builds the embeddable bundles with esbuild: widget/dist/support-chat.js and support-admin.js,
// minified ES modules with Lit inside; lazily imported parts become content-hashed chunks.
// `buildWidgets(outdir)` is also used by the size-budget test, which builds into a temp dir.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const entries = {
  'support-chat': 'widget/src/support-chat/index.ts',
  'support-admin': 'widget/src/support-admin/index.ts',
};

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

export async function buildWidgets(outdir = `${ROOT}widget/dist`, { sourcemap = true } = {}) {
  const entryPoints = Object.fromEntries(
    Object.entries(entries)
      .map(([name, path]) => [name, `${ROOT}${path}`])
      .filter(([, path]) => existsSync(path)),
  );
  await rm(outdir, { recursive: true, force: true });
  // One build per bundle: a site loads only support-chat.js, so sharing chunks with the admin inbox
  // would only split its first load into more, smaller files.
  await Promise.all(Object.entries(entryPoints).map(([name, path]) => buildOne({ [name]: path }, outdir, sourcemap)));
  return Object.keys(entryPoints);
}

function buildOne(entryPoints, outdir, sourcemap) {
  return build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap,
    target: ['es2022'],
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [minifyStyles],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const built = await buildWidgets();
  if (built.length) console.log(`built ${built.join(', ')} in ${Date.now() - started} ms`);
}
