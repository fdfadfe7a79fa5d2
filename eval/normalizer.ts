/**
 * @module eval/normalizer
 * `fertility eval normalizer`: how well lab lines are named and read, on the annotated set
 * `eval/lab-lines/lines.jsonl` (held-out split by default — lines the matcher never trains on).
 *
 * Two measurements:
 *  - naming: `nameAnalyte` on the annotated name part of each line (and the stated specimen);
 *  - pipeline: the whole line through `normalizeLabReport` as a one-line text report (preceded
 *    by a "Semen analysis" header for lines annotated with the semen specimen), which exercises
 *    line parsing, naming, value and unit reading together. Value accuracy compares the value as
 *    printed (`original.value`) with the annotation; unit accuracy compares `original.unit`.
 * "Wrong above threshold" counts lines named as an analyte other than the annotation (including
 * non-analyte lines named at all); the target is 0.
 */
import { getTerminology } from '../src/terminology/analytes.js';
import { getMatcher } from '../src/pipeline/normalize/matcher-model.js';
import { readLabLines, type LabLine } from '../src/pipeline/normalize/matcher-data.js';
import { nameAnalyte } from '../src/pipeline/normalize/name-analyte.js';

interface PipelineOut {
  observations: Array<{ analyte: string; original: { value: string; unit: string } }>;
  warnings: Array<{ code: string; details?: Record<string, unknown> }>;
}

export interface NormalizerEvalOptions {
  split?: 'heldout' | 'train' | 'all';
  file?: string;
  /** Also run the full pipeline (default true when it can be loaded). */
  pipeline?: boolean;
}

export interface Failure {
  id: string;
  name: string;
  gold: string | null;
  got: string | null;
  stage: string;
  confidence: number;
  why?: string;
}

export interface NamingFigures {
  lines: number;
  positives: number;
  negatives: number;
  /** Share of analyte lines named with the right analyte. */
  analyteRecall: number;
  /** Lines named with a wrong analyte (incl. non-analyte lines named at all). Target 0. */
  wrongAboveThreshold: number;
  /** Share of analyte lines left unrecognized. */
  unrecognizedRate: number;
  /** Share of non-analyte lines correctly left unnamed. */
  negativeRejection: number;
  lexiconShare: number;
}

export interface NormalizerEvalReport {
  split: string;
  file: string;
  model: { version: string; trainedAt: string; threshold: number; stale: boolean };
  naming: NamingFigures & { byLanguage: Record<string, { lines: number; recall: number; wrong: number }> };
  pipeline:
    | (NamingFigures & { valueAccuracy: number; unitAccuracy: number; valueChecked: number })
    | { unavailable: string };
  failures: Failure[];
}

function figures(rows: Array<{ gold: string | null; got: string | null; lexicon: boolean }>): NamingFigures {
  const pos = rows.filter((r) => r.gold !== null);
  const neg = rows.filter((r) => r.gold === null);
  const hit = pos.filter((r) => r.got === r.gold).length;
  const unrec = pos.filter((r) => r.got === null).length;
  const wrong = rows.filter((r) => r.got !== null && r.got !== r.gold).length;
  return {
    lines: rows.length,
    positives: pos.length,
    negatives: neg.length,
    analyteRecall: pos.length ? hit / pos.length : 1,
    wrongAboveThreshold: wrong,
    unrecognizedRate: pos.length ? unrec / pos.length : 0,
    negativeRejection: neg.length ? neg.filter((r) => r.got === null).length / neg.length : 1,
    lexiconShare: rows.length ? rows.filter((r) => r.lexicon).length / rows.length : 0,
  };
}

function selected(lines: LabLine[], split: string): LabLine[] {
  return split === 'all' ? lines : lines.filter((l) => l.split === split);
}

