/**
 * Checks eval/questions/candidates/validation-en.jsonl: labelled ENGLISH questions that are never
 * trained on. With candidates/multilingual.jsonl (non-English) they are the validation set of
 * docs/decisions/0006: a change found by reading fitting questions is kept only if it does not
 * answer more of them wrongly. Every line has `split: "fit"` (the line format of the training
 * files) but no trainer reads this folder, and no figure is reported from it.
 *
 * Same line format as train-extra.jsonl, with ids v0001… and three categories (README-extra.md):
 * - answerable: `answered`, the entries that answer it (grade 2 = directly, 1 = partly);
 * - unanswerable: `insufficient-evidence`, no entries; `note` says what was searched in knowledge/;
 * - adversarial: `answered` (injection or false premise around a question the bank answers) or
 *   `insufficient-evidence` (invented sources, prescriptions the bank cannot ground).
 *
 * The counts table in README-extra.md (English validation section) is computed here. To rewrite it:
 *
 *   WRITE_VALIDATION_EN_README=1 npx vitest run eval/questions/candidates/validation-en.test.ts
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
  expectationProblems,
  gradedTwoCounts,
  notFitProblems,
  numberingProblems,
  readBankEntries,
  sharedTextProblems,
  trainingQuestionSchema,
  unpublishedEntryProblems,
} from '../set-checks.js';

const ROOT = repoRoot();
const DIR = path.join(ROOT, 'eval', 'questions');
const FILE = path.join(DIR, 'candidates', 'validation-en.jsonl');
const README = path.join(DIR, 'README-extra.md');

const CATEGORIES = ['answerable', 'unanswerable', 'adversarial'] as const;
type Category = (typeof CATEGORIES)[number];

const ValidationQuestionSchema = trainingQuestionSchema('v', CATEGORIES);
type ValidationQuestion = z.infer<typeof ValidationQuestionSchema>;

/** Minimums from the brief that asked for this set (about 160 questions, 55 / 35 / 10 %). */
const MIN = {
  total: 150,
  perCategory: { answerable: 80, unanswerable: 50, adversarial: 14 } satisfies Record<Category, number>,
  distinctEntriesGraded2: 60,
};
const SHARE: Record<Category, [number, number]> = {
  answerable: [0.5, 0.62],
  unanswerable: [0.28, 0.4],
  adversarial: [0.07, 0.14],
};
/** No single entry may carry the answerable questions: at most this many grade it 2. */
const MAX_QUESTIONS_PER_ENTRY = 4;

/** The other labelled question files whose texts this one must not repeat. */
const OTHER_FILES = [
  QUESTIONS_FILE,
  path.join(DIR, 'candidates', 'multilingual.jsonl'),
  ...readdirSync(DIR)
    .filter((f) => /^train-.*\.jsonl$/.test(f))
    .map((f) => path.join(DIR, f)),
];

const questions: ValidationQuestion[] = loadJsonl(FILE, ValidationQuestionSchema);
const bank = readBankEntries(ROOT);
const byCategory = (c: Category): ValidationQuestion[] => questions.filter((q) => q.category === c);

function countsTable(qs: readonly ValidationQuestion[]): string {
  const entries = new Set(qs.filter((q) => q.category === 'answerable').flatMap((q) => q.expected.entries));
  return countsBlock(
    qs,
    CATEGORIES,
    ['en'],
    () => `Answerable questions name ${entries.size} distinct published entries; none comes with a profile.`,
  );
}

describe('eval/questions/candidates/validation-en.jsonl', () => {
  it('parses against the schema (v-prefixed ids, three categories), split "fit" everywhere', () => {
    expect(questions.length).toBeGreaterThan(0);
    expect(notFitProblems(questions)).toEqual([]);
  });

  it('has unique ids numbered in order and unique question texts', () => {
    expect(duplicateProblems(questions)).toEqual([]);
    expect(numberingProblems(questions, 'v')).toEqual([]);
  });

  it('is English, without couple profiles', () => {
    expect(questions.filter((q) => q.lang !== 'en').map((q) => q.id)).toEqual([]);
    expect(questions.filter((q) => q.profile !== null).map((q) => q.id)).toEqual([]);
  });

  it('keeps category, expected status, entries, grades and notes consistent', () => {
    const statusOf = { answerable: 'answered', unanswerable: 'insufficient-evidence' };
    const bad = expectationProblems(questions, statusOf, true);
    for (const q of questions) {
      const abstains = q.expected.status === 'insufficient-evidence';
      if (abstains && Object.keys(q.expected.grades ?? {}).length > 0)
        bad.push(`${q.id}: insufficient-evidence lists no grades`);
      if (abstains && !/searched/i.test(q.note))
        bad.push(`${q.id}: abstention note must say what was searched`);
      if (abstains && !/\d/.test(q.note)) bad.push(`${q.id}: abstention note must give hit counts`);
    }
    expect(bad).toEqual([]);
  });

  it('names only published knowledge entries', () => {
    expect(unpublishedEntryProblems(questions, bank)).toEqual([]);
  });

  it('meets the minimum counts per category, in roughly 55 / 35 / 10 % shares', () => {
    expect(questions.length).toBeGreaterThanOrEqual(MIN.total);
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
      expect.arrayContaining(['questions.jsonl', 'multilingual.jsonl', 'train-extra.jsonl']),
    );
    expect(sharedTextProblems(questions, OTHER_FILES)).toEqual([]);
  });

  it('has the counts table of README-extra.md (English validation section)', () => {
    const block = countsBlockIn(
      README,
      'validation-en-counts',
      countsTable(questions),
      process.env['WRITE_VALIDATION_EN_README'] === '1',
    );
    expect(block, 'README-extra.md needs the validation-en counts block').not.toBeNull();
    expect(block, 'run with WRITE_VALIDATION_EN_README=1 to rewrite the table').toBe(countsTable(questions));
  });
});
