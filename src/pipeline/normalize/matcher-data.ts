/**
 * @module pipeline/normalize/matcher-data
 * Training examples for the analyte matcher, all deterministic for a seed:
 *  - every synonym of the terminology (six languages), labelled with its analyte;
 *  - seeded variants of each synonym: case, typos, OCR slips ("hyroid", l↔1, rn↔m), glued
 *    parentheses, word order, specimen and method decorations, abbreviation pairs;
 *  - "qualifier dropped" negatives: a qualified synonym without its qualifier ("free T4" → "T4")
 *    is labelled none unless it is itself a synonym, so the model never learns to drop one;
 *  - bare semen column headers ("Volume") labelled none: without a stated specimen they are not
 *    names (the lexicon handles them when the caller states the specimen);
 *  - hand-labelled names (`eval/lab-lines/train-names.jsonl`): real-looking variants and
 *    non-analyte names (other tests, headers, comments) in six languages;
 *  - the `train` split of the annotated lab lines (`eval/lab-lines/lines.jsonl`); the held-out
 *    split is never read here.
 * Each example gets a split (train / calib / valid): variants by example, negatives by their base
 * name, so calibration and threshold choice see names the model did not train on.
 */
import { seededRandom } from '../../random.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../paths.js';
import type { AnalyteTerminology } from '../../terminology/analytes.js';
import { analyzeName, foldWords, textTables } from './matcher-text.js';
import { buildLexicon, lexiconName } from './name-analyte.js';

export type Split = 'train' | 'calib' | 'valid';

export interface NameExample {
  text: string;
  /** Analyte id, or null for "none of these". */
  label: string | null;
  split: Split;
  origin: 'synonym' | 'variant' | 'qualifier-drop' | 'context-bare' | 'hand' | 'lines';
}

export const LAB_LINES_DIR = join(PROJECT_ROOT, 'eval', 'lab-lines');
export const TRAIN_NAMES_FILE = join(LAB_LINES_DIR, 'train-names.jsonl');
export const LINES_FILE = join(LAB_LINES_DIR, 'lines.jsonl');

/** A small seeded PRNG (mulberry32): training is reproducible bit for bit. */
export const rng = seededRandom;

/** Deterministic split from a string key (independent of example order). */
export function splitOf(key: string, seed: number): Split {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  const u = (h >>> 0) % 100;
  return u < 80 ? 'train' : u < 90 ? 'calib' : 'valid';
}

const HandSchema = z.strictObject({
  name: z.string().min(1),
  analyte: z.string().nullable(),
  lang: z.enum(['en', 'fr', 'es', 'de', 'pt', 'ar']),
  note: z.string().optional(),
});

export const LineSchema = z.strictObject({
  id: z.string().min(1),
  text: z.string().min(1),
  name: z.string().min(1),
  lang: z.enum(['en', 'fr', 'es', 'de', 'pt', 'ar']),
  layout: z.enum([
    'columns',
    'dot-leaders',
    'tabs',
    'csv',
    'bilingual',
    'flag-in-cell',
    'method-suffix',
    'colon',
    'free',
  ]),
  analyte: z.string().nullable(),
  value: z.number().optional(),
  unit: z.string().optional(),
  specimen: z.string().optional(),
  split: z.enum(['train', 'heldout']),
});
export type LabLine = z.infer<typeof LineSchema>;

