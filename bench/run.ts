// `npm run bench`: every benchmark in one run, each figure next to its baseline measured in the
// same run (this 2-core machine is shared and noisy: ratios, not absolutes). Writes
// bench/results.md and bench/results.json through recordSection.
//   BENCH_SECONDS   seconds per measured load (default 5)
//   BENCH_SOCKETS   idle sockets for the memory figure (default 10000)
//   BENCH_CHATS     admin-list data set (default 100000 chats x 50 messages; loaded once, kept)
//   BENCH_ONLY      comma-separated sections to run (path,profile,connections,admin,widget,email,write)
import { runAdminListBench } from './admin-list.js';
import { runConnections } from './connections.js';
import { runEmail } from './email.js';
import { benchServerUrl, recordSection, round, stopBenchServer } from './lib.js';
import { freshDatabase, overhead, runMessagePath } from './message-path.js';
import { runMessageWriteBench } from './message-write.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { load, startServer, type LoadResult } from './realtime/harness.js';
import { runWidget } from './widget.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'path,profile,connections,admin,widget,email,write').split(','));
const began = performance.now();
const elapsed = () => `${round((performance.now() - began) / 1000, 0)} s`;
const log = (line: string) => console.log(line);
const x = (v: number) => `${round(v, 2)}x`;
const ms = (v: number) => `${round(v, 1)} ms`;
const kib = (bytes: number) => `${round(bytes / 1024, 1)} KiB`;
const machine = `Machine: ${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores, Node ${process.version}; load average at start ${(await import('node:os')).loadavg().map((v) => round(v, 1)).join(' / ')}.`;

const serverUrl = await benchServerUrl();
log(`bench: Postgres at ${new URL(serverUrl).host}; ${SECONDS} s per load`);

// 1. Message path ----------------------------------------------------------------------------------
if (ONLY.has('path')) {
  log(`[${elapsed()}] message path`);
  const path = await runMessagePath({
    serverUrl,
    seconds: SECONDS,
    concurrency: [1, 10, 100, 1000],
    rate: 200,
    rateChats: 20,
    twoInstanceChats: [10, 100],
    log,
  });
  const table = [['Concurrent chats', 'raw ws relay', 'bare INSERT loop', 'support-chat', 'vs relay', 'overhead over relay + insert']];
  const fmt = (r: LoadResult) => `${round(r.msgPerSec, 0)} msg/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`;
  for (const [i, chats] of path.concurrency.entries()) {
    const raw = path.raw[i]!;
    const insert = path.insert[i]!;
    const app = path.app[i]!;
    const o = overhead(app, raw, insert);
    table.push([String(chats), fmt(raw), fmt(insert), fmt(app), `${x(app.msgPerSec / raw.msgPerSec)} msg/s`, `${x(o.throughput)} time/msg, ${x(o.p99)} p99`]);
  }
  const f = path.fixedRate;
  const fo = overhead(f.app, f.raw, f.insert);
  table.push([`${f.rate} msg/s offered over ${f.chats} chats`, fmt(f.raw), fmt(f.insert), fmt(f.app), `p99 ${x(f.app.p99 / f.raw.p99)}`, `${x(fo.p99)} p99`]);
  const best = Math.max(...path.app.map((r) => r.msgPerSec));
  await recordSection('message-path', {
    title: 'Message path: send -> persisted -> delivered',
    table,
    notes: [
      `Targets: >= 1,000 msg/s per process: ${best >= 1000 ? 'met' : 'MISSED'} (best ${round(best, 0)} msg/s); p99 < 50 ms at ${f.rate} msg/s: ${f.app.p99 < 50 ? 'met' : 'MISSED'} (${ms(f.app.p99)}, ${f.app.errors} errors).`,
      'Per chat: a visitor subscribed to its own chat (as the widget is) sending with 4 sends in flight (a new one on each ack), an agent subscribed to the chat; plus one agent on the admin channel (an open inbox). msg/s counts messages delivered to the chat agents; latency is send -> agent new_message.',
      'Raw relay: the same frames over bare `ws` in memory (no auth check, no database, no NOTIFY). Bare INSERT: postgres.js, one INSERT per message into support_messages, one loop per chat, pool of 10 as the app; its latency is the INSERT round trip.',
      'Overhead = time per message of support-chat / (time per message of the relay + of the INSERT loop), i.e. how far the full path is from the sum of its two irreducible parts.',
      `Warm-up ${Math.min(1, SECONDS * 0.2)} s per load, then ${SECONDS} s measured. Server in a child process; clients in the bench process.`,
      machine,
    ],
    data: path as unknown as Record<string, unknown>,
  });
  const twoTable = [['Chats', 'one instance', 'visitors on A, agents + inbox on B', 'msg/s ratio', 'p99 ratio']];
  for (const t of path.twoInstances) {
    twoTable.push([String(t.chats), fmt(t.one), fmt(t.two), x(t.two.msgPerSec / t.one.msgPerSec), x(t.two.p99 / t.one.p99)]);
  }
  await recordSection('two-instances', {
    title: 'Two instances (LISTEN/NOTIFY fan-out)',
    table: twoTable,
    notes: [
      'Two app processes on one database; each message is inserted on A and reaches B only through NOTIFY, which carries the stored message and inbox item (B reads the table only for a message too long for the payload, or after a gap).',
      'Both rows measured back to back in the same run; both servers share the 2 cores with Postgres and the clients.',
    ],
    data: { twoInstances: path.twoInstances },
  });
}

