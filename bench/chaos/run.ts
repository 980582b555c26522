// `npm run chaos`: the full chaos run (about 2,000 clients, several minutes on 2 cores), on a database
// of its own; prints the report and writes it into docs/reliability.md between the chaos markers.
// Options: --visitors N --admins N --messages N --duration-s N --drops N --cuts N --seed N --no-doc
import { readFile, writeFile } from 'node:fs/promises';
import postgres from 'postgres';
import { migrateDatabase } from '../../server/src/db/migrate.js';
import { benchServerUrl, databaseUrl, stopBenchServer } from '../lib.js';
import { reportMarkdown, runChaos } from './harness.js';

const DOC = 'docs/reliability.md';
const BEGIN = '<!-- chaos:begin -->';
const END = '<!-- chaos:end -->';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const serverUrl = await benchServerUrl();
  const name = `sc_chaos_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name}`);
  await admin.unsafe(`create database ${name}`);
  const url = databaseUrl(serverUrl, name);
  try {
    await migrateDatabase(url);
    const report = await runChaos({
      databaseUrl: url,
      visitors: arg('visitors', 1900),
      admins: arg('admins', 100),
      messages: arg('messages', 12_000),
      durationMs: arg('duration-s', 150) * 1000,
      connectionDrops: arg('drops', 2),
      cutsPerSecond: arg('cuts', 20),
      seed: arg('seed', 0x5eed),
      log: (line) => console.log(`[chaos +${Math.round(process.uptime())}s] ${line}`),
    });
    const markdown = reportMarkdown(report);
    console.log(`\n${markdown}\n`);
    console.log(JSON.stringify(report, null, 2));
    if (!process.argv.includes('--no-doc')) {
      const doc = await readFile(DOC, 'utf8');
      const from = doc.indexOf(BEGIN);
      const to = doc.indexOf(END);
      if (from >= 0 && to > from) {
        await writeFile(DOC, `${doc.slice(0, from + BEGIN.length)}\n${markdown}\n${doc.slice(to)}`);
        console.log(`wrote the figures into ${DOC}`);
      }
    }
    process.exitCode = report.problems.length === 0 && report.counts.lost === 0 && report.counts.duplicated === 0 ? 0 : 1;
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    await stopBenchServer();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