/** Run the evaluation (see module doc). */
export async function evaluateNormalizer(opts: NormalizerEvalOptions = {}): Promise<NormalizerEvalReport> {
  const term = getTerminology();
  const split = opts.split ?? 'heldout';
  const lines = selected(readLabLines(term, ...(opts.file ? [opts.file] : [])), split);
  const matcher = getMatcher();
  const failures: Failure[] = [];

  const namingRows = lines.map((l) => {
    const n = nameAnalyte(l.name, l.specimen ? { specimen: l.specimen } : {});
    if (n.analyte !== l.analyte) {
      failures.push({
        id: l.id,
        name: l.name,
        gold: l.analyte,
        got: n.analyte,
        stage: `naming/${n.stage}`,
        confidence: Number(n.confidence.toFixed(3)),
        ...(n.reason ? { why: n.reason } : {}),
      });
    }
    return { gold: l.analyte, got: n.analyte, lexicon: n.stage === 'lexicon', lang: l.lang };
  });
  const byLanguage: Record<string, { lines: number; recall: number; wrong: number }> = {};
  for (const lang of [...new Set(namingRows.map((r) => r.lang))].sort()) {
    const f = figures(namingRows.filter((r) => r.lang === lang));
    byLanguage[lang] = { lines: f.lines, recall: f.analyteRecall, wrong: f.wrongAboveThreshold };
  }

  let pipeline: NormalizerEvalReport['pipeline'];
  if (opts.pipeline === false) {
    pipeline = { unavailable: 'not requested' };
  } else {
    let normalize: ((input: string) => Promise<PipelineOut>) | undefined;
    try {
      // Loaded by a computed specifier: the pipeline is another module's work and this harness
      // must still run (naming only) where it is absent.
      const specifier = '../src/pipeline/normalize/index.js';
      const mod = (await import(specifier)) as {
        normalizeLabReport?: (input: string) => Promise<PipelineOut>;
      };
      normalize = mod.normalizeLabReport;
    } catch (e) {
      pipeline = { unavailable: `normalizeLabReport could not be loaded: ${(e as Error).message}` };
    }
    if (normalize) {
      const rows: Array<{ gold: string | null; got: string | null; lexicon: boolean }> = [];
      let valueChecked = 0;
      let valueOk = 0;
      let unitChecked = 0;
      let unitOk = 0;
      for (const l of lines) {
        // A CSV row comes with its file's header; a bare semen header with its section title.
        let text = l.text;
        if (l.layout === 'csv')
          text =
            (text.includes(';') ? 'Test;Result;Unit;Reference\n' : 'Test,Result,Unit,Reference\n') + text;
        if (l.specimen === 'semen') text = `Semen analysis\n${text}`;
        const report = await normalize(text);
        const obs = report.observations[0];
        // A named line whose unit could not be converted is a warning naming the analyte, not an
        // observation: it counts as named (naming is what is measured here), not as a value.
        const namedInWarning = report.warnings.find((w) => typeof w.details?.['analyte'] === 'string');
        const got = obs?.analyte ?? (namedInWarning ? String(namedInWarning.details!['analyte']) : null);
        rows.push({ gold: l.analyte, got, lexicon: false });
        if (got !== l.analyte) {
          failures.push({ id: l.id, name: l.text, gold: l.analyte, got, stage: 'pipeline', confidence: 0 });
        }
        if (obs && got === l.analyte && l.value !== undefined) {
          valueChecked++;
          const printed = Number(obs.original.value.replace(/^[<>≤≥=]+/, '').replace(',', '.'));
          if (Math.abs(printed - l.value) < 1e-9) valueOk++;
          else
            failures.push({
              id: l.id,
              name: l.text,
              gold: String(l.value),
              got: obs.original.value,
              stage: 'pipeline/value',
              confidence: 0,
            });
        }
        if (obs && got === l.analyte && l.unit !== undefined) {
          unitChecked++;
          if (obs.original.unit.trim() === l.unit.trim()) unitOk++;
          else
            failures.push({
              id: l.id,
              name: l.text,
              gold: l.unit,
              got: obs.original.unit,
              stage: 'pipeline/unit',
              confidence: 0,
            });
        }
      }
      pipeline = {
        ...figures(rows),
        valueAccuracy: valueChecked ? valueOk / valueChecked : 1,
        unitAccuracy: unitChecked ? unitOk / unitChecked : 1,
        valueChecked,
      };
    } else {
      pipeline ??= { unavailable: 'normalizeLabReport is not exported' };
    }
  }
  const art = matcher.artifact;
  return {
    split,
    file: opts.file ?? 'eval/lab-lines/lines.jsonl',
    model: {
      version: art.version,
      trainedAt: art.trainedAt,
      threshold: art.threshold,
      stale: art.terminologyHash !== term.hash,
    },
    naming: { ...figures(namingRows), byLanguage },
    pipeline,
    failures,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** Human-readable summary of a report. */
export function formatNormalizerReport(r: NormalizerEvalReport): string {
  const n = r.naming;
  const out = [
    `lab lines (${r.split}, ${r.file}): ${n.lines} lines, ${n.positives} analyte lines, ${n.negatives} non-analyte lines`,
    `naming:   analyte recall ${pct(n.analyteRecall)}, wrong above threshold ${n.wrongAboveThreshold}, unrecognized ${pct(n.unrecognizedRate)}, non-analytes rejected ${pct(n.negativeRejection)}, lexicon ${pct(n.lexiconShare)}`,
  ];
  if ('unavailable' in r.pipeline) out.push(`pipeline: unavailable (${r.pipeline.unavailable})`);
  else {
    const p = r.pipeline;
    out.push(
      `pipeline: analyte recall ${pct(p.analyteRecall)}, wrong ${p.wrongAboveThreshold}, unrecognized ${pct(p.unrecognizedRate)}, value ${pct(p.valueAccuracy)}, unit ${pct(p.unitAccuracy)} (${p.valueChecked} values checked)`,
    );
  }
  out.push(
    `by language: ${Object.entries(n.byLanguage)
      .map(([k, v]) => `${k} ${v.lines} lines ${pct(v.recall)}${v.wrong ? ` (${v.wrong} wrong)` : ''}`)
      .join('; ')}`,
  );
  out.push(
    `model ${r.model.version} (threshold ${r.model.threshold}, trained ${r.model.trainedAt})${r.model.stale ? ' — STALE: terminology changed since training, retrain with "fertility train normalizer"' : ''}`,
  );
  for (const f of r.failures.slice(0, 30)) {
    out.push(
      `  ✗ ${f.id} [${f.stage}] ${JSON.stringify(f.name)}: expected ${f.gold ?? 'none'}, got ${f.got ?? 'none'}${f.why ? ` (${f.why})` : ''}`,
    );
  }
  if (r.failures.length > 30) out.push(`  … ${r.failures.length - 30} more (see --json)`);
  return out.join('\n');
}
