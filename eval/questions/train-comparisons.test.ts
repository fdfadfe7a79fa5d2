/**
 * Checks eval/questions/train-comparisons.jsonl: labelled COMPARISON questions ("X or Y?",
 * "X vs Y", "X rather than Y", "do X or wait?") used for fitting only (re-ranker and confidence
 * calibrator). Every line has `split: "fit"`; the set is never used to report figures.
 *
 * Same line format as train-extra.jsonl, with ids c0001… and two categories:
 * - answerable: the bank has entries on each option; `expected.entries` lists every entry that
 *   speaks directly to either option (grade 2 = addresses the choice, 1 = supporting);
 * - unanswerable: the bank does not compare or cover the options; `note` says what was searched.
 *
 *   npx vitest run eval/questions/train-comparisons.test.ts
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { LANGS, loadJsonl, QUESTIONS_FILE, repoRoot } from './questions.js';
import {
  duplicateProblems,
  notFitProblems,
  numberingProblems,
  expectationProblems,
  intakeProblems,
  normalizedText,
  questionTexts,
  readBankEntries,
  trainingQuestionSchema,
  unpublishedEntryProblems,
} from './set-checks.js';

const ROOT = repoRoot();
const FILE = path.join(ROOT, 'eval', 'questions', 'train-comparisons.jsonl');
const EXTRA_FILE = path.join(ROOT, 'eval', 'questions', 'train-extra.jsonl');

const CATEGORIES = ['answerable', 'unanswerable'] as const;
type Category = (typeof CATEGORIES)[number];

const ComparisonQuestionSchema = trainingQuestionSchema('c', CATEGORIES);
type ComparisonQuestion = z.infer<typeof ComparisonQuestionSchema>;

/** Minimums from the brief that asked for this set. */
const MIN = {
  answerable: 90,
  answerableOtherLanguages: 30,
  answerableWithProfile: 45,
  unanswerable: 30,
};

/**
 * A comparison needs words that set options against each other ("or", "vs", "better than",
 * "instead of", "which … of two named options"), in its own language.
 */
const CONNECTIVE: Record<(typeof LANGS)[number], RegExp> = {
  en: /\b(or|vs\.?|versus|rather than|instead of|better than|as good as|alternative to|preferred over|compared with|which)\b/i,
  fr: /\b(ou|plutôt que|mieux que)\b/i,
  es: /(^|[\s¿¡,])(o|u|mejor que|en vez de)(?=[\s,])/i,
  de: /\b(oder|besser als|statt|welche[rsnm]?)\b/i,
  pt: /\b(ou|melhor que|em vez de)\b/i,
  ar: /(^|\s)(أم|أو|أفضل من)(\s|$)/,
};

const questions = loadJsonl(FILE, ComparisonQuestionSchema);
const bank = readBankEntries(ROOT);
const byCategory = (c: Category): ComparisonQuestion[] => questions.filter((q) => q.category === c);

describe('eval/questions/train-comparisons.jsonl', () => {
  it('parses line by line against the schema, split "fit" everywhere', () => {
    expect(questions.length).toBeGreaterThan(0);
    expect(notFitProblems(questions)).toEqual([]);
  });

  it('has unique c-prefixed ids, in order, and unique question texts', () => {
    expect(duplicateProblems(questions)).toEqual([]);
    expect(numberingProblems(questions, 'c')).toEqual([]);
  });

  it('asks every question as a comparison (a connective of its language)', () => {
    expect(questions.filter((q) => !CONNECTIVE[q.lang].test(q.question)).map((q) => q.id)).toEqual([]);
  });

  it('keeps category, expected status, entries and grades consistent', () => {
    const statusOf = { answerable: 'answered', unanswerable: 'insufficient-evidence' };
    const bad = expectationProblems(questions, statusOf, true);
    for (const q of questions) {
      if (q.expected.status === 'insufficient-evidence' && q.expected.grades !== undefined)
        bad.push(`${q.id}: insufficient-evidence lists no grades`);
      if (q.profile !== null && q.category === 'unanswerable')
        bad.push(`${q.id}: unanswerable questions carry no profile`);
      if (q.category === 'unanswerable' && !/searched/i.test(q.note))
        bad.push(`${q.id}: unanswerable note must say what was searched`);
    }
    expect(bad).toEqual([]);
  });

  it('names only published knowledge entries', () => {
    expect(unpublishedEntryProblems(questions, bank)).toEqual([]);
  });

  it('points to intake files that exist and validate against the intake schema', () => {
    expect(intakeProblems(questions, ROOT)).toEqual([]);
  });

  it('meets the minimum counts', () => {
    const answerable = byCategory('answerable');
    expect(answerable.length).toBeGreaterThanOrEqual(MIN.answerable);
    expect(answerable.filter((q) => q.lang !== 'en').length).toBeGreaterThanOrEqual(
      MIN.answerableOtherLanguages,
    );
    expect(answerable.filter((q) => q.profile !== null).length).toBeGreaterThanOrEqual(
      MIN.answerableWithProfile,
    );
    expect(byCategory('unanswerable').length).toBeGreaterThanOrEqual(MIN.unanswerable);
    for (const l of LANGS) expect(answerable.filter((q) => q.lang === l).length, l).toBeGreaterThan(0);
  });

  it('shares no question text with train-extra.jsonl', () => {
    const extra = questionTexts(EXTRA_FILE);
    expect(questions.filter((q) => extra.has(normalizedText(q.question))).map((q) => q.id)).toEqual([]);
  });

  it('shares no question text with the evaluation set (eval/questions/questions.jsonl)', () => {
    // Only ids of this file are reported, so that a failure never shows evaluation questions.
    const evalTexts = questionTexts(QUESTIONS_FILE);
    expect(questions.filter((q) => evalTexts.has(normalizedText(q.question))).map((q) => q.id)).toEqual([]);
  });
});
