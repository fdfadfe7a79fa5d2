/**
 * End-to-end answer-engine benchmark (issue 5's benchmark point, issue 7 item 4).
 *
 * 1. `engine.ask` in-process over a fixed mix of questions written for this benchmark (English and
 *    five other languages; with and without a couple profile; meant to be answered, to abstain, to
 *    be out of scope, or urgent), and `engine.recommend` over the fixture intakes: median, p95,
 *    p99 and mean, per bank size.
 * 2. Banks: the bundled starter bank (knowledge/) and generated banks of 2,000, 20,000 and (full
 *    run only) 200,000 entries — the starter entries plus synthetic ones from
 *    src/kb/testing/generate-bank.ts, in memory, never written under knowledge/. For each: build
 *    time from entries to a serving engine (validation + snapshot, then the retrieval index), the
 *    first answer after the build, heap and RSS after the build, and peak RSS.
 * 3. In the same process and the same loop, a bare SQLite FTS5 query (bench/peers.ts's FTS5
 *    set-up: better-sqlite3, prepared statement, bm25 ranking, OR of the question's words) over
 *    the same served entries (title; statement + clinician statement) for the same questions,
 *    timed right after each `ask`, so "whole ask p50" and "one FTS5 query p50" share the machine's
 *    state.
 * 4. Cold start: `fertility ask "…" --json --no-audit` (bin/fertility, the built CLI) spawned
 *    several times, wall time from spawn to the answer on stdout and to exit; and in a fresh Node
 *    process, time from process start to the engine module loaded, `createEngine()` resolved
 *    (its own duration: the first call) and the first answer.
 * 5. Normalization throughput over fixtures/lab-reports/ (text, CSV/TSV, FHIR, HL7 v2; PDFs are
 *    in the normalize benchmark): reports and reader lines per second, and RSS.
 * 6. The scaling curve, docs/figures/scaling.png (full run; a quick run writes it to the temp
 *    directory instead, so that a smoke check never replaces the figure of a full run).
 *
 * Each bank, the in-process cold start and the normalization run in their own Node process (this
 * file with `--child …`), so one bank's heap, JIT state and native memory do not land in another's
 * figures. Nothing runs on import.
 *
 *   npm run build && node dist/bench/run.js [--quick] answer
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BeirDoc } from '../eval/beir.js';
import { mean, quantile } from '../eval/metrics.js';
import { drawChart, type Series } from '../eval/plot/chart.js';
import { createEngine, type AuditSink } from '../src/engine.js';
import { KnowledgeBank } from '../src/kb/bank.js';
import { loadBank } from '../src/kb/load.js';
import { generateBankEntries } from '../src/kb/testing/generate-bank.js';
import { KNOWLEDGE_DIR, PROJECT_ROOT } from '../src/paths.js';
import { readReport } from '../src/pipeline/ingest/index.js';
import { normalizeLabReport } from '../src/pipeline/normalize/index.js';
import { engines } from './peers.js';
import type { BenchOptions, BenchSection } from './types.js';

/** What a question of the mix is written to exercise (the measured status is reported beside it). */
type Intent = 'answer' | 'abstain' | 'out-of-scope' | 'urgent';

interface MixQuestion {
  text: string;
  lang: 'en' | 'fr' | 'es' | 'de' | 'pt' | 'ar';
  intent: Intent;
  /** A fixture intake (fixtures/intakes/<name>.json) sent as the profile. */
  profile?: string;
}

/**
 * The question mix, written for this benchmark (not taken from the evaluation sets). `intent` is
 * what each question was written to exercise; what the engine actually returned is measured and
 * reported per bank (it changes when synthetic entries are added).
 */
