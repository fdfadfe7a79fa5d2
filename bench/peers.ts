/**
 * `npm run bench:peers`: the same SciFact test queries through our lexical retriever and three
 * peers — Orama, MiniSearch and SQLite FTS5 (better-sqlite3) — in one run: index time, query
 * p50/p99, nDCG@10, Recall@100 and memory, beside the published Pyserini BM25 figures read from
 * ../shared/data/BASELINES.md.
 *
 * Each engine runs in its own child process (this file with `--engine NAME`), so that one
 * engine's garbage, JIT state or native allocations do not land in another's figures. Memory is
 * the difference of `process.memoryUsage()` before and after building the index, each after a
 * forced full GC: `heap` is V8's heapUsed (JavaScript objects and typed arrays' headers),
 * `external` is memory held outside the heap (ArrayBuffers' contents, native code's buffers),
 * `rss` the process's resident set (includes SQLite's native pages; coarse, allocator-dependent).
 * Query times: every test query once to warm up, then `rounds` timed passes; p50/p99 are over
 * all timed samples, measured around the engine's search call including query parsing.
 *
 *   npm run build && npm run bench:peers [-- --quick] [-- --data BEIR_DIR]
 * Standalone it prints the section and writes bench/results/peers.json (peers-<folder>.json for
 * another BEIR folder); bench/run.ts imports `run`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PROJECT_ROOT, SHARED_DATA_DIR } from '../src/paths.js';
import { LUCENE_STOP_WORDS } from '../src/pipeline/retrieve/stopwords.js';
import type { RetrievalParams } from '../src/pipeline/retrieve/params.js';
import {
  FITTED_PARAMS_FILE,
  buildBeirIndex,
  loadBeir,
  loadParamsFile,
  type BeirData,
  type BeirDoc,
} from '../eval/beir.js';
import { mean, ndcgAtK, quantile, recallAtK } from '../eval/metrics.js';
import type { BenchOptions, BenchSection } from './types.js';

const ENGINES = ['ours', 'ours-lucene-defaults', 'orama', 'minisearch', 'sqlite-fts5'] as const;
type EngineName = (typeof ENGINES)[number];

/** What a child process reports for one engine. */
export interface EngineResult {
  engine: EngineName;
  label: string;
  config: string;
  version: string;
  docs: number;
  queries: number;
  rounds: number;
  indexMs: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  ndcg10: number;
  recall100: number;
  heapDeltaMB: number;
  externalDeltaMB: number;
  rssDeltaMB: number;
}

/** A search function: query text → ranked ids (sync or async). */
type Search = (text: string) => string[] | Promise<string[]>;

interface Engine {
  label: string;
  config: string;
  version: string;
  /** Build the index; returns the search function (which keeps the index alive). */
  build: (corpus: readonly BeirDoc[]) => Promise<Search>;
}

