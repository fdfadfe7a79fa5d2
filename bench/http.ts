/**
 * HTTP service benchmark (issue 8): autocannon against a real `fertility serve` child process
 * (the built CLI, as `npm start` runs it) on a fresh embedded SQLite file, local mode (no key).
 *
 * 1. `/v1/ask` at 50 connections over a fixed mix of questions (answered, abstaining, out of
 *    scope, urgent; some with a couple profile): throughput, latency p50/p99, errors and non-2xx.
 *    Every one of these answers is audited (group commit, synchronous = FULL) before it is sent.
 * 2. Resident memory of the server sampled every second over 60 s of the same load: first, last,
 *    min, max and the least-squares slope, so "flat or not" is a number, not an impression.
 * 3. After stopping the server (SIGTERM, drained), the audit log is checked: one `answer.ask`
 *    record per 2xx answer, and the hash chain verifies.
 *
 * The load generator runs on the same machine and takes CPU from the server: figures are for
 * this machine as a whole, and indicative when other work runs beside it.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/adapters/open-store.js';
import { createEngine } from '../src/engine.js';
import { startServeProcess, request, type ServeProcess } from '../src/apps/http/processes.js';
import type { AuditRecord, Store } from '../src/ports/store.js';
import { PROJECT_ROOT } from '../src/paths.js';
import type { BenchOptions, BenchSection } from './types.js';

interface CannonResult {
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}
interface CannonRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests: CannonRequest[];
  timeout?: number;
  /** Requests per second over all connections (open loop); unset: as fast as answers come back. */
  overallRate?: number;
}) => Promise<CannonResult>;

