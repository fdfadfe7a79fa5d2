/**
 * Knowledge-bank benchmark (issue 4): import time of a generated 200-page guideline (Markdown,
 * HTML and PDF renderings of the same synthetic document), and load + validate + snapshot time and
 * retained memory for a generated bank of 10,000 synthetic entries, without and with the parse
 * cache. Synthetic data is written to a temporary folder, never under knowledge/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildSnapshot, type KnowledgeSnapshot } from '../src/kb/bank.js';
import { importDocument, type ImportSource } from '../src/kb/import/index.js';
import { loadBank } from '../src/kb/load.js';
import {
  generateGuideline,
  renderHtml,
  renderMarkdown,
  type GeneratedGuideline,
} from '../src/kb/testing/generate-guideline.js';
import { writeSyntheticBank } from '../src/kb/testing/generate-bank.js';
import { flowPdf } from '../src/kb/testing/make-pdf.js';
import { validateBank } from '../src/kb/validate.js';
import type { BenchOptions, BenchSection } from './types.js';

const SRC: ImportSource = {
  body: 'Synthetic',
  document: 'Synthetic 200-page guideline',
  year: 2024,
  section: 'whole document',
  url: 'https://example.org/synthetic',
};

// A collectable heap makes retained-memory figures meaningful; node is not started with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** The guideline as PDF lines: headings larger by level, body text wrapped at ~95 characters. */
function guidelinePdf(g: GeneratedGuideline): { bytes: Uint8Array; pages: number } {
  const lines: Array<{ text: string; size: number; gap?: number }> = [];
  const wrap = (text: string, size: number, gap: number) => {
    let cur = '';
    let first = true;
    for (const w of text.split(' ')) {
      if (cur && cur.length + w.length + 1 > 95) {
        lines.push({ text: cur, size, gap: first ? gap : 0 });
        first = false;
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    if (cur) lines.push({ text: cur, size, gap: first ? gap : 0 });
  };
  for (const b of g.blocks) {
    if (b.type === 'heading')
      lines.push({ text: b.text, size: [0, 20, 16, 13, 11.5][b.level] ?? 11, gap: 8 });
    else if (b.type === 'paragraph') wrap(b.text, 10, 6);
    else if (b.type === 'recommendation') wrap(`${b.number} ${b.text}`, 10, 6);
    else if (b.type === 'list') b.items.forEach((i, k) => wrap(`• ${i}`, 10, k === 0 ? 4 : 0));
    else for (const r of [b.header, ...b.rows]) wrap(r.join('   '), 10, 2);
  }
  const bytes = flowPdf(lines);
  const pages = (
    Buffer.from(bytes)
      .toString('latin1')
      .match(/\/Type \/Page /g) ?? []
  ).length;
  return { bytes, pages };
}

export async function run(opts: BenchOptions): Promise<BenchSection[]> {
  const runs = opts.quick ? 1 : 5;
  const g = generateGuideline({ pages: 200, seed: 1 });
  const md = new TextEncoder().encode(renderMarkdown(g));
  const html = new TextEncoder().encode(renderHtml(g));
  const pdf = guidelinePdf(g);

  const importRows: Array<Record<string, number | string>> = [];
  for (const [format, bytes, file] of [
    ['markdown', md, 'g.md'],
    ['html', html, 'g.html'],
    ['pdf', pdf.bytes, 'g.pdf'],
  ] as const) {
    const times: number[] = [];
    let chunks = 0;
    let withPath = 0;
    for (let i = 0; i < (format === 'pdf' ? Math.min(runs, 3) : runs); i++) {
      const r = await time(() => importDocument(bytes, SRC, { fileName: file }));
      if (!r.value.ok)
        throw new Error(`import ${format}: ${r.value.issues.map((x) => x.message).join('; ')}`);
      times.push(r.ms);
      chunks = r.value.doc.chunks.length;
      withPath = r.value.doc.chunks.filter((c) => c.headingPath.length > 0).length;
    }
    importRows.push({ format, bytes: bytes.length, chunks, withPath, ms: median(times) });
  }

  // 10,000-entry bank.
  const n = opts.quick ? 1000 : 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'kb-bench-cache-'));
  const validate = { today: '2026-01-01', sharedDomainDir: null };
  try {
    const files = writeSyntheticBank(dir, { entries: n, seed: 1 });
    const phases = async (cache: false | string) => {
      const load = await time(() => loadBank(dir, { cache }));
      const val = await time(() => validateBank(load.value, validate));
      if (!val.value.ok) throw new Error(`synthetic bank invalid: ${val.value.issues[0]?.message}`);
      const snap = await time(() => buildSnapshot(val.value, dir));
      return {
        load: load.ms,
        validate: val.ms,
        snapshot: snap.ms,
        total: load.ms + val.ms + snap.ms,
        snap: snap.value,
      };
    };
    const cold: Array<Awaited<ReturnType<typeof phases>>> = [];
    for (let i = 0; i < Math.min(runs, 3); i++) cold.push(await phases(false));
    await phases(cacheDir); // fills the parse cache
    const warm: Array<Awaited<ReturnType<typeof phases>>> = [];
    for (let i = 0; i < Math.min(runs, 3); i++) warm.push(await phases(cacheDir));

    // Retained heap of one snapshot (entries, maps), measured after collection.
    cold.length = 0;
    warm.length = 0;
    gc();
    const before = process.memoryUsage().heapUsed;
    let keep: KnowledgeSnapshot | null = (await phases(false)).snap;
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    const published = keep.counts.published;
    keep = null;
    const rss = process.memoryUsage().rss;

    const med = (
      xs: Array<Awaited<ReturnType<typeof phases>>>,
      k: 'load' | 'validate' | 'snapshot' | 'total',
    ) => median(xs.map((x) => x[k]));
    // Re-measure medians (arrays were cleared to free memory for the heap figure).
    for (let i = 0; i < Math.min(runs, 3); i++) cold.push(await phases(false));
    for (let i = 0; i < Math.min(runs, 3); i++) warm.push(await phases(cacheDir));
    const bankRow = (label: string, xs: typeof cold) =>
      `| ${label} | ${med(xs, 'load').toFixed(0)} | ${med(xs, 'validate').toFixed(0)} | ${med(xs, 'snapshot').toFixed(0)} | ${med(xs, 'total').toFixed(0)} |`;

    const markdown = [
      `Import of a generated ${g.words.toLocaleString('en')}-word guideline (≈200 pages of 500 words; ${g.counts.headings} headings, ${g.counts.recommendations} numbered recommendations, ${g.counts.tables} tables, ${g.counts.lists} lists), budget 400 tokens per chunk, median of ${runs} runs:`,
      '',
      '| format | input | chunks | chunks with heading path | import ms |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...importRows.map(
        (r) =>
          `| ${r.format}${r.format === 'pdf' ? ` (${pdf.pages} pages)` : ''} | ${(Number(r.bytes) / 1024).toFixed(0)} KiB | ${r.chunks} | ${r.withPath} | ${Number(r.ms).toFixed(0)} |`,
      ),
      '',
      `Load + validate + snapshot of a generated bank of ${files.toLocaleString('en')} synthetic entries (${published.toLocaleString('en')} published), one YAML file each, median of ${Math.min(runs, 3)} runs (ms):`,
      '',
      '| parse cache | load (read + YAML) | validate | snapshot (hash) | total |',
      '| --- | ---: | ---: | ---: | ---: |',
      bankRow('off (cold)', cold),
      bankRow('on (files unchanged)', warm),
      '',
      `Retained heap of one snapshot: ${mb(retained)} MiB; process RSS after the runs: ${mb(rss)} MiB. The parse cache skips only YAML parsing (keyed by SHA-256 of each file); schema and cross-entry validation run on every load.`,
    ].join('\n');
    return [
      {
        id: 'kb',
        title: 'Knowledge bank: guideline import and bank load',
        markdown,
        data: {
          guideline: { words: g.words, counts: g.counts, pdfPages: pdf.pages },
          import: importRows,
          bank: {
            entries: files,
            published,
            coldMs: {
              load: med(cold, 'load'),
              validate: med(cold, 'validate'),
              snapshot: med(cold, 'snapshot'),
              total: med(cold, 'total'),
            },
            warmMs: {
              load: med(warm, 'load'),
              validate: med(warm, 'validate'),
              snapshot: med(warm, 'snapshot'),
              total: med(warm, 'total'),
            },
            retainedHeapBytes: retained,
            rssBytes: rss,
          },
        },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
