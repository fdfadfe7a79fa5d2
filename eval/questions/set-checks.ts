/**
 * Checks shared by the tests of the labelled question files (questions.jsonl, train-extra.jsonl,
 * train-comparisons.jsonl): each returns the problems it finds, one line per problem naming the
 * question id, so that a test asserts `toEqual([])` and a failure lists everything to fix.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { IntakeSchema } from '../../src/domain/intake.js';
import { LANGS, repoRoot } from './questions.js';

/** The fields every labelled question file shares. */
export interface LabelledQuestion {
  id: string;
  question: string;
  category: string;
  expected: { status: string; entries: string[]; grades?: Record<string, 1 | 2> | undefined };
  profile: string | null;
}

/**
 * The line schema of a training-only question file: ids `<prefix>0001…`, the given categories,
 * the given statuses (answered / insufficient-evidence unless said), and every line in the fit split.
 */
export function trainingQuestionSchema<C extends readonly [string, ...string[]]>(
  prefix: string,
  categories: C,
  statuses: readonly [string, ...string[]] = ['answered', 'insufficient-evidence'],
) {
  return z.strictObject({
    id: z.string().regex(new RegExp(`^${prefix}\\d{4}$`), `ids look like ${prefix}0001`),
    question: z.string().min(1),
    lang: z.enum(LANGS),
    category: z.enum(categories),
    expected: z.strictObject({
      status: z.enum(statuses),
      entries: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)),
      grades: z.record(z.string(), z.union([z.literal(1), z.literal(2)])).optional(),
    }),
    profile: z.string().min(1).nullable(),
    split: z.literal('fit'),
    note: z.string().min(10),
  });
}

export interface BankEntry {
  id: string;
  status: string;
  kind: string;
}

/** Every entry file under knowledge/ (imported documents and dot-files are not entries). */
export function readBankEntries(root: string = repoRoot()): Map<string, BankEntry> {
  const knowledge = path.join(root, 'knowledge');
  const out = new Map<string, BankEntry>();
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      const p = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (path.relative(knowledge, p) !== 'documents') walk(p);
      } else if (/\.ya?ml$/.test(d.name)) {
        const y = parseYaml(readFileSync(p, 'utf8')) as Partial<BankEntry> | null;
        if (y && typeof y.id === 'string')
          out.set(y.id, { id: y.id, status: String(y.status ?? ''), kind: String(y.kind ?? '') });
      }
    }
  };
  walk(knowledge);
  return out;
}

/** Question text as compared for duplicates: trimmed, lower case, spaces collapsed. */
export const normalizedText = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** The normalized question texts of a JSONL question file (only the `question` field is read). */
export function questionTexts(file: string): Set<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => normalizedText(String((JSON.parse(l) as { question?: unknown }).question ?? ''))),
  );
}

/** Ids of questions not in the fitting split (training files are never held out). */
export function notFitProblems(questions: ReadonlyArray<LabelledQuestion & { split: string }>): string[] {
  return questions.filter((q) => q.split !== 'fit').map((q) => `${q.id}: split is not "fit"`);
}

/** Ids that break the file's numbering: `prefix` and four digits, 1, 2, 3… in file order. */
export function numberingProblems(questions: readonly LabelledQuestion[], prefix: string): string[] {
  return questions.flatMap((q, i) => {
    const want = `${prefix}${String(i + 1).padStart(4, '0')}`;
    return q.id === want ? [] : [`line ${i + 1}: id ${q.id}, expected ${want}`];
  });
}

/** Ids repeated, and ids of questions whose text repeats an earlier one. */
export function duplicateProblems(questions: readonly LabelledQuestion[]): string[] {
  const bad: string[] = [];
  const ids = new Set<string>();
  const texts = new Set<string>();
  for (const q of questions) {
    if (ids.has(q.id)) bad.push(`${q.id}: duplicate id`);
    ids.add(q.id);
    const t = normalizedText(q.question);
    if (texts.has(t)) bad.push(`${q.id}: duplicate question text`);
    texts.add(t);
  }
  return bad;
}

/**
 * Expected status agrees with the category; answered questions list entries and abstentions none;
 * grades (required when `gradesRequired`) cover exactly the entries with at least one graded 2.
 */
export function expectationProblems(
  questions: readonly LabelledQuestion[],
  statusOf: Readonly<Record<string, string>>,
  gradesRequired: boolean,
): string[] {
  const bad: string[] = [];
  for (const q of questions) {
    const { status, entries, grades } = q.expected;
    const want = statusOf[q.category];
    if (want !== undefined && status !== want)
      bad.push(`${q.id}: ${q.category} must expect ${want}, not ${status}`);
    if (status === 'answered' && entries.length === 0) bad.push(`${q.id}: answered needs expected entries`);
    if ((status === 'insufficient-evidence' || status === 'out-of-scope') && entries.length > 0)
      bad.push(`${q.id}: ${status} must list no entries`);
    if (new Set(entries).size !== entries.length) bad.push(`${q.id}: duplicate expected entries`);
    if (grades === undefined) {
      if (gradesRequired && entries.length > 0) bad.push(`${q.id}: grades missing`);
      continue;
    }
    const keys = Object.keys(grades);
    if (keys.length !== entries.length || keys.some((k) => !entries.includes(k)))
      bad.push(`${q.id}: grades must cover exactly the expected entries`);
    if (!Object.values(grades).includes(2)) bad.push(`${q.id}: at least one entry must be graded 2`);
  }
  return bad;
}