// autocannon is CommonJS without bundled types.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The fixed question mix (every connection cycles through it in order). */
export function questionMix(): CannonRequest[] {
  const intake = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'fixtures', 'intakes', 'unexplained.json'), 'utf8'),
  ) as unknown;
  const questions: Array<{ question: string; profile?: unknown }> = [
    { question: 'Does smoking reduce fertility?' },
    { question: 'What is a normal AMH level?' },
    { question: 'How long should we try before seeing a fertility specialist?' },
    { question: 'Is IVF better than IUI for unexplained infertility?', profile: intake },
    { question: 'What is the capital of France?' },
    { question: 'I have severe abdominal pain and swelling after egg collection' },
    { question: 'Does metformin help women with PCOS ovulate?' },
    { question: 'What does a low sperm count mean?' },
    { question: 'Should we go straight to IVF?', profile: intake },
    { question: 'Can vitamin D improve IVF success?' },
  ];
  return questions.map((q) => ({
    method: 'POST',
    path: '/v1/ask',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(q),
  }));
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function allAudit(store: Store, tenantId: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (;;) {
    const page = await store.listAudit(tenantId, { afterSeq: out.at(-1)?.seq ?? 0, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

interface Throughput {
  workers: number;
  seconds: number;
  requestsPerSecond: number;
  total: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Throughput and latency of a fresh server with `workers` processes (warm-up not counted). */
async function measureThroughput(
  dir: string,
  workers: number,
  seconds: number,
  warmupS: number,
): Promise<Throughput> {
  const db = join(dir, `throughput-${workers}.db`);
  const server = await startServeProcess(['--db', db, '--log-level', 'warn', '--workers', String(workers)]);
  try {
    const requests = questionMix();
    await autocannon({ url: server.url, connections: CONNECTIONS, duration: warmupS, requests });
    const r = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: seconds,
      requests,
      timeout: 10,
    });
    return {
      workers,
      seconds,
      requestsPerSecond: round(r.requests.average),
      total: r.requests.total,
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
    };
  } finally {
    await server.stop();
  }
}

const CONNECTIONS = 50;
/** The unloaded measurement: one connection at a fixed rate, far below what one process serves. */
const UNLOADED_RATE = 200;

interface Unloaded {
  connections: 1;
  offeredPerSecond: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
}

/**
 * Latency when the service is not saturated: one connection sending UNLOADED_RATE requests a
 * second to one process. The closed-loop runs above keep 50 requests waiting at all times, so their
 * latency is mostly queueing (50 ÷ throughput); this is the time one answer takes, audit commit
 * (fsync) included. One connection, because autocannon's rate limiting releases the requests of
 * several connections together, which measures their queue again.
 */
async function measureUnloaded(dir: string, seconds: number, warmupS: number): Promise<Unloaded> {
  const server = await startServeProcess(['--db', join(dir, 'unloaded.db'), '--log-level', 'warn']);
  try {
    const requests = questionMix();
    // Warm the JIT with the saturating load first, then measure at the low rate.
    await autocannon({ url: server.url, connections: CONNECTIONS, duration: warmupS, requests });
    const r = await autocannon({
      url: server.url,
      connections: 1,
      duration: seconds,
      requests,
      timeout: 10,
      overallRate: UNLOADED_RATE,
    });
    return {
      connections: 1,
      offeredPerSecond: UNLOADED_RATE,
      seconds,
      requestsPerSecond: round(r.requests.average),
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      errors: r.errors + r.timeouts + r.non2xx,
    };
  } finally {
    await server.stop();
  }
}

/**
 * The same mix answered by the engine alone, in this process, one at a time, no HTTP and no
 * audit: the ceiling one core could reach, against which the service's own cost is read.
 */
async function engineAlone(
  n: number,
  warmup: number,
): Promise<{ asks: number; msPerAsk: number; perCorePerSecond: number }> {
  const engine = await createEngine({});
  const mix = questionMix().map((r) => JSON.parse(r.body) as { question: string; profile?: unknown });
  const ask = (i: number) => {
    const q = mix[i % mix.length]!;
    return engine.ask(q.question, q.profile === undefined ? {} : { profile: q.profile });
  };
  // Warm-up: the optimising compiler keeps working for several thousand answers (measured: about
  // 0.3 ms per answer after 500, 0.21 ms from about 7,000 on), and the service is measured warm.
  for (let i = 0; i < warmup; i++) await ask(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await ask(i);
  const ms = (performance.now() - t0) / n;
  return { asks: n, msPerAsk: round(ms, 3), perCorePerSecond: Math.round(1000 / ms) };
}

/** The lowest RSS in each window of `seconds` (after each GC), to see growth through the sawtooth. */
function troughs(
  samples: Array<{ t: number; rssMb: number }>,
  seconds: number,
): Array<{ t: number; mb: number }> {
  const out: Array<{ t: number; mb: number }> = [];
  // Whole windows only: the last, partial one holds a sample or two taken wherever the GC sawtooth
  // happened to be when the load stopped, which is not a trough.
  const end = samples.at(-1)?.t ?? 0;
  for (let start = 0; start + seconds <= end + 0.5; start += seconds) {
    const w = samples.filter((x) => x.t >= start && x.t < start + seconds);
    if (w.length === 0) continue;
    const low = w.reduce((a, b) => (b.rssMb < a.rssMb ? b : a));
    out.push({ t: round(low.t), mb: round(low.rssMb) });
  }
  return out;
}

export async function run(opts: BenchOptions): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fertility-bench-http-'));
  const db = join(dir, 'bench.db');
  const connections = CONNECTIONS;
  const measureS = opts.quick ? 3 : 20;
  const warmupS = opts.quick ? 1 : 5;
  const rssS = opts.quick ? 5 : 60;
  let server: ServeProcess | null = null;
  try {
    const alone = await engineAlone(opts.quick ? 300 : 3000, opts.quick ? 300 : 8000);
    const throughput = [
      await measureThroughput(dir, 1, measureS, warmupS),
      await measureThroughput(dir, 2, measureS, warmupS),
    ];
    const unloaded = await measureUnloaded(dir, measureS, warmupS);

    // One process under the same load for rssS seconds: memory sampled every second, then the audit log checked.
    server = await startServeProcess(['--db', db, '--log-level', 'warn']);
    const pid = server.child.pid!;
    const requests = questionMix();
    const warm = await autocannon({ url: server.url, connections, duration: warmupS, requests });
    const samples: Array<{ t: number; rssMb: number }> = [];
    const t0 = performance.now();
    const sampler = setInterval(
      () => samples.push({ t: (performance.now() - t0) / 1000, rssMb: rssKb(pid) / 1024 }),
      1000,
    );
    samples.push({ t: 0, rssMb: rssKb(pid) / 1024 });
    const sustained = await autocannon({
      url: server.url,
      connections,
      duration: rssS,
      requests,
      timeout: 10,
    });
    clearInterval(sampler);
    samples.push({ t: (performance.now() - t0) / 1000, rssMb: rssKb(pid) / 1024 });

    const metrics = (await request(server.url, { path: '/metrics' })).body;
    const batchSum = Number(/fertility_audit_batch_size_sum (\S+)/.exec(metrics)?.[1] ?? NaN);
    const batchCount = Number(/fertility_audit_batch_size_count (\S+)/.exec(metrics)?.[1] ?? NaN);

    const code = await server.stop();
    server = null;
    const store = await openStore(db);
    let audited = 0;
    let chainOk = false;
    try {
      const local = await store.getTenant('local');
      audited = (await allAudit(store, local!.id)).filter((r) => r.kind === 'answer.ask').length;
      chainOk = (await store.verifyAudit()).ok;
    } finally {
      await store.close();
    }
    const answered2xx = warm['2xx'] + sustained['2xx'];
    const rss = samples.map((s) => s.rssMb);
    const rssSlope = slope(
      samples.map((s) => s.t),
      rss,
    ); // MB per second
    const lows = troughs(samples, 10);
    const data = {
      engineAlone: alone,
      connections,
      questionMix: requests.length,
      throughput,
      unloaded,
      rss: {
        seconds: rssS,
        samples: samples.map((s) => ({ t: round(s.t), mb: round(s.rssMb) })),
        firstMb: round(rss[0]!),
        lastMb: round(rss.at(-1)!),
        minMb: round(Math.min(...rss)),
        maxMb: round(Math.max(...rss)),
        slopeMbPerMinute: round(rssSlope * 60, 2),
        troughsPer10s: lows,
        // The first window holds the heap growing to its working size; growth is judged after it.
        troughSlopeMbPerMinute: round(
          slope(
            lows.slice(1).map((x) => x.t),
            lows.slice(1).map((x) => x.mb),
          ) * 60,
          2,
        ),
        requestsPerSecond: round(sustained.requests.average),
        latencyP99Ms: sustained.latency.p99,
        errors: sustained.errors + sustained.timeouts + sustained.non2xx,
      },
      audit: {
        meanBatchSize: round(batchSum / batchCount, 2),
        answerRecords: audited,
        answers2xxReceived: answered2xx,
        chainVerifies: chainOk,
        serverExit: code,
      },
    };
    const row = (t: Throughput): string =>
      `| \`/v1/ask\`, ${t.workers} process${t.workers > 1 ? 'es' : ''} (\`--workers ${t.workers}\`) | ${t.requestsPerSecond} | ${t.latencyMs.p50} / ${t.latencyMs.p99} / ${t.latencyMs.max} | ${t.errors} / ${t.timeouts} / ${t.non2xx} |`;
    const md = [
      `| ${connections} connections, ${measureS} s | requests/s | latency p50 / p99 / max (ms) | errors / timeouts / non-2xx |`,
      '| --- | --- | --- | --- |',
      ...throughput.map(row),
      `| \`/v1/ask\`, 1 process, unloaded: 1 connection at ${unloaded.offeredPerSecond} requests/s offered | ${unloaded.requestsPerSecond} | ${unloaded.latencyMs.p50} / ${unloaded.latencyMs.p99} / ${unloaded.latencyMs.max} | ${unloaded.errors} (all kinds) |`,
      `| the engine alone, same mix, one at a time in-process (no HTTP, no audit) | ${alone.perCorePerSecond} per core (${alone.msPerAsk} ms per answer) | | |`,
      '',
      '| one process under the same load | value |',
      '| --- | --- |',
      `| RSS over ${rssS} s (first → last, min–max) | ${data.rss.firstMb} → ${data.rss.lastMb} MB (${data.rss.minMb}–${data.rss.maxMb}) |`,
      `| RSS slope (least squares over all samples; the GC sawtooth weighs in) | ${data.rss.slopeMbPerMinute} MB/min |`,
      `| lowest RSS per 10 s window (after GC) | ${lows.map((x) => x.mb).join(', ')} MB — slope after the first window ${data.rss.troughSlopeMbPerMinute} MB/min |`,
      `| throughput, p99, errors during that run | ${data.rss.requestsPerSecond} requests/s, ${data.rss.latencyP99Ms} ms, ${data.rss.errors} |`,
      `| audit records per commit (group commit, mean) | ${data.audit.meanBatchSize} |`,
      `| audit after SIGTERM (exit ${code}) | ${audited} \`answer.ask\` records for ${answered2xx} 2xx answers received (requests still in flight when the load generator stops are answered and audited but not counted); chain ${chainOk ? 'verifies' : 'BROKEN'} |`,
      '',
      `Method: \`fertility serve\` (built CLI) on a fresh SQLite file in local mode; autocannon in the benchmark process on the same machine, ` +
        `${connections} connections cycling through ${requests.length} fixed questions (answered, abstaining, out-of-scope, urgent; 2 with a couple profile); ` +
        `${warmupS} s warm-up not counted. The unloaded row sends one request at a time at a fixed rate (open loop) after a saturating warm-up: ` +
        `the time one answer takes when nothing queues ahead of it. Every 2xx answer was audited (SQLite synchronous=FULL, group commit) before it was sent. ` +
        `The load generator shares the CPU with the server.`,
    ].join('\n');
    return [{ id: 'http', title: 'HTTP service: /v1/ask under load, and memory', markdown: md, data }];
  } finally {
    if (server) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
