/**
 * Checks eval/questions/candidates/multilingual.jsonl: labelled NON-ENGLISH questions (French, Spanish,
 * German, Portuguese, Arabic) used for fitting only (re-ranker and confidence calibrator). Every
 * line has `split: "fit"`; the set is never used to report figures.
 *
 * Same line format as train-extra.jsonl, with ids m0001… and three categories (see README-extra.md):
 * - answerable: `answered`, the entries that answer it (grade 2 = directly, 1 = partly);
 * - unanswerable: `insufficient-evidence`, no entries; `note` says what was searched in knowledge/;
 * - adversarial: `answered` (injection or false premise around a question the bank answers) or
 *   `insufficient-evidence` (invented sources, prescriptions the bank cannot ground).
 *
 * The counts table in README-extra.md (multilingual section) is computed here. To rewrite it:
 *
 *   WRITE_TRAIN_MULTILINGUAL_README=1 npx vitest run eval/questions/candidates/multilingual.test.ts
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { loadJsonl, QUESTIONS_FILE, repoRoot } from '../questions.js';
import {
  categoryCountProblems,
  countsBlock,
  countsBlockIn,
  duplicateProblems,
  gradedTwoCounts,
  notFitProblems,
  numberingProblems,
  expectationProblems,
  intakeProblems,
  readBankEntries,
  sharedTextProblems,
  trainingQuestionSchema,
  unpublishedEntryProblems,
} from '../set-checks.js';

const ROOT = repoRoot();
const DIR = path.join(ROOT, 'eval', 'questions');
const FILE = path.join(DIR, 'candidates', 'multilingual.jsonl');
const README = path.join(DIR, 'README-extra.md');

const CATEGORIES = ['answerable', 'unanswerable', 'adversarial'] as const;
type Category = (typeof CATEGORIES)[number];
const LANGS = ['fr', 'es', 'de', 'pt', 'ar'] as const;
type Lang = (typeof LANGS)[number];

const MultilingualQuestionSchema = trainingQuestionSchema('m', CATEGORIES);
type MultilingualQuestion = z.infer<typeof MultilingualQuestionSchema>;

/** Minimums from the brief that asked for this set (about 160 questions, 55 / 35 / 10 %). */
const MIN = {
  total: 150,
  perLang: { ar: 45, fr: 25, es: 25, de: 25, pt: 25 } satisfies Record<Lang, number>,
  arabicAnswerable: 20,
  arabicUnanswerable: 12,
  perCategory: { answerable: 80, unanswerable: 50, adversarial: 14 } satisfies Record<Category, number>,
  distinctEntriesGraded2: 60,
};
/** Share of each category in the whole set: roughly 55 / 35 / 10 %. */
const SHARE: Record<Category, [number, number]> = {
  answerable: [0.5, 0.62],
  unanswerable: [0.28, 0.4],
  adversarial: [0.07, 0.14],
};
/** No single entry may carry the answerable questions: at most this many grade it 2. */
const MAX_QUESTIONS_PER_ENTRY = 6;

/** The other labelled question files whose texts this one must not repeat. */
const OTHER_FILES = [
  QUESTIONS_FILE,
  ...readdirSync(DIR)
    .filter((f) => /^train-.*\.jsonl$/.test(f) && f !== path.basename(FILE))
    .map((f) => path.join(DIR, f)),
];

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/;
/** Function words that are English and not French, Spanish, German or Portuguese. */
const ENGLISH_WORDS = new Set([
  'the', 'and', 'is', 'are', 'what', 'how', 'should', 'can', 'my', 'we', 'you', 'with', 'for', 'of',
  'to', 'does', 'it', 'when', 'this', 'that', 'have', 'after', 'before', 'there', 'any', 'be',
]); // prettier-ignore