// 2. Where the time goes: CPU profile ----------------------------------------------------------------
if (ONLY.has('profile')) {
  log(`[${elapsed()}] profile`);
  const dbUrl = await freshDatabase(serverUrl, 'sc_bench_profile');
  // One server, profiled while it carries the 10- and 100-chat loads of the message path.
  const app = await startServer('app', dbUrl);
  await app.startProfile();
  const table = [['Chats', 'msg/s', 'p50', 'p99']];
  for (const chats of [10, 100]) {
    const r = await load({ mode: 'app', senderUrl: app.url, chats, tag: `p${chats}`, seconds: SECONDS });
    table.push([String(chats), String(round(r.msgPerSec, 0)), ms(r.p50), ms(r.p99)]);
    log(`  profiled, ${chats} chats: ${round(r.msgPerSec, 0)} msg/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
  }
  const profile = summarizeProfile(JSON.parse(await app.stopProfile()), 12);
  await app.close();
  const profileRows = (p: ProfileSummary) => [
    `busy ${round(p.busyMs / 1000, 1)} s of ${round(p.totalMs / 1000, 1)} s sampled`,
    `modules: ${p.modules.slice(0, 8).map((m) => `${m.module} ${round(m.share * 100, 1)}%`).join(', ')}`,
    `functions: ${p.functions.slice(0, 10).map((f) => `${f.name} (${f.where}) ${round(f.share * 100, 1)}%`).join(', ')}`,
  ];
  await recordSection('profile', {
    title: 'Where the time goes (server CPU profile)',
    table,
    notes: [
      `Profile: ${profileRows(profile).join('; ')}.`,
      'Self time, V8 sampling profiler (inspector, 0.5 ms interval) in the server child during the loads. "(native)" is mostly writeBuffer / writev: the socket write syscalls to Postgres and to WebSocket clients (loopback TCP cost is charged to the writer).',
      'The optimisation this led to (fewer round trips per message: one statement instead of a 7-statement transaction) is measured before / after in the same run under "Message writes".',
    ],
    data: { profile },
  });
}

// 3. Connections -------------------------------------------------------------------------------
if (ONLY.has('connections')) {
  log(`[${elapsed()}] connections`);
  const c = await runConnections({ serverUrl, sockets: SOCKETS, reconnects: [10_000, 2_000].filter((r) => r <= SOCKETS), log });
  const table = [['Measure', 'support-chat', 'raw ws', 'ratio', 'target']];
  table.push([`heap per idle authenticated socket (${SOCKETS.toLocaleString('en')})`, kib(c.memory.app.heapPerSocket), kib(c.memory.raw.heapPerSocket), x(c.memory.app.heapPerSocket / c.memory.raw.heapPerSocket), '< 16 KiB']);
  table.push([`RSS per idle authenticated socket (${SOCKETS.toLocaleString('en')})`, kib(c.memory.app.rssPerSocket), kib(c.memory.raw.rssPerSocket), x(c.memory.app.rssPerSocket / c.memory.raw.rssPerSocket), '< 16 KiB']);
  table.push([`time to open + authenticate ${SOCKETS.toLocaleString('en')} sockets`, `${round(c.memory.app.connectSeconds, 1)} s`, `${round(c.memory.raw.connectSeconds, 1)} s`, x(c.memory.app.connectSeconds / c.memory.raw.connectSeconds), '']);
  for (const [i, app] of c.reconnect.app.entries()) {
    const raw = c.reconnect.raw[i]!;
    table.push([`${app.clients.toLocaleString('en')} clients reconnect + catch up after a restart`, `${round(app.seconds, 2)} s`, `${round(raw.seconds, 2)} s`, x(app.seconds / raw.seconds), app.clients >= 10_000 ? '< 10 s' : '< 5 s']);
  }
  const memOk = c.memory.app.heapPerSocket < 16 * 1024 && c.memory.app.rssPerSocket < 16 * 1024;
  const tenK = c.reconnect.app.find((r) => r.clients === 10_000);
  await recordSection('connections', {
    title: 'Connections: idle memory and reconnect storms',
    table,
    notes: [
      `Targets: memory < 16 KiB per socket: ${memOk ? 'met' : 'MISSED'}; 10,000 reconnects < 10 s: ${tenK ? (tenK.seconds < 10 ? 'met' : 'MISSED') : 'not run'}.`,
      'Memory: the server process alone (its own child; clients in the bench process), heapUsed and RSS after a forced GC, before and after opening the sockets, divided by the count. App sockets are authenticated (JWT checked, user and chat looked up); raw ones got a `ready` reply.',
      `Restart: the server closes every socket (1012), one message per chat is written while it is down, a new server process starts (restart took ${c.reconnect.app.map((r) => `${round(r.restartSeconds, 1)} s`).join(' / ')}, not counted), then the clients reconnect 200 at a time: open, auth, subscribe with after_seq, receive the missed message, subscribed. Missed messages delivered: ${c.reconnect.app.map((r) => `${r.caughtUp} of ${r.clients}`).join(', ')}.`,
      `Open-file limit here: 20,000 per process (ulimit -n), so 10,000 sockets per side.`,
    ],
    data: c as unknown as Record<string, unknown>,
  });
}

// 4. Admin list ------------------------------------------------------------------------------------
if (ONLY.has('admin')) {
  log(`[${elapsed()}] admin list`);
  const section = await runAdminListBench();
  await recordSection('admin-list', section);
  log(`  ${section.table.slice(1).map((r) => `${r[0]}: p99 ${r[2]}`).join('; ')}`);
}

// 5. Widget ------------------------------------------------------------------------------------
if (ONLY.has('widget')) {
  log(`[${elapsed()}] widget`);
  const w = await runWidget({ runs: Number(process.env.BENCH_PAINT_RUNS ?? 7), log });
  const peers = [
    ['Crisp (published)', 130 * 1000],
    ['Chatwoot (published)', 170 * 1024],
    ['Intercom (published)', 600 * 1000],
    ['Papercups (measured, STACK-NOTES)', 124 * 1024],
  ] as const;
  const chat = w.bundles.find((b) => b.name === 'support-chat')!;
  const table = [['Bundle', 'first load (gzip)', 'total (gzip)', ...peers.map(([n]) => `first load vs ${n.split(' ')[0]}`)]];
  for (const b of w.bundles) table.push([`${b.name}.js`, kib(b.firstLoad), kib(b.total), ...peers.map(([, bytes]) => x(b.firstLoad / bytes))]);
  table.push(['minimal Lit element (esbuild, this run)', kib(w.minimalLit), kib(w.minimalLit), ...peers.map(([, bytes]) => x(w.minimalLit / bytes))]);
  table.push(['script load -> launcher painted (Chromium, median)', ms(w.paint.supportChat.median), `minimal Lit: ${ms(w.paint.minimalLit.median)}`, `ratio ${x(w.paint.supportChat.median / w.paint.minimalLit.median)}`, '', '', '']);
  await recordSection('widget', {
    title: 'Widget: bytes and time to launcher',
    table,
    notes: [
      `Peers: Crisp ~130 KB, Chatwoot ~170 KiB, Intercom ~600 kB (published), Papercups 124 KiB (measured here earlier); support-chat's first load is ${x(chat.firstLoad / (124 * 1024))} of Papercups'.`,
      'Sizes: gzip -9 of the entry and every chunk it imports statically (first load), plus chunks reached by import() (total): scripts/size.mjs.',
      `Paint: headless Chromium (playwright-core, /usr/bin/chromium), a fresh context per run, both pages from one local static server, alternating, ${w.paint.runs} runs each after a warm-up. Clock starts when the page inserts the module script; stops two animation frames after the launcher button has a layout box. First-contentful-paint from the same start: support-chat ${ms(w.paint.supportChat.fcp)}, minimal Lit ${ms(w.paint.minimalLit.fcp)}.`,
    ],
    data: w as unknown as Record<string, unknown>,
  });
}

// 6. Email --------------------------------------------------------------------------------------
if (ONLY.has('email')) {
  log(`[${elapsed()}] email`);
  const e = await runEmail({ serverUrl, jobs: Number(process.env.BENCH_EMAILS ?? 300), log });
  await recordSection('email', {
    title: 'Email: reply jobs through the worker to the SES emulator',
    table: [
      ['What', 'emails/s', 'time', 'ratio'],
      [`bare SendRawEmail loop (${e.concurrency} in flight, baseline)`, String(round(e.bare.perSecond, 0)), `${round(e.bare.seconds, 2)} s`, '1.0x'],
      [`graphile-worker send_reply_email (concurrency ${e.concurrency})`, String(round(e.worker.perSecond, 0)), `${round(e.worker.seconds, 2)} s`, x(e.worker.perSecond / e.bare.perSecond)],
    ],
    notes: [
      `${e.worker.done} of ${e.jobs} jobs done (capped at 60 s), one per chat with an unread admin reply, added in one statement to an idle worker (WORKER_CONCURRENCY default); clock stops when the job table is empty. Emails in the emulator afterwards: ${e.worker.delivered} (worker), ${e.bare.delivered} (bare).`,
      'Each job: claim in a transaction (guards re-checked, row lock, support_emails row), MIME build, SendRawEmail, confirm; the bare loop only sends.',
    ],
    data: e as unknown as Record<string, unknown>,
  });
}

// 7. Message writes (the write half alone) --------------------------------------------------------
if (ONLY.has('write')) {
  log(`[${elapsed()}] message writes`);
  await recordSection('message-write', await runMessageWriteBench());
}

await stopBenchServer();
log(`[${elapsed()}] done: bench/results.md`);
process.exit(0);
