// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by module.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time not idle (everything but "(idle)"). */
  busyMs: number;
  functions: { name: string; where: string; selfMs: number; share: number }[];
  modules: { module: string; selfMs: number; share: number }[];
}

/** "postgres", "ws", "fastify", "server/src/realtime/hub.ts", "node:internal", "(garbage collector)"... */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = path.indexOf('/server/src/');
  if (src >= 0) return path.slice(src + 1);
  if (path.startsWith('node:')) return path.split('/')[0]!.replace(/^node:internal.*/, 'node (internal)');
  return path.split('/').slice(-2).join('/');
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const mod = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const module = moduleOf(url, functionName);
    const name = functionName || '(anonymous)';
    const where = url ? `${module}:${lineNumber + 1}` : module;
    const key = `${name}@${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    mod.set(module, (mod.get(module) ?? 0) + us);
  }
  const busy = total - idle;
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, share: f.us / busy })),
    modules: [...mod.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, selfMs: us / 1000, share: us / busy })),
  };
}

/** The main thread's profile in `dir` (the largest: tsx's loader thread writes a small one too). */
export async function readProfile(dir: string): Promise<CpuProfile> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  const sized = await Promise.all(files.map(async (f) => ({ f, size: (await stat(join(dir, f))).size })));
  sized.sort((a, b) => b.size - a.size);
  return JSON.parse(await readFile(join(dir, sized[0]!.f), 'utf8')) as CpuProfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const summary = summarizeProfile(await readProfile(process.argv[2] ?? '.'), Number(process.argv[3] ?? 25));
  console.log(`busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms`);
  for (const m of summary.modules) console.log(`${(m.share * 100).toFixed(1).padStart(5)}%  ${m.module}`);
  console.log('');
  for (const f of summary.functions) console.log(`${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
}