/** Text reads as English: three or more distinct English-only function words. */
function looksEnglish(text: string): boolean {
  const words = new Set(text.toLowerCase().match(/[a-z']+/g) ?? []);
  return [...words].filter((w) => ENGLISH_WORDS.has(w)).length >= 3;
}

/** Problems with the language of each question: English, or script not matching `lang`. */
function languageProblems(qs: readonly { id: string; question: string; lang: string }[]): string[] {
  const bad: string[] = [];
  for (const q of qs) {
    if (!(LANGS as readonly string[]).includes(q.lang)) bad.push(`${q.id}: lang ${q.lang} is not allowed`);
    if (looksEnglish(q.question)) bad.push(`${q.id}: reads as English`);
    if (q.lang === 'ar' && !ARABIC.test(q.question)) bad.push(`${q.id}: Arabic without Arabic script`);
    if (q.lang !== 'ar' && ARABIC.test(q.question))
      bad.push(`${q.id}: Arabic script in a ${q.lang} question`);
  }
  return bad;
}

/** The counts block of README-extra.md (multilingual section). */
function countsTable(questions: readonly MultilingualQuestion[]): string {
  const entries = new Set(
    questions.filter((q) => q.category === 'answerable').flatMap((q) => q.expected.entries),
  );
  return countsBlock(
    questions,
    CATEGORIES,
    LANGS,
    (count) =>
      `Answerable questions name ${entries.size} distinct published entries; ${count((q) => q.category === 'answerable' && q.profile !== null)} come with a couple profile.`,
  );
}

// A line that is not JSON or not a question fails here, naming the file and line.
const questions: MultilingualQuestion[] = loadJsonl(FILE, MultilingualQuestionSchema);
const bank = readBankEntries(ROOT);
const byCategory = (c: Category): MultilingualQuestion[] => questions.filter((q) => q.category === c);

describe('eval/questions/candidates/multilingual.jsonl', () => {
  it('parses against the schema (m-prefixed ids, three categories), split "fit" everywhere', () => {
    expect(questions.length).toBeGreaterThan(0);
    expect(notFitProblems(questions)).toEqual([]);
  });

  it('has unique ids numbered in order and unique question texts', () => {
    expect(duplicateProblems(questions)).toEqual([]);
    expect(numberingProblems(questions, 'm')).toEqual([]);
  });

  it('has no English question, and Arabic script exactly in the Arabic questions', () => {
    expect(languageProblems(questions)).toEqual([]);
  });

  it('has language checks that flag English text and script mismatches', () => {
    expect(looksEnglish('Should we do IVF after two failed IUI cycles with my husband?')).toBe(true);
    expect(looksEnglish('¿Conviene hacer FIV después de dos IUI fallidas?')).toBe(false);
    const bad = languageProblems([
      { id: 'a', question: 'What is the AMH and how is it measured?', lang: 'fr' },
      { id: 'b', question: 'Qué es la AMH', lang: 'ar' },
      { id: 'c', question: 'ما هو AMH', lang: 'es' },
      { id: 'd', question: 'What is AMH?', lang: 'en' },
    ]);
    expect(bad).toEqual([
      'a: reads as English',
      'b: Arabic without Arabic script',
      'c: Arabic script in a es question',
      'd: lang en is not allowed',
    ]);
  });

  it('keeps category, expected status, entries, grades and notes consistent', () => {
    const statusOf = { answerable: 'answered', unanswerable: 'insufficient-evidence' };
    const bad = expectationProblems(questions, statusOf, true);
    for (const q of questions) {
      const abstains = q.expected.status === 'insufficient-evidence';
      if (abstains && q.expected.grades !== undefined)
        bad.push(`${q.id}: insufficient-evidence lists no grades`);
      if (q.profile !== null && q.category !== 'answerable')
        bad.push(`${q.id}: only answerable questions carry a profile`);
      if (abstains && !/searched/i.test(q.note))
        bad.push(`${q.id}: abstention note must say what was searched`);
      if (abstains && !/\(\d+ hits?\)/.test(q.note))
        bad.push(`${q.id}: abstention note must give hit counts`);
    }
    expect(bad).toEqual([]);
  });

  it('names only published knowledge entries', () => {
    expect(unpublishedEntryProblems(questions, bank)).toEqual([]);
  });

  it('points to intake files that exist and validate against the intake schema', () => {
    expect(intakeProblems(questions, ROOT)).toEqual([]);
  });

  it('meets the minimum counts per language and category, in roughly 55 / 35 / 10 % shares', () => {
    expect(questions.length).toBeGreaterThanOrEqual(MIN.total);
    for (const l of LANGS) {
      const ofLang = questions.filter((q) => q.lang === l);
      expect(ofLang.length, l).toBeGreaterThanOrEqual(MIN.perLang[l]);
      for (const c of CATEGORIES)
        expect(ofLang.filter((q) => q.category === c).length, `${l} ${c}`).toBeGreaterThan(0);
    }
    const arabic = questions.filter((q) => q.lang === 'ar');
    expect(arabic.filter((q) => q.category === 'answerable').length).toBeGreaterThanOrEqual(
      MIN.arabicAnswerable,
    );
    expect(arabic.filter((q) => q.category === 'unanswerable').length).toBeGreaterThanOrEqual(
      MIN.arabicUnanswerable,
    );
    expect(categoryCountProblems(questions, MIN.perCategory, SHARE)).toEqual([]);
  });

  it('spreads the answerable questions over many entries', () => {
    const perEntry = gradedTwoCounts(byCategory('answerable'));
    expect(perEntry.size).toBeGreaterThanOrEqual(MIN.distinctEntriesGraded2);
    expect([...perEntry].filter(([, n]) => n > MAX_QUESTIONS_PER_ENTRY).map(([e]) => e)).toEqual([]);
  });

  it('shares no question text with the other labelled question files', () => {
    // Only ids of this file are reported, so that a failure never shows evaluation questions.
    expect(OTHER_FILES.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['questions.jsonl', 'train-extra.jsonl', 'train-comparisons.jsonl']),
    );
    expect(sharedTextProblems(questions, OTHER_FILES)).toEqual([]);
  });

  it('has the counts table of README-extra.md (multilingual section)', () => {
    const block = countsBlockIn(
      README,
      'multilingual-counts',
      countsTable(questions),
      process.env['WRITE_TRAIN_MULTILINGUAL_README'] === '1',
    );
    expect(block, 'README-extra.md needs the multilingual counts block').not.toBeNull();
    expect(block, 'run with WRITE_TRAIN_MULTILINGUAL_README=1 to rewrite the table').toBe(
      countsTable(questions),
    );
  });
});
