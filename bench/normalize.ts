/**
 * Lab-report normalization benchmark (issue 2): median time to normalize a 40-line text report
 * (target < 1 ms on one core), lines per second, the first (cold) call that loads the
 * terminology, the matcher and the unit tables, memory retained and RSS growth over many
 * reports, and the median per format for the fixture reports (CSV, FHIR, HL7 v2, PDF).
 * Inputs are the committed fixtures of fixtures/lab-reports/ (invented reports).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { splitLines } from '../src/pipeline/ingest/text.js';
import { normalizeLabReport } from '../src/pipeline/normalize/index.js';
import { clearNamingCache } from '../src/pipeline/normalize/name-analyte.js';
import { PROJECT_ROOT } from '../src/paths.js';
import type { BenchOptions, BenchSection } from './types.js';

const FIX = join(PROJECT_ROOT, 'fixtures', 'lab-reports');

// A collectable heap makes retained-memory figures meaningful; node is not started with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);

/**
 * The 40-line report: the Indian-style report (header, 15 results, footer) followed by the
 * results of the German report, cut at 40 lines — a realistic mix of header, result, comment
 * and unrecognized lines.
 */
function fortyLineReport(): string {
  const a = splitLines(readFileSync(join(FIX, 'in-english-clia.txt'), 'utf8'));
  const b = splitLines(readFileSync(join(FIX, 'de-hormonstatus.txt'), 'utf8')).slice(6);
  return [...a, ...b].slice(0, 40).join('\n');
}

async function timeMany(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function run(opts: BenchOptions): Promise<BenchSection[]> {
  const report = fortyLineReport();
  const lines = splitLines(report).length;

  // Cold: the first call loads the terminology, the analyte matcher and the UCUM tables.
  const c0 = performance.now();
  const first = await normalizeLabReport(report);
  const coldMs = performance.now() - c0;

  const warm = opts.quick ? 20 : 300;
  const iterations = opts.quick ? 50 : 3000;
  await timeMany(warm, () => normalizeLabReport(report));
  gc();
  const before = process.memoryUsage();
  const times = await timeMany(iterations, () => normalizeLabReport(report));
  gc();
  const after = process.memoryUsage();
  // The naming module caches names; a report of names never seen before pays for naming each
  // one: measured by clearing that cache before every call.
  const coldNames = await timeMany(opts.quick ? 20 : 500, () => {
    clearNamingCache();
    return normalizeLabReport(report);
  });
  const medianColdNames = quantile(coldNames, 0.5);
  const median = quantile(times, 0.5);
  const p95 = quantile(times, 0.95);
  const linesPerSecond = lines / (median / 1000);

  const formats: Array<[string, string]> = [
    ['CSV (;, decimal comma)', 'csv-semicolon-decimal-comma.csv'],
    ['TSV', 'tsv-panel.tsv'],
    ['FHIR Bundle', 'fhir-bundle.json'],
    ['HL7 v2 ORU^R01', 'hl7-oru-r01.hl7'],
    ['PDF text layer (2 pages)', 'pdf-text-layer.pdf'],
  ];
  const perFormat: Array<{ format: string; file: string; medianMs: number; observations: number }> = [];
  for (const [label, file] of formats) {
    const bytes = readFileSync(join(FIX, file));
    const r = await normalizeLabReport(bytes, { filename: file });
    const ts = await timeMany(opts.quick ? 10 : 200, () => normalizeLabReport(bytes, { filename: file }));
    perFormat.push({ format: label, file, medianMs: quantile(ts, 0.5), observations: r.observations.length });
  }

  const data = {
    reportLines: lines,
    observations: first.observations.length,
    unrecognized: first.unrecognized.length,
    iterations,
    coldFirstCallMs: coldMs,
    medianMs: median,
    medianUncachedNamesMs: medianColdNames,
    p95Ms: p95,
    linesPerSecond,
    heapRetainedMB: Number(mb(after.heapUsed - before.heapUsed)),
    rssGrowthMB: Number(mb(after.rss - before.rss)),
    perFormat,
  };
  const markdown = [
    '| measure | value |',
    '| --- | --- |',
    `| 40-line text report, median (${iterations} runs) | ${median.toFixed(3)} ms |`,
    `| same, p95 | ${p95.toFixed(3)} ms |`,
    `| same, names not cached (every name named afresh), median | ${medianColdNames.toFixed(3)} ms |`,
    `| lines per second (median) | ${Math.round(linesPerSecond).toLocaleString('en-US')} |`,
    `| first call (loads terminology, matcher, units) | ${coldMs.toFixed(1)} ms |`,
    `| heap retained after ${iterations} reports | ${mb(after.heapUsed - before.heapUsed)} MB |`,
    `| RSS growth over ${iterations} reports | ${mb(after.rss - before.rss)} MB |`,
    '',
    '| format (fixture) | median | observations |',
    '| --- | --- | --- |',
    ...perFormat.map(
      (f) => `| ${f.format} (\`${f.file}\`) | ${f.medianMs.toFixed(3)} ms | ${f.observations} |`,
    ),
    '',
    `Method: \`normalizeLabReport\` called in-process on one core, ${warm} warm-up calls first; the report has ${lines} lines ` +
      `(${first.observations.length} observations, ${first.unrecognized.length} unrecognized). Times include reading, ` +
      'de-identification, naming, unit conversion and flags.',
  ].join('\n');
  return [{ id: 'normalize', title: 'Lab report normalization', markdown, data }];
}