export const QUESTION_MIX: readonly MixQuestion[] = [
  { lang: 'en', intent: 'answer', text: "Does smoking affect a man's sperm quality?" },
  { lang: 'en', intent: 'answer', text: 'Is letrozole the first choice to induce ovulation in PCOS?' },
  { lang: 'en', intent: 'answer', text: 'How many embryos should be transferred if I am 36?' },
  { lang: 'en', intent: 'answer', text: 'What TSH level should be treated before IVF?' },
  { lang: 'en', intent: 'answer', text: 'Does a low AMH mean my eggs are poor quality?' },
  { lang: 'en', intent: 'answer', text: 'Should the man have a semen analysis at the first visit?' },
  { lang: 'en', intent: 'answer', text: 'Is a hysterosalpingogram the usual first test of the tubes?' },
  { lang: 'en', intent: 'answer', text: 'Does repairing a varicocele improve fertility?' },
  { lang: 'en', intent: 'answer', text: 'Should we use ICSI when the sperm is normal?' },
  { lang: 'en', intent: 'answer', text: 'How many full IVF cycles are recommended under 40?' },
  { lang: 'en', intent: 'answer', text: 'Should I freeze sperm before chemotherapy?' },
  {
    lang: 'en',
    intent: 'answer',
    text: 'Is an endometrial receptivity test worth doing before embryo transfer?',
  },
  {
    lang: 'en',
    intent: 'answer',
    text: 'How long should we try to conceive before asking for a fertility assessment?',
  },
  { lang: 'en', intent: 'answer', text: 'Should we go straight to IVF?', profile: 'unexplained' },
  { lang: 'en', intent: 'answer', text: 'Another IUI with stimulation, or IVF now?', profile: 'seed-couple' },
  {
    lang: 'en',
    intent: 'answer',
    text: 'What do my thyroid results mean for trying to conceive?',
    profile: 'lab-report',
  },
  { lang: 'en', intent: 'answer', text: 'Is metformin useful for me?', profile: 'pcos' },
  {
    lang: 'en',
    intent: 'answer',
    text: 'What are our options with no sperm in the ejaculate?',
    profile: 'azoospermia',
  },
  { lang: 'en', intent: 'answer', text: 'When should we see a specialist?', profile: 'incomplete' },
  { lang: 'en', intent: 'abstain', text: 'Can royal jelly improve egg quality?' },
  {
    lang: 'en',
    intent: 'abstain',
    text: 'Does acupuncture on the day of embryo transfer improve pregnancy rates?',
  },
  { lang: 'en', intent: 'abstain', text: 'Does sleeping position after IUI matter?' },
  { lang: 'en', intent: 'abstain', text: 'Is coenzyme Q10 useful for men with low motility?' },
  { lang: 'en', intent: 'out-of-scope', text: 'What is the capital of France?' },
  { lang: 'en', intent: 'out-of-scope', text: 'How do I reset my router password?' },
  { lang: 'en', intent: 'out-of-scope', text: 'Recommend a good pasta recipe for dinner.' },
  {
    lang: 'en',
    intent: 'urgent',
    text: 'I have severe abdominal pain and shortness of breath three days after egg collection',
  },
  { lang: 'en', intent: 'urgent', text: "I'm six weeks pregnant with heavy bleeding and feel faint" },
  { lang: 'en', intent: 'urgent', text: 'Sharp one-sided pelvic pain and a positive pregnancy test' },
  { lang: 'fr', intent: 'answer', text: 'Le tabac diminue-t-il la fertilité masculine ?' },
  {
    lang: 'fr',
    intent: 'answer',
    text: 'Combien de temps faut-il essayer avant de consulter pour infertilité ?',
  },
  { lang: 'fr', intent: 'out-of-scope', text: 'Quelle est la meilleure voiture électrique ?' },
  { lang: 'es', intent: 'answer', text: '¿Cuántos embriones se deben transferir en FIV?' },
  { lang: 'es', intent: 'answer', text: '¿La metformina ayuda a ovular a las mujeres con SOP?' },
  { lang: 'es', intent: 'answer', text: '¿Deberíamos pasar directamente a la FIV?', profile: 'unexplained' },
  {
    lang: 'de',
    intent: 'answer',
    text: 'Welche TSH-Werte sollte man vor einer Kinderwunschbehandlung behandeln?',
  },
  { lang: 'de', intent: 'urgent', text: 'Starke Bauchschmerzen und Atemnot nach der Eizellentnahme' },
  { lang: 'pt', intent: 'answer', text: 'O que significa um AMH baixo?' },
  { lang: 'pt', intent: 'answer', text: 'A varicocele deve ser operada para melhorar a fertilidade?' },
  { lang: 'ar', intent: 'answer', text: 'هل التدخين يقلل من الخصوبة؟' },
  { lang: 'ar', intent: 'answer', text: 'ما هي أعراض فرط تنبيه المبيض الشديد؟' },
];

/** The question the cold-start measurements ask (one of the mix). */
const COLD_QUESTION = QUESTION_MIX[0]!.text;

/** Bank sizes: `starter` is knowledge/ as bundled; numbers are total entries (starter + synthetic). */
type BankSize = 'starter' | number;
const QUICK_SIZES: readonly BankSize[] = ['starter', 2_000, 20_000];
const FULL_SIZES: readonly BankSize[] = [...QUICK_SIZES, 200_000];

const INTAKES_DIR = join(PROJECT_ROOT, 'fixtures', 'intakes');
const LAB_DIR = join(PROJECT_ROOT, 'fixtures', 'lab-reports');
const FIGURE = join(PROJECT_ROOT, 'docs', 'figures', 'scaling.png');

/** Summary of a list of latencies (ms). */
export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function latency(xs: readonly number[]): Latency {
  return {
    n: xs.length,
    p50: quantile(xs, 0.5),
    p95: quantile(xs, 0.95),
    p99: quantile(xs, 0.99),
    mean: mean(xs),
  };
}

