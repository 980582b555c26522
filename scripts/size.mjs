// `npm run size`: gzipped size of each bundle in widget/dist: the first load (the entry and every
// chunk it imports statically) and the total (plus every chunk reachable by dynamic import()).
// Exits non-zero when a budget is exceeded; the budget test runs the same check in CI.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const KiB = 1024;
/** Bytes gzipped. support-chat: the launcher must appear in 12 KiB; everything, panel included, in 20. */
export const BUDGETS = {
  'support-chat': { firstLoad: 12 * KiB, total: 20 * KiB },
  // The inbox loads as one piece (issue 7's budget).
  'support-admin': { firstLoad: 40 * KiB, total: 40 * KiB },
};

const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/** Files an ES module imports, split into static and dynamic, resolved against its directory. */
function importsOf(path) {
  const code = readFileSync(path, 'utf8');
  const found = { static: [], dynamic: [] };
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["']([^"']+\.js)["']/g)) {
    found.static.push(resolve(dirname(path), m[1]));
  }
  for (const m of code.matchAll(/import\(\s*["']([^"']+\.js)["']\s*\)/g)) found.dynamic.push(resolve(dirname(path), m[1]));
  return found;
}

export function measure(dir) {
  const results = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    const entry = join(dir, file);
    const first = new Set();
    const visit = (path, set, followDynamic) => {
      if (set.has(path)) return;
      set.add(path);
      const { static: statics, dynamic } = importsOf(path);
      for (const dep of statics) visit(dep, set, followDynamic);
      if (followDynamic) for (const dep of dynamic) visit(dep, set, followDynamic);
    };
    visit(entry, first, false);
    const all = new Set();
    visit(entry, all, true);
    const sum = (set) => [...set].reduce((bytes, path) => bytes + gz(path), 0);
    const name = file.replace(/\.js$/, '');
    results.push({ name, firstLoad: sum(first), total: sum(all), files: all.size, budget: BUDGETS[name] });
  }
  return results;
}

export function overBudget(results) {
  return results.flatMap((r) =>
    r.budget
      ? [
          ...(r.firstLoad > r.budget.firstLoad ? [`${r.name} first load ${r.firstLoad} B > ${r.budget.firstLoad} B`] : []),
          ...(r.total > r.budget.total ? [`${r.name} total ${r.total} B > ${r.budget.total} B`] : []),
        ]
      : [],
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL('../widget/dist', import.meta.url));
  if (!existsSync(dir)) {
    console.error('widget/dist is missing: run `npm run build` first');
    process.exit(1);
  }
  const kib = (bytes) => `${(bytes / KiB).toFixed(2)} KiB`;
  const results = measure(dir);
  for (const r of results) {
    const budget = r.budget ? ` (budget ${kib(r.budget.firstLoad)} / ${kib(r.budget.total)})` : '';
    console.log(`${r.name}: first load ${kib(r.firstLoad)}, total ${kib(r.total)} in ${r.files} files, gzipped${budget}`);
  }
  const over = overBudget(results);
  for (const line of over) console.error(`over budget: ${line}`);
  process.exit(over.length ? 1 : 0);
}