/** Expected entries that are not in knowledge/ or not published. */
export function unpublishedEntryProblems(
  questions: readonly LabelledQuestion[],
  bank: ReadonlyMap<string, BankEntry>,
): string[] {
  const bad: string[] = [];
  for (const q of questions)
    for (const e of q.expected.entries) {
      const entry = bank.get(e);
      if (entry === undefined) bad.push(`${q.id}: ${e} is not in knowledge/`);
      else if (entry.status !== 'published') bad.push(`${q.id}: ${e} is ${entry.status}, not published`);
    }
  return bad;
}

/** Profile paths (relative to the repository) that are missing or fail the intake schema. */
export function intakeProblems(questions: readonly LabelledQuestion[], root: string = repoRoot()): string[] {
  const bad: string[] = [];
  for (const p of new Set(questions.flatMap((q) => (q.profile === null ? [] : [q.profile])))) {
    const file = path.join(root, p);
    if (!existsSync(file)) {
      bad.push(`${p}: missing`);
      continue;
    }
    const parsed = IntakeSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) bad.push(`${p}: ${parsed.error.message}`);
  }
  return bad;
}

/**
 * The counts block of a training file's README section: one row per category and one column per
 * language with totals, then `summary` (a sentence about the file) and the adversarial questions
 * by expected status.
 */
export function countsBlock<Q extends LabelledQuestion & { lang: string }>(
  questions: readonly Q[],
  categories: readonly string[],
  langs: readonly string[],
  summary: (count: (pred: (q: Q) => boolean) => number) => string,
): string {
  const count = (pred: (q: Q) => boolean): number => questions.filter(pred).length;
  const rows = [
    `| category | ${langs.join(' | ')} | total |`,
    `| --- | ${langs.map(() => '---:').join(' | ')} | ---: |`,
  ];
  for (const c of categories) {
    const cells = langs.map((l) => String(count((q) => q.category === c && q.lang === l)));
    rows.push(`| ${c} | ${cells.join(' | ')} | ${count((q) => q.category === c)} |`);
  }
  rows.push(
    `| **all** | ${langs.map((l) => String(count((q) => q.lang === l))).join(' | ')} | ${questions.length} |`,
  );
  const byStatus = (st: string): number =>
    count((q) => q.category === 'adversarial' && q.expected.status === st);
  rows.push('', summary(count));
  rows.push(
    `Adversarial questions expecting \`answered\`: ${byStatus('answered')}; expecting \`insufficient-evidence\`: ${byStatus('insufficient-evidence')}.`,
  );
  return rows.join('\n');
}

/** Ids of `questions` whose text is also in one of `files`; only these ids are named, never the other files' questions. */
export function sharedTextProblems(
  questions: readonly LabelledQuestion[],
  files: readonly string[],
): string[] {
  const bad: string[] = [];
  for (const file of files) {
    const texts = questionTexts(file);
    for (const q of questions)
      if (texts.has(normalizedText(q.question)))
        bad.push(`${q.id}: repeats a ${path.basename(file)} question`);
  }
  return bad;
}

/** How many questions grade each entry 2 (answer it directly). */
export function gradedTwoCounts(questions: readonly LabelledQuestion[]): Map<string, number> {
  const perEntry = new Map<string, number>();
  for (const q of questions)
    for (const [e, g] of Object.entries(q.expected.grades ?? {}))
      if (g === 2) perEntry.set(e, (perEntry.get(e) ?? 0) + 1);
  return perEntry;
}

/**
 * The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a README (trimmed), after
 * replacing it with `table` when `write` is true (the test's WRITE_… variable); null when the markers
 * are missing.
 */
export function countsBlockIn(
  readmePath: string,
  name: string,
  table: string,
  write: boolean,
): string | null {
  const block = new RegExp(`(<!-- ${name}:start -->\\n)([\\s\\S]*?)(\\n?<!-- ${name}:end -->)`);
  let readme = readFileSync(readmePath, 'utf8');
  if (write) {
    readme = readme.replace(block, (_m, start: string) => `${start}${table}\n<!-- ${name}:end -->`);
    writeFileSync(readmePath, readme);
  }
  return block.exec(readme)?.[2]?.trim() ?? null;
}

/** Categories below their minimum count or outside their [low, high] share of the whole set. */
export function categoryCountProblems(
  questions: readonly LabelledQuestion[],
  minimum: Readonly<Record<string, number>>,
  share: Readonly<Record<string, readonly [number, number]>>,
): string[] {
  const bad: string[] = [];
  for (const [c, min] of Object.entries(minimum)) {
    const n = questions.filter((q) => q.category === c).length;
    if (n < min) bad.push(`${c}: ${n} questions, at least ${min} wanted`);
    const [lo, hi] = share[c] ?? [0, 1];
    const s = questions.length ? n / questions.length : 0;
    if (s < lo || s > hi) bad.push(`${c}: share ${s.toFixed(3)} outside ${lo}–${hi}`);
  }
  return bad;
}