const mb = (bytes: number): number => bytes / 2 ** 20;

/** What a bank child reports. */
export interface BankResult {
  size: BankSize;
  label: string;
  entries: number;
  published: number;
  synthetic: number;
  build: { validateSnapshotMs: number; indexMs: number; totalMs: number };
  firstAskMs: number;
  memory: {
    /** After the build, forced full GC: absolute figures of the process. */
    heapUsedMB: number;
    rssMB: number;
    externalMB: number;
    /** Growth over the process before the entries were generated (loaders already warm). */
    heapDeltaMB: number;
    rssDeltaMB: number;
    /** RSS growth from building the FTS5 index (native SQLite pages; coarse). */
    fts5RssDeltaMB: number;
    /** Peak RSS of the whole child process (includes the raw entries and validation garbage). */
    peakRssMB: number;
  };
  warmupPasses: number;
  rounds: number;
  ask: Latency;
  /** Whole-ask latency by the status the engine returned. */
  askByStatus: Record<string, Latency>;
  /** Medians of the engine's own per-stage timings (`answer.timings`), over answers that ran the stage. */
  stageMedianMs: Record<string, number>;
  /** Status counts of one pass over the mix, and the same by intent. */
  statuses: Record<string, number>;
  statusByIntent: Record<string, Record<string, number>>;
  auditRecords: number;
  recommend: Latency & { rounds: number; intakes: number };
  fts5: Latency & { indexMs: number; config: string; version: string };
}

// ---------------------------------------------------------------------------------------------
// Child processes

function forceGc(): () => Promise<void> {
  // Expose gc at run time so that the benchmark needs no node flag.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
  };
}

function readIntakes(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const f of readdirSync(INTAKES_DIR).sort())
    if (f.endsWith('.json'))
      out.set(f.slice(0, -5), JSON.parse(readFileSync(join(INTAKES_DIR, f), 'utf8')) as unknown);
  return out;
}

/**
 * How many passes a loop makes: at least one; then up to `min` while `hardCapMs` lasts (a slow
 * bank stops early rather than running for hours; the sample count is reported), and beyond `min`
 * up to `max` while `budgetMs` lasts (more samples for steadier percentiles when passes are fast).
 */
interface RoundPolicy {
  min: number;
  max: number;
  budgetMs: number;
  hardCapMs: number;
}

const QUICK_PLAN: Record<'warmup' | 'ask' | 'recommend', RoundPolicy> = {
  warmup: { min: 1, max: 1, budgetMs: 0, hardCapMs: 0 },
  ask: { min: 3, max: 3, budgetMs: 0, hardCapMs: 30_000 },
  recommend: { min: 5, max: 5, budgetMs: 0, hardCapMs: 15_000 },
};
const FULL_PLAN: Record<'warmup' | 'ask' | 'recommend', RoundPolicy> = {
  // About 8,000 answers before timing (a 30 s cap for the large banks): V8's optimising compiler
  // keeps recompiling the answer path for several thousand answers (measured on the HTTP mix:
  // 0.3 ms per answer after 500, 0.21 ms from about 7,000 on), and a service runs warm.
  warmup: { min: 200, max: 200, budgetMs: 0, hardCapMs: 30_000 },
  // 30 rounds of the mix: a p99 over more than a thousand samples.
  ask: { min: 30, max: 200, budgetMs: 45_000, hardCapMs: 180_000 },
  recommend: { min: 100, max: 1000, budgetMs: 15_000, hardCapMs: 90_000 },
};

