/**
 * @module eval/questions-set
 * Loads the labelled question set (`eval/questions/questions.jsonl`, see its README) and the
 * intakes its questions refer to.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../src/paths.js';
import { parseJsonl } from './questions/questions.js';

export const QuestionSchema = z.object({
  id: z.string().min(1),
  question: z.string(),
  lang: z.string(),
  category: z.enum(['answerable', 'unanswerable', 'out-of-scope', 'urgent', 'adversarial']),
  expected: z.object({
    status: z.enum(['answered', 'insufficient-evidence', 'out-of-scope', 'urgent']),
    entries: z.array(z.string()).default([]),
    grades: z.record(z.string(), z.number()).optional(),
  }),
  profile: z.string().nullable().default(null),
  split: z.enum(['fit', 'heldout']),
  note: z.string().optional(),
});
export type LabelledQuestion = z.infer<typeof QuestionSchema> & {
  /**
   * From a training-only file (not the evaluation set): never reported, and never used to choose
   * the abstention threshold; only the files of {@link CONFIDENCE_CALIBRATION_FILES} help fit the
   * confidence mapping.
   */
  trainingOnly?: true;
  /** The file the question came from, relative to the project root. */
  file?: string;
};

export const DEFAULT_QUESTIONS = join(PROJECT_ROOT, 'eval', 'questions', 'questions.jsonl');
/** Training-only questions (all split "fit"), written separately; never used to report figures. */
export const EXTRA_TRAINING_QUESTIONS = join(PROJECT_ROOT, 'eval', 'questions', 'train-extra.jsonl');

/**
 * Training-only files written by other writers than the evaluation set's, whose questions also fit
 * the calibrator's confidence mapping (Platt scaling), so that the probabilities it reports hold
 * for people who ask differently (docs/answering.md, "Confidence and abstention"). The abstention
 * decision is still chosen on the evaluation set's fitting part alone.
 */
export const CONFIDENCE_CALIBRATION_FILES: readonly string[] = [
  'eval/questions/train-writer-en.jsonl',
  'eval/questions/train-writer-ml.jsonl',
];

/**
 * Training-only files the guard classifiers do not learn from: retraining the guards on the two
 * other writers' files raised two false urgent alarms on the validation sets and refused one more
 * answerable question as out of scope, for nothing gained (docs/answering.md).
 */
export const NOT_FOR_GUARDS: readonly string[] = [
  'eval/questions/train-writer-en.jsonl',
  'eval/questions/train-writer-ml.jsonl',
  'eval/questions/train-val-5.jsonl',
  'eval/questions/train-val-6.jsonl',
  'eval/questions/train-val-7.jsonl',
  'eval/questions/train-val-8.jsonl',
  'eval/questions/train-val-9.jsonl',
  'eval/questions/train-val-10.jsonl',
  'eval/questions/train-val-11.jsonl',
  'eval/questions/train-val-12.jsonl',
  'eval/questions/train-val-13.jsonl',
];

/** Every training-only question file: eval/questions/train-*.jsonl, in name order. */
export function trainingQuestionFiles(): string[] {
  const dir = join(PROJECT_ROOT, 'eval', 'questions');
  return readdirSync(dir)
    .filter((f) => /^train-.*\.jsonl$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export interface QuestionSet {
  path: string;
  /** Every file read, relative to the project (the evaluation set first, then training-only files). */
  files: string[];
  sha256: string;
  questions: LabelledQuestion[];
  intake(q: LabelledQuestion): unknown;
}

/** Load a question set; `extra` files are appended (their questions must all be in the fitting split). */
export function loadQuestionSet(path = DEFAULT_QUESTIONS, extra: readonly string[] = []): QuestionSet {
  const read = (p: string): string => {
    try {
      return readFileSync(p, 'utf8');
    } catch (e) {
      throw new Error(
        `cannot read the question set ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  };
  const text = read(path);
  const extras = extra.map((p) => ({ p, text: read(p) }));
  const questions: LabelledQuestion[] = [];
  for (const x of extras) {
    parseJsonl(x.text, x.p, QuestionSchema).forEach((q, i) => {
      if (q.split !== 'fit')
        throw new Error(
          `${x.p}: question ${i + 1} (${q.id}): training-only questions must be in the fit split`,
        );
      questions.push({ ...q, trainingOnly: true, file: relative(PROJECT_ROOT, x.p) });
    });
  }
  const file = relative(PROJECT_ROOT, path);
  questions.push(...parseJsonl(text, path, QuestionSchema).map((q) => ({ ...q, file })));
  const cache = new Map<string, unknown>();
  return {
    path,
    files: [path, ...extras.map((x) => x.p)].map((f) => relative(PROJECT_ROOT, f)),
    sha256: createHash('sha256')
      .update(text)
      .update(extras.map((x) => x.text).join('\n'))
      .digest('hex'),
    questions,
    intake(q) {
      if (!q.profile) return undefined;
      const p = isAbsolute(q.profile) ? q.profile : join(PROJECT_ROOT, q.profile);
      if (!cache.has(p)) cache.set(p, JSON.parse(readFileSync(p, 'utf8')));
      return cache.get(p);
    },
  };
}