/** Read a JSONL file, validating each line; errors name the file and line number. */
export function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`,
    );
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    const r = schema.safeParse(raw);
    if (!r.success)
      throw new Error(
        `${file}:${i + 1}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`,
      );
    out.push(r.data);
  });
  return out;
}

/** The annotated lab lines, checked against the terminology (every analyte id must exist). */
export function readLabLines(term: AnalyteTerminology, file = LINES_FILE): LabLine[] {
  const lines = readJsonl(file, LineSchema);
  const ids = new Set<string>();
  for (const l of lines) {
    if (ids.has(l.id)) throw new Error(`${file}: duplicate line id "${l.id}"`);
    ids.add(l.id);
    if (l.analyte !== null && !term.isAnalyte(l.analyte))
      throw new Error(`${file}: line ${l.id}: unknown analyte "${l.analyte}"`);
  }
  return lines;
}

const OCR_SWAPS: Array<[string, string]> = [
  ['l', '1'],
  ['O', '0'],
  ['o', '0'],
  ['rn', 'm'],
  ['m', 'rn'],
  ['I', 'l'],
  ['e', 'c'],
  ['S', '5'],
];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DECORATIONS_BEFORE = ['Serum ', 'S. ', 'Plasma ', 'Sérum ', 'Suero '];
const DECORATIONS_AFTER = [
  ', serum',
  ' (CLIA)',
  ' - ECLIA',
  ' [Elecsys]',
  ' (ELISA)',
  ' *',
  ':',
  ' (CMIA)',
  ' - Access',
];

/** One random edit of a name (never touching digits, which carry identity: T3 vs T4). */
function mutate(name: string, r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const op = Math.floor(r() * 10);
  const words = name.split(' ');
  switch (op) {
    case 0:
      return name.toUpperCase();
    case 1:
      return name.toLowerCase();
    case 2:
    case 3: {
      // typo in a long word: delete, swap, double or substitute one inner letter
      const idx = words.map((w, i) => ({ w, i })).filter(({ w }) => w.length >= 5 && !/\d/.test(w));
      if (!idx.length) return name.toUpperCase();
      const { w, i } = pick(idx);
      const p = 1 + Math.floor(r() * (w.length - 2));
      const kind = Math.floor(r() * 4);
      let nw = w;
      if (kind === 0) nw = w.slice(0, p) + w.slice(p + 1);
      else if (kind === 1) nw = w.slice(0, p) + w[p + 1]! + w[p]! + w.slice(p + 2);
      else if (kind === 2) nw = w.slice(0, p) + w[p]! + w.slice(p);
      else nw = w.slice(0, p) + pick([...LETTERS]) + w.slice(p + 1);
      words[i] = nw;
      return words.join(' ');
    }
    case 4: {
      // OCR: first letter lost, or a look-alike swap
      if (r() < 0.4 && name.length > 6 && !/\d/.test(name[0]!)) return name.slice(1);
      const [a, b] = pick(OCR_SWAPS);
      const at = name.indexOf(a);
      return at > 0 ? name.slice(0, at) + b + name.slice(at + a.length) : name.toUpperCase();
    }
    case 5:
      return pick(DECORATIONS_BEFORE) + name;
    case 6:
      return name + pick(DECORATIONS_AFTER);
    case 7:
      // glued parentheses and hyphens: "ESTRADIOL(E2)", "Anti-Mullerian-Hormone"
      return r() < 0.5 ? name.replace(' (', '(').toUpperCase() : name.replace(/ /g, '-');
    case 8:
      return words.length >= 2 && words.length <= 3 ? [...words].reverse().join(' ') : name + ' level';
    default:
      return name.replace(/ /g, '  ');
  }
}

/**
 * All training examples for a terminology (see module doc). `variantsPerSynonym` seeded
 * variants are made of each synonym.
 */
export function buildExamples(
  term: AnalyteTerminology,
  opts: { seed: number; variantsPerSynonym?: number; linesFile?: string; handFile?: string },
): NameExample[] {
  const seed = opts.seed;
  const per = opts.variantsPerSynonym ?? 10;
  const r = rng(seed);
  const out: NameExample[] = [];
  buildLexicon(term);
  const tables = textTables(term);
  // Labels must agree with what stage 1 will say at run time.
  const lexiconSays = (text: string): string | undefined => lexiconName(text) ?? undefined;
  for (const a of term.analytes()) {
    const syns = [...new Set([a.name, ...Object.values(a.synonyms).flat()])];
    const shortAbbrevs = a.synonyms.en.filter((s) => s.length <= 6 && !s.includes(' '));
    for (const s of syns) {
      out.push({ text: s, label: a.id, split: 'train', origin: 'synonym' });
      for (let v = 0; v < per; v++) {
        let t = mutate(s, r);
        if (r() < 0.3) t = mutate(t, r);
        if (r() < 0.15 && shortAbbrevs.length && !shortAbbrevs.includes(s))
          t = `${t} (${shortAbbrevs[Math.floor(r() * shortAbbrevs.length)]})`;
        out.push({ text: t, label: a.id, split: splitOf(`v|${a.id}|${t}`, seed), origin: 'variant' });
      }
      // qualifier dropped → none (unless the remainder is itself a synonym)
      for (const q of a.requires) {
        const qTokens = new Set(term.qualifiers[q]?.tokens.flatMap((w) => foldWords(String(w))) ?? []);
        const kept = analyzeName(s, term).all.filter(
          (tok) => !qTokens.has(tok) && !tables.qualifierTokens.get(tok)?.includes(q),
        );
        const text = kept.join(' ');
        if (kept.length && kept.length < analyzeName(s, term).all.length && lexiconSays(text) === undefined) {
          const ex = analyzeName(text, term);
          if (!ex.qualifiers.has(q))
            out.push({ text, label: null, split: splitOf(`q|${text}`, seed), origin: 'qualifier-drop' });
        }
      }
    }
    for (const c of a.contextSynonyms) {
      if (lexiconSays(c) === undefined)
        out.push({ text: c, label: null, split: splitOf(`c|${c}`, seed), origin: 'context-bare' });
    }
  }
  const hand = readJsonl(opts.handFile ?? TRAIN_NAMES_FILE, HandSchema);
  for (const h of hand) {
    if (h.analyte !== null && !term.isAnalyte(h.analyte))
      throw new Error(`train-names.jsonl: unknown analyte "${h.analyte}" for "${h.name}"`);
    out.push({ text: h.name, label: h.analyte, split: splitOf(`h|${h.name}`, seed), origin: 'hand' });
    // negatives also get variants (typos of "Creatinine" are still not an analyte)
    for (let v = 0; v < 3; v++) {
      const t = mutate(h.name, r);
      out.push({ text: t, label: h.analyte, split: splitOf(`h|${h.name}`, seed), origin: 'hand' });
    }
  }
  const lines = readLabLines(term, opts.linesFile ?? LINES_FILE);
  // A train line whose name reads exactly like a held-out name is left out too, so held-out
  // names are never seen in training (common names such as "TSH" are in the lexicon anyway).
  const heldNames = new Set(
    lines.filter((l) => l.split === 'heldout').map((l) => analyzeName(l.name, term).all.join(' ')),
  );
  for (const l of lines) {
    if (l.split !== 'train') continue; // the held-out part is never used in training
    if (heldNames.has(analyzeName(l.name, term).all.join(' '))) continue;
    // Lines named through a stated specimen (bare semen headers) teach the lexicon's context
    // map, not the matcher, which sees no specimen.
    if (l.specimen !== undefined) continue;
    out.push({ text: l.name, label: l.analyte, split: 'train', origin: 'lines' });
  }
  return out;
}