/** Run `pass` as the policy allows; returns the number of passes made. */
async function repeat(policy: RoundPolicy, pass: (i: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for (;;) {
    const elapsed = performance.now() - t0;
    const more =
      n === 0 ||
      (n < policy.min && elapsed < policy.hardCapMs) ||
      (n >= policy.min && n < policy.max && elapsed < policy.budgetMs);
    if (!more) return n;
    await pass(n);
    n++;
  }
}

/** Build one bank, serve it, and time `ask`, FTS5 and `recommend` on it. */
async function bankChild(size: BankSize, quick: boolean): Promise<BankResult> {
  const gc = forceGc();
  const intakes = readIntakes();
  // Warm the loaders (terminology, guards, models) once, so that build time is the bank's own.
  await createEngine({});
  const starter = loadBank(KNOWLEDGE_DIR);
  if (starter.issues.some((i) => i.severity === 'error'))
    throw new Error(`knowledge/ does not load: ${starter.issues[0]?.message ?? ''}`);
  await gc();
  const m0 = process.memoryUsage();
  const starterEntries = starter.entries.map((f) => f.data);
  const synthetic = size === 'starter' ? 0 : Math.max(0, size - starterEntries.length);
  let raw: unknown[] = [
    ...starterEntries,
    ...generateBankEntries({ entries: synthetic, seed: 1 }).map((x) => x.entry),
  ];
  const entries = raw.length;

  let audited = 0;
  const audit: AuditSink = {
    append: async () => {
      audited++;
    },
  };
  const t0 = performance.now();
  const bank = await KnowledgeBank.fromEntries(raw);
  const t1 = performance.now();
  const engine = await createEngine({}, { bank, audit });
  const t2 = performance.now();
  raw = [];
  const snapshot = engine.knowledge();

  const questions = QUESTION_MIX.map((q) => {
    const profile = q.profile === undefined ? undefined : intakes.get(q.profile);
    if (q.profile !== undefined && profile === undefined) throw new Error(`no fixture intake ${q.profile}`);
    return { ...q, opts: profile === undefined ? {} : { profile } };
  });
  const f0 = performance.now();
  await engine.ask(questions[0]!.text, questions[0]!.opts);
  const firstAskMs = performance.now() - f0;

  await gc();
  const m1 = process.memoryUsage();

  // The same served entries in SQLite FTS5, with bench/peers.ts's set-up and query.
  const fts5Engine = engines()['sqlite-fts5'];
  const corpus: BeirDoc[] = snapshot.entries.map((e) => ({
    id: e.id,
    title: e.title,
    text: `${e.statement} ${e.clinicianStatement}`,
  }));
  const s0 = performance.now();
  const fts5 = await fts5Engine.build(corpus);
  const fts5IndexMs = performance.now() - s0;
  await gc();
  const m2 = process.memoryUsage();

  const timedFts = async (text: string): Promise<number> => {
    const s = performance.now();
    const r = fts5(text);
    if (r instanceof Promise) await r;
    return performance.now() - s;
  };

  const plan = quick ? QUICK_PLAN : FULL_PLAN;
  const statuses: Record<string, number> = {};
  const statusByIntent: Record<string, Record<string, number>> = {};
  const warmupPasses = await repeat(plan.warmup, async (pass) => {
    for (const q of questions) {
      const a = await engine.ask(q.text, q.opts);
      await timedFts(q.text);
      if (pass === 0) {
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
        const byIntent = (statusByIntent[q.intent] ??= {});
        byIntent[a.status] = (byIntent[a.status] ?? 0) + 1;
      }
    }
  });

  // Timed rounds: each question's ask, then the same question through FTS5.
  const askMs: number[] = [];
  const ftsMs: number[] = [];
  const byStatus = new Map<string, number[]>();
  const stages = new Map<string, number[]>();
  const rounds = await repeat(plan.ask, async () => {
    for (const q of questions) {
      const s = performance.now();
      const a = await engine.ask(q.text, q.opts);
      const ms = performance.now() - s;
      askMs.push(ms);
      (byStatus.get(a.status) ?? byStatus.set(a.status, []).get(a.status)!).push(ms);
      for (const [k, v] of Object.entries(a.timings))
        if (k !== 'totalMs') (stages.get(k) ?? stages.set(k, []).get(k)!).push(v);
      ftsMs.push(await timedFts(q.text));
    }
  });

  // recommend over every fixture intake (fixtures/intakes/*.json; the bad/ folder is not read).
  const intakeList = [...intakes.values()];
  await repeat(plan.warmup, async () => {
    for (const i of intakeList) await engine.recommend(i);
  });
  const recMs: number[] = [];
  const recRounds = await repeat(plan.recommend, async () => {
    for (const i of intakeList) {
      const s = performance.now();
      await engine.recommend(i);
      recMs.push(performance.now() - s);
    }
  });

  return {
    size,
    label: size === 'starter' ? 'starter (knowledge/)' : `generated ${size.toLocaleString('en-US')}`,
    entries,
    published: snapshot.entries.length,
    synthetic,
    build: { validateSnapshotMs: t1 - t0, indexMs: t2 - t1, totalMs: t2 - t0 },
    firstAskMs,
    memory: {
      heapUsedMB: mb(m1.heapUsed),
      rssMB: mb(m1.rss),
      externalMB: mb(m1.external),
      heapDeltaMB: mb(m1.heapUsed - m0.heapUsed),
      rssDeltaMB: mb(m1.rss - m0.rss),
      fts5RssDeltaMB: mb(m2.rss - m1.rss),
      peakRssMB: process.resourceUsage().maxRSS / 1024,
    },
    warmupPasses,
    rounds,
    ask: latency(askMs),
    askByStatus: Object.fromEntries([...byStatus].sort().map(([k, v]) => [k, latency(v)])),
    stageMedianMs: Object.fromEntries([...stages].map(([k, v]) => [k, quantile(v, 0.5)])),
    statuses,
    statusByIntent,
    auditRecords: audited,
    recommend: { ...latency(recMs), rounds: recRounds, intakes: intakeList.length },
    fts5: { ...latency(ftsMs), indexMs: fts5IndexMs, config: fts5Engine.config, version: fts5Engine.version },
  };
}

/** The fixture reports of the formats this benchmark covers (text, CSV/TSV, FHIR JSON, HL7 v2). */
function labFixtures(): Array<{ file: string; bytes: Buffer }> {
  return readdirSync(LAB_DIR)
    .filter((f) => /\.(txt|csv|tsv|json|hl7)$/.test(f) && !f.endsWith('.expected.json'))
    .sort()
    .map((file) => ({ file, bytes: readFileSync(join(LAB_DIR, file)) }));
}

export interface NormalizeResult {
  reports: number;
  files: string[];
  /** Lines / segments / entries the readers read, per pass over the fixtures. */
  linesPerPass: number;
  observationsPerPass: number;
  passes: number;
  seconds: number;
  reportsPerSecond: number;
  linesPerSecond: number;
  observationsPerSecond: number;
  rssMB: number;
  peakRssMB: number;
}

async function normalizeChild(quick: boolean): Promise<NormalizeResult> {
  const gc = forceGc();
  const fixtures = labFixtures();
  let lines = 0;
  let observations = 0;
  for (const f of fixtures) {
    lines += (await readReport(f.bytes, { filename: f.file })).lines;
    observations += (await normalizeLabReport(f.bytes, { filename: f.file })).observations.length;
  }
  const warm = quick ? 5 : 50;
  for (let i = 0; i < warm; i++)
    for (const f of fixtures) await normalizeLabReport(f.bytes, { filename: f.file });
  const budgetMs = quick ? 1_000 : 10_000;
  let passes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    for (const f of fixtures) await normalizeLabReport(f.bytes, { filename: f.file });
    passes++;
  }
  const seconds = (performance.now() - t0) / 1000;
  await gc();
  return {
    reports: fixtures.length,
    files: fixtures.map((f) => f.file),
    linesPerPass: lines,
    observationsPerPass: observations,
    passes,
    seconds,
    reportsPerSecond: (passes * fixtures.length) / seconds,
    linesPerSecond: (passes * lines) / seconds,
    observationsPerSecond: (passes * observations) / seconds,
    rssMB: mb(process.memoryUsage().rss),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

// ---------------------------------------------------------------------------------------------
// Cold start

export interface ColdResult {
  /** `fertility ask … --json --no-audit`, wall time from spawn. */
  cli: { runs: number; toAnswerMs: Latency; toExitMs: Latency; status: string };
  /** A fresh `node` process: ms since process start (performance.now()) at each point. */
  inProcess: {
    runs: number;
    moduleLoadedMs: Latency;
    createEngineMs: Latency;
    engineReadyMs: Latency;
    firstAnswerMs: Latency;
  };
}

interface Spawned {
  toAnswerMs: number;
  toExitMs: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Spawn a process; times from just before spawn to the first stdout byte and to exit. */
function spawnTimed(cmd: string, args: string[]): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const s = performance.now();
    let first = NaN;
    let stdout = '';
    let stderr = '';
    const child = spawn(cmd, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (Number.isNaN(first)) first = performance.now() - s;
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ toAnswerMs: first, toExitMs: performance.now() - s, stdout, stderr, code }),
    );
  });
}