/** A dependency's installed version, from its package.json (not every package exports that file). */
function pkgVersion(name: string): string {
  try {
    const file = join(PROJECT_ROOT, 'node_modules', ...name.split('/'), 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Lucene's BM25 defaults as Pyserini uses them, with our analyzer: what our engine does unfitted. */
const LUCENE_DEFAULTS: RetrievalParams = {
  name: 'Lucene defaults (k1 0.9, b 0.4), title and text weight 1, no feedback',
  scoring: 'bm25f',
  k1: 0.9,
  fields: { title: { weight: 1, b: 0.4 }, text: { weight: 1, b: 0.4 } },
  analyzer: { mode: 'biomedical', stopWords: 'lucene', stem: 'porter2' },
  bigrams: null,
  prf: null,
};

const WORD = /[\p{L}\p{N}]+/gu;

/** The engines, by name; exported so that bench/answer.ts measures the same FTS5 set-up beside whole answers. */
export function engines(): Record<EngineName, Engine> {
  const fitted = existsSync(FITTED_PARAMS_FILE) ? loadParamsFile(FITTED_PARAMS_FILE) : null;
  const ours = (params: RetrievalParams, label: string): Engine => ({
    label,
    config: params.name,
    version: 'this repository',
    build: async (corpus) => {
      const { index } = buildBeirIndex(corpus, params);
      return (text) => index.search(text, { k: 100 }).hits.map((h) => h.id);
    },
  });
  return {
    ours:
      fitted !== null
        ? ours(fitted, 'ours (fitted params)')
        : {
            label: 'ours (fitted params)',
            config: 'eval/retrieval-params.json missing',
            version: '',
            build: () =>
              Promise.reject(new Error('eval/retrieval-params.json is missing: run eval/fit-bm25.ts')),
          },
    'ours-lucene-defaults': ours(LUCENE_DEFAULTS, 'ours (Lucene defaults)'),
    orama: {
      label: 'Orama',
      config: 'default BM25; English stemmer; Lucene stop words; title+text; threshold 1 (any term)',
      version: pkgVersion('@orama/orama'),
      build: async (corpus) => {
        const { create, insertMultiple, search } = await import('@orama/orama');
        const db = create({
          schema: { title: 'string', text: 'string' } as const,
          components: {
            tokenizer: { language: 'english', stemming: true, stopWords: [...LUCENE_STOP_WORDS] },
          },
        });
        await insertMultiple(
          db,
          corpus.map((d) => ({ id: d.id, title: d.title, text: d.text })),
          1000,
        );
        return async (text) => {
          const r = await search(db, { term: text, properties: ['title', 'text'], limit: 100, threshold: 1 });
          return r.hits.map((h) => h.id);
        };
      },
    },
    minisearch: {
      label: 'MiniSearch',
      config:
        'default tokenizer and BM25+ (k 1.2, b 0.7, d 0.5); Lucene stop words; no stemming (none built in); OR',
      version: pkgVersion('minisearch'),
      build: async (corpus) => {
        const { default: MiniSearch } = await import('minisearch');
        const ms = new MiniSearch<BeirDoc>({
          fields: ['title', 'text'],
          idField: 'id',
          processTerm: (t) => {
            const l = t.toLowerCase();
            return LUCENE_STOP_WORDS.has(l) ? null : l;
          },
          searchOptions: { combineWith: 'OR' },
        });
        ms.addAll(corpus as BeirDoc[]);
        return (text) =>
          ms
            .search(text)
            .slice(0, 100)
            .map((r) => String(r.id));
      },
    },
    'sqlite-fts5': {
      label: 'SQLite FTS5',
      config:
        "in-memory; tokenize 'porter unicode61 remove_diacritics 2'; bm25() (k1 1.2, b 0.75), title and text weight 1; query = OR of the query's words minus Lucene stop words, each quoted; prepared statement, ORDER BY rank LIMIT 100",
      version: `better-sqlite3 ${pkgVersion('better-sqlite3')}`,
      build: async (corpus) => {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(':memory:');
        db.exec(
          "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61 remove_diacritics 2')",
        );
        const insert = db.prepare('INSERT INTO docs (id, title, text) VALUES (?, ?, ?)');
        db.transaction(() => {
          for (const d of corpus) insert.run(d.id, d.title, d.text);
        })();
        const query = db.prepare<[string], { id: string }>(
          'SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 100',
        );
        return (text) => {
          const words = new Set<string>();
          for (const m of text.toLowerCase().matchAll(WORD))
            if (!LUCENE_STOP_WORDS.has(m[0])) words.add(m[0]);
          if (words.size === 0) return [];
          // Quoted FTS5 strings: a double quote inside is doubled (words here never contain one, but stay safe).
          const match = [...words].map((w) => `"${w.replace(/"/g, '""')}"`).join(' OR ');
          return query.all(match).map((r) => r.id);
        };
      },
    },
  };
}

function forceGc(): () => Promise<void> {
  // Expose gc at run time so that `npm run bench:peers` needs no node flag.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Several full collections with a turn of the event loop between them, so that garbage from
  // loading the data (and native memory released by finalizers) is gone before we read the heap.
  return async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
  };
}

/** Child process: measure one engine and print its EngineResult as JSON on stdout. */
async function child(name: EngineName, rounds: number, dataDir: string): Promise<void> {
  const gc = forceGc();
  const data = loadBeir(dataDir, 'test');
  const engine = engines()[name];
  await gc();
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  const search = await engine.build(data.corpus);
  const indexMs = performance.now() - t0;
  await gc();
  const m1 = process.memoryUsage();
  const queries = [...data.qrels.keys()].map((q) => ({ id: q, text: data.queries.get(q)! }));
  const timed = async (text: string): Promise<{ ids: string[]; ms: number }> => {
    const s = performance.now();
    const r = search(text);
    const ids = r instanceof Promise ? await r : r;
    return { ids, ms: performance.now() - s };
  };
  for (const q of queries) await timed(q.text); // warm-up
  const samples: number[] = [];
  let rankings = new Map<string, string[]>();
  for (let round = 0; round < rounds; round++) {
    const now = new Map<string, string[]>();
    for (const q of queries) {
      const { ids, ms } = await timed(q.text);
      samples.push(ms);
      now.set(q.id, ids);
    }
    rankings = now;
  }
  const quality = scoreRankings(data, rankings);
  const mb = (b: number): number => b / 2 ** 20;
  const result: EngineResult = {
    engine: name,
    label: engine.label,
    config: engine.config,
    version: engine.version,
    docs: data.corpus.length,
    queries: queries.length,
    rounds,
    indexMs,
    p50Ms: quantile(samples, 0.5),
    p99Ms: quantile(samples, 0.99),
    meanMs: mean(samples),
    ndcg10: quality.ndcg10,
    recall100: quality.recall100,
    heapDeltaMB: mb(m1.heapUsed - m0.heapUsed),
    externalDeltaMB: mb(m1.external + m1.arrayBuffers - m0.external - m0.arrayBuffers),
    rssDeltaMB: mb(m1.rss - m0.rss),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function scoreRankings(
  data: BeirData,
  rankings: Map<string, string[]>,
): { ndcg10: number; recall100: number } {
  const n: number[] = [];
  const r: number[] = [];
  for (const [q, judged] of data.qrels) {
    const ranked = rankings.get(q) ?? [];
    n.push(ndcgAtK(ranked, judged, 10));
    r.push(recallAtK(ranked, judged, 100));
  }
  return { ndcg10: mean(n), recall100: mean(r) };
}

/**
 * Published SciFact nDCG@10 of the BM25 runs in BASELINES.md's retrieval table (Pyserini's
 * `beir.yaml`, conditions beir-flat and beir-multifield). Read from the file, not typed in here.
 */
export function publishedBaselines(text: string): Array<{ run: string; ndcg10: number }> {
  const out: Array<{ run: string; ndcg10: number }> = [];
  const lines = text.split('\n');
  const header = lines.find((l) => l.startsWith('| model / run'));
  if (header === undefined) return out;
  const sci = header
    .split('|')
    .map((c) => c.trim())
    .indexOf('SciFact');
  if (sci < 0) return out;
  for (const l of lines) {
    const c = l.split('|').map((x) => x.trim());
    if (!/^BM25 (flat|multifield)/.test(c[1] ?? '')) continue;
    const v = Number(c[sci]);
    if (Number.isFinite(v)) out.push({ run: c[1]!, ndcg10: v });
  }
  return out;
}

const f = (v: number, d: number): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** Run every engine in its own process and build the section. */
/** The default data: SciFact, the set the targets are stated on. */
export const DEFAULT_DATA_DIR = join(SHARED_DATA_DIR, 'scifact');

/**
 * Run every engine in its own process and build the section. `dataDir` is any BEIR folder
 * (default SciFact); the published-figure rows are shown for SciFact only.
 */
export async function run(opts: BenchOptions, dataDir: string = DEFAULT_DATA_DIR): Promise<BenchSection[]> {
  const isSciFact = dataDir === DEFAULT_DATA_DIR;
  const rounds = opts.quick ? 1 : 5;
  const self = fileURLToPath(import.meta.url);
  const results: EngineResult[] = [];
  const failures: Array<{ engine: string; error: string }> = [];
  for (const name of ENGINES) {
    process.stderr.write(`bench peers: ${name}…\n`);
    const r = spawnSync(
      process.execPath,
      [self, '--engine', name, '--rounds', String(rounds), '--data', dataDir],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 2 ** 20,
      },
    );
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status === 0 && line.startsWith('{')) results.push(JSON.parse(line) as EngineResult);
    else
      failures.push({
        engine: name,
        error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-1)[0]!,
      });
  }
  const baselinesPath = join(SHARED_DATA_DIR, 'BASELINES.md');
  const published =
    isSciFact && existsSync(baselinesPath) ? publishedBaselines(readFileSync(baselinesPath, 'utf8')) : [];
  const fts = results.find((x) => x.engine === 'sqlite-fts5');
  const rows = results.map(
    (x) =>
      `| ${x.label} | ${f(x.indexMs, 0)} | ${f(x.p50Ms, 3)} | ${f(x.p99Ms, 3)} | ${f(x.ndcg10, 4)} | ${f(x.recall100, 4)} | ${f(x.heapDeltaMB, 1)} / ${f(x.externalDeltaMB, 1)} / ${f(x.rssDeltaMB, 1)} |`,
  );
  for (const p of published)
    rows.push(`| Pyserini ${p.run} (published) | – | – | – | ${f(p.ndcg10, 4)} | – | – |`);
  const ours = results.find((x) => x.engine === 'ours');
  const ratio = ours !== undefined && fts !== undefined ? fts.p50Ms / ours.p50Ms : NaN;
  const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  const markdown = [
    `${isSciFact ? 'SciFact (BEIR)' : dataDir} test split: ${results[0]?.docs ?? '?'} documents, ${results[0]?.queries ?? '?'} queries, top 100 per query.`,
    '',
    '| engine | index ms | query p50 ms | query p99 ms | nDCG@10 | Recall@100 | memory Δ MB (heap / external / RSS) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Our query p50 is ${f(ratio, 1)}× faster than SQLite FTS5's in this run (target: ≥ 5×).`,
    '',
    'Configurations:',
    ...results.map((x) => `- ${x.label} (${x.version}): ${x.config}`),
    ...failures.map((x) => `- ${x.engine}: FAILED — ${x.error}`),
    '',
    `Method: each engine in its own Node process; one warm-up pass, then ${rounds} timed pass(es) over all queries; p50/p99 over all samples, measured around the search call (query parsing included). Memory: \`process.memoryUsage()\` after vs before building, each after a forced full GC. Published figures: ../shared/data/BASELINES.md (Pyserini \`beir.yaml\`). ${machine}.`,
  ].join('\n');
  return [
    {
      id: isSciFact ? 'peers' : `peers-${basename(dataDir)}`,
      title: isSciFact ? 'Retrieval peers on SciFact' : `Retrieval peers on ${dataDir}`,
      markdown,
      data: { rounds, results, failures, published, fts5OverOursP50: ratio },
    },
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--engine');
  if (at >= 0) {
    const name = args[at + 1] as EngineName;
    if (!(ENGINES as readonly string[]).includes(name))
      throw new Error(`unknown engine "${name}"; known: ${ENGINES.join(', ')}`);
    const r = args.indexOf('--rounds');
    const d = args.indexOf('--data');
    await child(
      name,
      r >= 0 ? Math.max(1, Number(args[r + 1])) : 1,
      d >= 0 ? args[d + 1]! : DEFAULT_DATA_DIR,
    );
    return;
  }
  const d = args.indexOf('--data');
  const dataDir = d >= 0 ? args[d + 1] : undefined;
  if (d >= 0 && dataDir === undefined) throw new Error('--data needs a BEIR folder');
  const sections = await run({ quick: args.includes('--quick') }, dataDir ?? DEFAULT_DATA_DIR);
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  for (const s of sections) {
    process.stdout.write(`## ${s.title}\n\n${s.markdown}\n`);
    writeFileSync(
      join(PROJECT_ROOT, 'bench', 'results', `${s.id}.json`),
      JSON.stringify(s.data, null, 2) + '\n',
    );
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench peers: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
