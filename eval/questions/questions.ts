/**
 * @module eval/questions/questions
 * The labelled question set (eval/questions/questions.jsonl): its line schema, the deterministic
 * fit/held-out split rule and the counts table pasted into the README. Used by check.test.ts and,
 * after `npm run build`, from the command line:
 *
 *   node dist/eval/questions/questions.js table    # counts per category × split × language (Markdown)
 *   node dist/eval/questions/questions.js split    # rewrite every `split` field by the rule below
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';

export const LANGS = ['en', 'fr', 'es', 'de', 'pt', 'ar'] as const;
export const CATEGORIES = ['answerable', 'unanswerable', 'out-of-scope', 'urgent', 'adversarial'] as const;
export const STATUSES = ['answered', 'insufficient-evidence', 'out-of-scope', 'urgent'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Lang = (typeof LANGS)[number];

/** Share of each (category, language) stratum that goes to the fitting part. */
export const FIT_SHARE = 0.6;

export const QuestionSchema = z.strictObject({
  id: z.string().regex(/^q\d{4}$/, 'ids look like q0001'),
  question: z.string().min(1),
  lang: z.enum(LANGS),
  category: z.enum(CATEGORIES),
  expected: z.strictObject({
    status: z.enum(STATUSES),
    entries: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)),
    grades: z.record(z.string(), z.union([z.literal(1), z.literal(2)])).optional(),
  }),
  profile: z.string().min(1).nullable(),
  split: z.enum(['fit', 'heldout']),
  note: z.string().min(10),
});
export type Question = z.infer<typeof QuestionSchema>;

/** The repository root: the nearest directory above this file holding package.json (works from src and from dist). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above eval/questions');
    dir = up;
  }
  return dir;
}

export const QUESTIONS_FILE = path.join(repoRoot(), 'eval', 'questions', 'questions.jsonl');

/** Reads the JSONL file; each line is parsed and validated, errors name the line. */
/**
 * JSONL text → one `schema`-parsed object per non-empty line. The first bad line throws an error
 * "<name>:<line>: <what is wrong>".
 */
export function parseJsonl<T>(text: string, name: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new Error(`${name}:${i + 1}: not JSON (${(e as Error).message})`, { cause: e });
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`${name}:${i + 1}: ${z.prettifyError(parsed.error)}`);
    out.push(parsed.data);
  });
  return out;
}

/** A JSONL file parsed with `schema` (see parseJsonl); errors name the file by its base name. */
export function loadJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  return parseJsonl(readFileSync(file, 'utf8'), path.basename(file), schema);
}

export function loadQuestions(file: string = QUESTIONS_FILE): Question[] {
  return loadJsonl(file, QuestionSchema);
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * The split rule: within each stratum (category, language), order the questions by the SHA-256
 * hex digest of their id; the first round(0.6 × n) are `fit`, the rest `heldout`. Deterministic,
 * independent of file order, and stratified by construction.
 */
export function splitByRule(
  questions: readonly Pick<Question, 'id' | 'category' | 'lang'>[],
): Map<string, 'fit' | 'heldout'> {
  const strata = new Map<string, string[]>();
  for (const q of questions) {
    const key = `${q.category}|${q.lang}`;
    const ids = strata.get(key) ?? [];
    ids.push(q.id);
    strata.set(key, ids);
  }
  const out = new Map<string, 'fit' | 'heldout'>();
  for (const ids of strata.values()) {
    const ordered = ids
      .map((id) => ({ id, h: sha256(id) }))
      .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    const nFit = Math.round(FIT_SHARE * ids.length);
    ordered.forEach(({ id }, i) => out.set(id, i < nFit ? 'fit' : 'heldout'));
  }
  return out;
}

/** Markdown table: one row per category × split, one column per language, with totals. */
export function countsTable(questions: readonly Question[]): string {
  const header = `| category | split | ${LANGS.join(' | ')} | total |`;
  const rule = `| --- | --- | ${LANGS.map(() => '---:').join(' | ')} | ---: |`;
  const rows: string[] = [header, rule];
  const count = (pred: (q: Question) => boolean): number => questions.filter(pred).length;
  for (const c of CATEGORIES) {
    for (const s of ['fit', 'heldout', 'all'] as const) {
      const inRow = (q: Question): boolean => q.category === c && (s === 'all' || q.split === s);
      const cells = LANGS.map((l) => String(count((q) => inRow(q) && q.lang === l)));
      rows.push(`| ${c} | ${s} | ${cells.join(' | ')} | ${count(inRow)} |`);
    }
  }
  for (const s of ['fit', 'heldout', 'all'] as const) {
    const inRow = (q: Question): boolean => s === 'all' || q.split === s;
    const cells = LANGS.map((l) => String(count((q) => inRow(q) && q.lang === l)));
    rows.push(`| **all** | ${s} | ${cells.join(' | ')} | ${count(inRow)} |`);
  }
  return rows.join('\n');
}

function main(argv: readonly string[]): void {
  const cmd = argv[0];
  if (cmd === 'table') {
    process.stdout.write(countsTable(loadQuestions()) + '\n');
  } else if (cmd === 'split') {
    const qs = loadQuestions();
    const rule = splitByRule(qs);
    const lines = qs.map((q) => JSON.stringify({ ...q, split: rule.get(q.id) }));
    writeFileSync(QUESTIONS_FILE, lines.join('\n') + '\n');
    process.stderr.write(`rewrote the split of ${qs.length} questions\n`);
  } else {
    process.stderr.write('usage: questions.js table|split\n');
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main(process.argv.slice(2));
