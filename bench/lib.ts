// Shared helpers for the benchmarks: percentiles, a database to load, results files.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import postgres from 'postgres';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../server/src/db/embedded.js';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(samples: number[]): { n: number; p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

let embedded: EmbeddedDatabase | undefined;

/** A Postgres server URL: DATABASE_URL when set, else an embedded one kept in .data/bench-postgres. */
export async function benchServerUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  embedded ??= await startEmbeddedPostgres(`${process.cwd()}/.data/bench-postgres`);
  return embedded.url;
}

export async function stopBenchServer(): Promise<void> {
  await embedded?.stop();
  embedded = undefined;
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates database `name` when missing; returns true when it was created. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<boolean> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 from pg_database where datname = ${name}`;
    if (row) return false;
    await admin.unsafe(`create database ${name}`);
    return true;
  } finally {
    await admin.end();
  }
}

export interface BenchSection {
  title: string;
  /** Markdown table rows, header first. */
  table: string[][];
  notes?: string[];
  data: Record<string, unknown>;
}

export function markdownTable(rows: string[][]): string {
  const [header, ...body] = rows;
  if (!header) return '';
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

/** Merges one section into bench/results.json and rewrites bench/results.md from all sections. */
export async function recordSection(key: string, section: BenchSection): Promise<void> {
  await mkdir('bench', { recursive: true });
  let all: Record<string, BenchSection & { measured_at: string }> = {};
  try {
    all = JSON.parse(await readFile('bench/results.json', 'utf8'));
  } catch {
    // first section of a fresh run
  }
  all[key] = { ...section, measured_at: new Date().toISOString() };
  await writeFile('bench/results.json', `${JSON.stringify(all, null, 2)}\n`);
  const parts = ['# Benchmark results', '', 'Written by `npm run bench`; every figure has its baseline from the same run.', ''];
  for (const s of Object.values(all)) {
    parts.push(`## ${s.title}`, '', `Measured ${s.measured_at}.`, '', markdownTable(s.table), '');
    for (const note of s.notes ?? []) parts.push(`- ${note}`);
    if (s.notes?.length) parts.push('');
  }
  await writeFile('bench/results.md', parts.join('\n'));
}
