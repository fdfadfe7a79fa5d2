/**
 * Benchmark: analyte naming and unit conversion throughput (issue 2).
 * - names/s through stage 1 (lexicon hits: every synonym of the terminology) and through stage 2
 *   (names that miss the lexicon and reach the matcher: the held-out lab-line names that do);
 * - time to load the matcher artifact (it loads lazily, once);
 * - conversions/s of `toCanonical` over lines of the annotated set, first pass (factor resolved
 *   through UCUM and cached) and steady state (cached).
 * Measures only; never asserts.
 */
import { readFileSync } from 'node:fs';
import { getTerminology } from '../src/terminology/analytes.js';
import { readLabLines } from '../src/pipeline/normalize/matcher-data.js';
import { MATCHER_FILE, Matcher, parseMatcherArtifact } from '../src/pipeline/normalize/matcher-model.js';
import { clearNamingCache, nameAnalyte } from '../src/pipeline/normalize/name-analyte.js';
import { toCanonical } from '../src/units/convert.js';
import type { BenchModule, BenchOptions, BenchSection } from './types.js';

function perSecond(n: number, ms: number): number {
  return ms > 0 ? (n * 1000) / ms : Infinity;
}

function timeLoop(
  items: readonly string[],
  rounds: number,
  f: (s: string) => unknown,
): { ms: number; calls: number } {
  const t0 = performance.now();
  let calls = 0;
  for (let r = 0; r < rounds; r++) {
    for (const s of items) {
      f(s);
      calls++;
    }
  }
  return { ms: performance.now() - t0, calls };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export async function run(opts: BenchOptions): Promise<BenchSection[]> {
  const term = getTerminology();
  const rounds = opts.quick ? 1 : 20;

  // Matcher load (parse + build sparse rows), measured on a fresh instance.
  const loads: number[] = [];
  for (let i = 0; i < (opts.quick ? 1 : 5); i++) {
    const t0 = performance.now();
    new Matcher(parseMatcherArtifact(readFileSync(MATCHER_FILE, 'utf8')));
    loads.push(performance.now() - t0);
  }

  const lexiconNames = term.analytes().flatMap((a) => Object.values(a.synonyms).flat());
  const lines = readLabLines(term);
  const matcherNames = lines.map((l) => l.name).filter((n) => nameAnalyte(n).stage !== 'lexicon');
  // warm-up (lexicon build, matcher load, JIT)
  for (const n of [...lexiconNames, ...matcherNames]) nameAnalyte(n);
  // Cold: every name seen for the first time (cache cleared before each call).
  const lex = timeLoop(lexiconNames, rounds, (s) => {
    clearNamingCache();
    return nameAnalyte(s);
  });
  const mat = timeLoop(matcherNames, rounds, (s) => {
    clearNamingCache();
    return nameAnalyte(s);
  });
  // Warm: names already seen (reports repeat the same test names).
  const warm = timeLoop([...lexiconNames, ...matcherNames], rounds, (s) => nameAnalyte(s));

  const triples = lines
    .filter((l) => l.analyte !== null && l.value !== undefined)
    .map((l) => ({ a: l.analyte!, v: l.value!, u: l.unit ?? '' }));
  const t0 = performance.now();
  for (const t of triples) toCanonical(t.a, t.v, t.u);
  const firstMs = performance.now() - t0;
  const conv = timeLoop(
    triples.map((_, i) => String(i)),
    rounds * 10,
    (i) => {
      const t = triples[Number(i)]!;
      return toCanonical(t.a, t.v, t.u);
    },
  );

  const data = {
    lexiconNames: lexiconNames.length,
    lexiconNamesPerSecond: Math.round(perSecond(lex.calls, lex.ms)),
    lexiconMicrosPerName: (1000 * lex.ms) / lex.calls,
    matcherNames: matcherNames.length,
    matcherNamesPerSecond: Math.round(perSecond(mat.calls, mat.ms)),
    matcherMicrosPerName: (1000 * mat.ms) / mat.calls,
    warmMicrosPerName: (1000 * warm.ms) / warm.calls,
    matcherLoadMsMedian: median(loads),
    conversions: triples.length,
    conversionFirstPassMs: firstMs,
    conversionsPerSecond: Math.round(perSecond(conv.calls, conv.ms)),
    conversionMicros: (1000 * conv.ms) / conv.calls,
    rounds,
  };
  const markdown = [
    '| measure | value |',
    '| --- | --- |',
    `| naming, lexicon path, first sight (${data.lexiconNames} synonyms) | ${data.lexiconNamesPerSecond.toLocaleString('en')} names/s (${data.lexiconMicrosPerName.toFixed(1)} µs/name) |`,
    `| naming, matcher path, first sight (${data.matcherNames} names that miss the lexicon) | ${data.matcherNamesPerSecond.toLocaleString('en')} names/s (${data.matcherMicrosPerName.toFixed(1)} µs/name) |`,
    `| naming, name seen before (cache) | ${data.warmMicrosPerName.toFixed(2)} µs/name |`,
    `| matcher artifact load (median) | ${data.matcherLoadMsMedian.toFixed(1)} ms |`,
    `| unit conversion, first pass over ${data.conversions} lab-line units (factors resolved, cached) | ${data.conversionFirstPassMs.toFixed(2)} ms |`,
    `| unit conversion, cached | ${data.conversionsPerSecond.toLocaleString('en')} conversions/s (${data.conversionMicros.toFixed(2)} µs) |`,
    '',
    `Method: names from clinical/terminology/analytes.yaml and eval/lab-lines/lines.jsonl, ${rounds} rounds after a warm-up pass; one process, one core. Shared machine: figures are indicative.`,
  ].join('\n');
  return [{ id: 'naming', title: 'Analyte naming and unit conversion', markdown, data }];
}

const mod: BenchModule = { run };
export default mod;