/** The in-process cold start: run in a fresh node with nothing loaded but this script. */
function coldScript(): string {
  const engineUrl = new URL('../src/engine.js', import.meta.url).href;
  return [
    `const { createEngine } = await import(${JSON.stringify(engineUrl)});`,
    'const loaded = performance.now();',
    'const engine = await createEngine({});',
    'const ready = performance.now();',
    `const a = await engine.ask(${JSON.stringify(COLD_QUESTION)});`,
    'const answered = performance.now();',
    'process.stdout.write(JSON.stringify({ loaded, ready, answered, status: a.status }) + "\\n");',
  ].join('\n');
}

async function coldStart(quick: boolean): Promise<ColdResult> {
  const runs = quick ? 3 : 10;
  const bin = join(PROJECT_ROOT, 'bin', 'fertility');
  const cliArgs = ['ask', COLD_QUESTION, '--json', '--no-audit'];
  // One run not counted: fills the OS file cache and the bank's parse cache, as on any machine
  // that has run the command before.
  const prime = await spawnTimed(bin, cliArgs);
  if (prime.code !== 0)
    throw new Error(`fertility ask failed: ${prime.stderr.trim().split('\n').pop() ?? ''}`);
  const toAnswer: number[] = [];
  const toExit: number[] = [];
  let status = '';
  for (let i = 0; i < runs; i++) {
    const r = await spawnTimed(bin, cliArgs);
    if (r.code !== 0) throw new Error(`fertility ask failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    status = (JSON.parse(r.stdout) as { status: string }).status;
    toAnswer.push(r.toAnswerMs);
    toExit.push(r.toExitMs);
  }
  const loaded: number[] = [];
  const created: number[] = [];
  const ready: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await spawnTimed(process.execPath, ['--input-type=module', '-e', coldScript()]);
    if (r.code !== 0) throw new Error(`cold start script failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    const x = JSON.parse(r.stdout.trim()) as { loaded: number; ready: number; answered: number };
    loaded.push(x.loaded);
    created.push(x.ready - x.loaded);
    ready.push(x.ready);
    answered.push(x.answered);
  }
  return {
    cli: { runs, toAnswerMs: latency(toAnswer), toExitMs: latency(toExit), status },
    inProcess: {
      runs,
      moduleLoadedMs: latency(loaded),
      createEngineMs: latency(created),
      engineReadyMs: latency(ready),
      firstAnswerMs: latency(answered),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parent: run the children, draw the curve, write the section

async function runChild<T>(args: string[]): Promise<T> {
  const self = fileURLToPath(import.meta.url);
  // The 200,000-entry bank peaks near 3 GB while the raw entries, their validation and the index
  // coexist; a higher heap limit keeps that from failing on a machine whose default is lower.
  const r = await spawnTimed(process.execPath, ['--max-old-space-size=8192', self, ...args]);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !line.startsWith('{'))
    throw new Error(
      `bench answer ${args.join(' ')}: ${(r.stderr || r.stdout || `exit ${r.code}`).trim().split('\n').pop()}`,
    );
  return JSON.parse(line) as T;
}

/** Same format as bench/run.ts `machineLine()` (run.ts runs its main on import, so it cannot be imported). */
function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Node ${process.version}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${new Date().toISOString().slice(0, 10)}`;
}

const f = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const ms = (l: Latency): string => `${f(l.p50)} / ${f(l.p95)} / ${f(l.p99)} / ${f(l.mean)}`;

const sizeLabel = (b: BankResult): string =>
  b.size === 'starter'
    ? `starter (${b.entries})`
    : b.entries >= 1000
      ? `${b.entries / 1000}k`
      : String(b.entries);

/** The scaling curve: bank size (log) against latency (log, drawn as log10 values with decade labels). */
function scalingChart(banks: readonly BankResult[], notes: string[]): ReturnType<typeof drawChart> {
  const pts = (get: (b: BankResult) => number): Array<[number, number]> =>
    banks.map((b) => [b.entries, Math.log10(get(b))]);
  const series: Series[] = [
    { name: 'ask p99', points: pts((b) => b.ask.p99), color: [200, 40, 40], style: 'line+points' },
    { name: 'ask p50', points: pts((b) => b.ask.p50), color: [30, 90, 200], style: 'line+points' },
    {
      name: 'recommend p50',
      points: pts((b) => b.recommend.p50),
      color: [40, 150, 60],
      style: 'line+points',
    },
    {
      name: 'SQLite FTS5 query p50',
      points: pts((b) => b.fts5.p50),
      color: [230, 130, 20],
      style: 'line+points',
    },
  ];
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const yMin = Math.floor(Math.min(...ys));
  // One decade of headroom above the data: the legend sits there (top left), clear of the lines.
  const yMax = Math.ceil(Math.max(...ys)) + 1;
  const yTicks: number[] = [];
  for (let d = yMin; d <= yMax; d++) {
    yTicks.push(d);
    if (d < yMax) yTicks.push(d + Math.log10(3));
  }
  const xs = banks.map((b) => b.entries);
  const fmtMs = (v: number): string => {
    const x = 10 ** v;
    return x >= 1 ? String(Math.round(x)) : String(Number(x.toPrecision(1)));
  };
  return drawChart({
    title: 'Answer engine latency by bank size',
    xLabel: 'bank size (entries, log scale)',
    yLabel: 'latency ms (log scale)',
    notes,
    x: {
      min: Math.min(...xs) / 1.6,
      max: Math.max(...xs) * 1.6,
      log: true,
      ticks: xs,
      format: (v) => sizeLabel(banks.find((b) => b.entries === v)!),
    },
    y: { min: yMin, max: yMax, ticks: yTicks, format: fmtMs },
    series,
    width: 1000,
    height: 660,
  });
}

export async function run(opts: BenchOptions): Promise<BenchSection[]> {
  const sizes = opts.quick ? QUICK_SIZES : FULL_SIZES;
  const q = opts.quick ? '1' : '0';
  const banks: BankResult[] = [];
  for (const size of sizes) {
    process.stderr.write(`bench answer: bank ${size}…\n`);
    banks.push(await runChild<BankResult>(['--child', 'bank', '--size', String(size), '--quick', q]));
  }
  process.stderr.write('bench answer: cold start…\n');
  const cold = await coldStart(opts.quick);
  process.stderr.write('bench answer: normalization throughput…\n');
  const norm = await runChild<NormalizeResult>(['--child', 'normalize', '--quick', q]);

  const png = opts.quick ? join(tmpdir(), 'fertility-bench-scaling-quick.png') : FIGURE;
  mkdirSync(dirname(png), { recursive: true });
  const b0 = banks[0]!;
  // The chart's bitmap font covers ASCII only (the machine line has a multiplication sign).
  const ascii = (t: string): string => t.replace(/×/g, 'x').replace(/[^\x20-\x7e]/g, '');
  const notes = [
    `ask: ${QUESTION_MIX.length} questions x ${banks.map((b) => b.rounds).join('/')} rounds; FTS5: bare query, same loop`,
    ascii(machine()),
  ];
  writeFileSync(png, scalingChart(banks, notes).toPng());

  const starter = banks.find((b) => b.size === 'starter');
  const langs = [...new Set(QUESTION_MIX.map((x) => x.lang))];
  const withProfile = QUESTION_MIX.filter((x) => x.profile !== undefined).length;
  const intents = (['answer', 'abstain', 'out-of-scope', 'urgent'] as const).map(
    (i) => `${QUESTION_MIX.filter((x) => x.intent === i).length} ${i}`,
  );
  const statusCell = (b: BankResult): string =>
    Object.entries(b.statuses)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const stageKeys = [...new Set(banks.flatMap((b) => Object.keys(b.stageMedianMs)))];
  const statusKeys = [...new Set(banks.flatMap((b) => Object.keys(b.askByStatus)))].sort();

  const markdown = [
    '| bank | entries (published) | build ms (validate+snapshot / index) | first answer ms | heap / RSS after build MB | peak RSS MB | `ask` p50 / p95 / p99 / mean ms | one FTS5 query p50 / p99 ms | ask p50 ÷ FTS5 p50 | `recommend` p50 / p95 / p99 / mean ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...banks.map(
      (b) =>
        `| ${b.label} | ${int(b.entries)} (${int(b.published)}) | ${int(b.build.totalMs)} (${int(b.build.validateSnapshotMs)} / ${int(b.build.indexMs)}) | ${f(b.firstAskMs, 1)} | ${f(b.memory.heapUsedMB, 0)} / ${f(b.memory.rssMB, 0)} | ${f(b.memory.peakRssMB, 0)} | ${ms(b.ask)} | ${f(b.fts5.p50, 3)} / ${f(b.fts5.p99, 3)} | ${f(b.ask.p50 / b.fts5.p50, 1)}× | ${ms(b.recommend)} |`,
    ),
    '',
    'Targets: issue 5, `ask` median < 5 ms and p99 < 20 ms (starter and 20,000 entries); issue 7, whole `ask` p50 no more than one bare FTS5 query p50 (ratio ≤ 1×).',
    '',
    `| \`ask\` p50 ms by returned status | ${banks.map(sizeLabel).join(' | ')} |`,
    `| --- | ${banks.map(() => '---:').join(' | ')} |`,
    ...statusKeys.map(
      (s) =>
        `| ${s} | ${banks.map((b) => (b.askByStatus[s] ? `${f(b.askByStatus[s].p50)} (n ${b.askByStatus[s].n})` : '–')).join(' | ')} |`,
    ),
    `| statuses over one pass of the mix | ${banks.map(statusCell).join(' | ')} |`,
    '',
    `| engine stage, median ms (\`answer.timings\`) | ${banks.map(sizeLabel).join(' | ')} |`,
    `| --- | ${banks.map(() => '---:').join(' | ')} |`,
    ...stageKeys.map(
      (k) =>
        `| ${k.replace(/Ms$/, '')} | ${banks.map((b) => (b.stageMedianMs[k] === undefined ? '–' : f(b.stageMedianMs[k], 3))).join(' | ')} |`,
    ),
    '',
    '| cold start | median ms | p95 ms |',
    '| --- | ---: | ---: |',
    `| \`fertility ask "…" --json --no-audit\` (bin/fertility), spawn → answer on stdout | ${f(cold.cli.toAnswerMs.p50, 0)} | ${f(cold.cli.toAnswerMs.p95, 0)} |`,
    `| same, spawn → exit | ${f(cold.cli.toExitMs.p50, 0)} | ${f(cold.cli.toExitMs.p95, 0)} |`,
    `| fresh \`node\`: process start → engine module loaded | ${f(cold.inProcess.moduleLoadedMs.p50, 0)} | ${f(cold.inProcess.moduleLoadedMs.p95, 0)} |`,
    `| \`createEngine()\`, first call in the process (starter bank from knowledge/) | ${f(cold.inProcess.createEngineMs.p50, 0)} | ${f(cold.inProcess.createEngineMs.p95, 0)} |`,
    `| fresh \`node\`: process start → first answer | ${f(cold.inProcess.firstAnswerMs.p50, 0)} | ${f(cold.inProcess.firstAnswerMs.p95, 0)} |`,
    '',
    '| lab report normalization (fixtures/lab-reports/, text, CSV/TSV, FHIR, HL7 v2) | value |',
    '| --- | ---: |',
    `| reports per second | ${int(norm.reportsPerSecond)} |`,
    `| reader lines (lines / segments / entries) per second | ${int(norm.linesPerSecond)} |`,
    `| observations per second | ${int(norm.observationsPerSecond)} |`,
    `| RSS after the run / peak | ${f(norm.rssMB, 0)} / ${f(norm.peakRssMB, 0)} MB |`,
    '',
    `![Latency by bank size](docs/figures/scaling.png)`,
    '',
    `Method: ${machine()}. Each bank in its own Node process: entries → \`KnowledgeBank.fromEntries\` (validation, snapshot) → \`createEngine(config, { bank, audit })\` (retrieval index) is the build time, loaders (terminology, guards, models) warmed before; generated banks are the ${starter?.entries ?? ''} starter entries plus synthetic ones (src/kb/testing/generate-bank.ts, ~90% published), in memory. ` +
      `Question mix: ${QUESTION_MIX.length} questions written for this benchmark (${langs.join(', ')}; ${withProfile} with a fixture intake as profile; written as ${intents.join(', ')}), ` +
      `warm-up passes over the mix first (${banks.map((b) => `${sizeLabel(b)}: ${b.warmupPasses}`).join(', ')}; up to ${(opts.quick ? QUICK_PLAN : FULL_PLAN).warmup.min}, fewer when a bank takes more than ${(opts.quick ? QUICK_PLAN : FULL_PLAN).warmup.hardCapMs / 1000} s), then ${opts.quick ? QUICK_PLAN.ask.min : FULL_PLAN.ask.min} timed rounds (fewer if a bank is too slow to finish them within ${(opts.quick ? QUICK_PLAN : FULL_PLAN).ask.hardCapMs / 1000} s) and more while a ${(opts.quick ? QUICK_PLAN : FULL_PLAN).ask.budgetMs / 1000} s budget lasts (${banks.map((b) => `${sizeLabel(b)}: ${b.rounds}`).join(', ')} rounds), in-process, one at a time, through \`engine.ask\` with an in-memory audit sink (every answer builds its audit record); times are around the awaited call, profile building included. ` +
      `FTS5: bench/peers.ts's set-up (${b0.fts5.version}) over the same published entries (title; statement + clinician statement), the question text alone, timed right after each ask in the same loop. ` +
      `\`recommend\`: the ${b0.recommend.intakes} fixture intakes (fixtures/intakes/*.json), ${banks.map((b) => b.recommend.rounds).join(' / ')} rounds. ` +
      `Heap and RSS after the build and first answer, forced full GC. Cold start: ${cold.cli.runs} runs each after one uncounted run. Normalization: ${norm.reports} fixture reports, ${norm.linesPerPass} reader lines per pass, ${norm.passes} passes in ${f(norm.seconds, 1)} s after warm-up.`,
  ].join('\n');

  return [
    {
      id: 'answer',
      title: 'Answer engine end to end: latency by bank size, cold start, normalization throughput',
      markdown,
      data: {
        quick: opts.quick,
        questions: QUESTION_MIX.length,
        languages: langs,
        figure: opts.quick ? png : 'docs/figures/scaling.png',
        banks,
        coldStart: cold,
        normalization: norm,
      },
    },
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const child = arg('--child');
  const quick = arg('--quick') === '1';
  if (child === 'bank') {
    const s = arg('--size') ?? 'starter';
    const size: BankSize = s === 'starter' ? 'starter' : Number(s);
    if (size !== 'starter' && !(Number.isInteger(size) && size > 0))
      throw new Error(`--size: not a bank size: ${s}`);
    process.stdout.write(JSON.stringify(await bankChild(size, quick)) + '\n');
    return;
  }
  if (child === 'normalize') {
    process.stdout.write(JSON.stringify(await normalizeChild(quick)) + '\n');
    return;
  }
  throw new Error(
    `unknown --child ${String(child)}; run through bench/run.ts: node dist/bench/run.js answer`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench answer: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
