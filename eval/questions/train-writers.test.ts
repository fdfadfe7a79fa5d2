/**
 * Checks the question files written by four further writers (see README-extra.md, "Questions from
 * four more writers"): two training-only files, `train-writer-en.jsonl` (ids ca0001…, English) and
 * `train-writer-ml.jsonl` (ids cb0001…, French, Spanish, German, Portuguese, Arabic), which teach
 * the re-ranker and the calibrator's scorer other people's ways of asking; and two validation files,
 * `candidates/validation-en2.jsonl` (cc0001…) and `candidates/validation-ml2.jsonl` (cd0001…),
 * which nothing is trained on (decision 0006); the fifth to ninth writers' files (ce… to ci…, all six
 * languages), validation sets until 2026-11-26 and training-only since (`train-val-5.jsonl` …
 * `train-val-9.jsonl`, decision 0009); the tenth to thirteenth writers' files, likewise moved to
 * training (`train-val-10.jsonl` … `train-val-13.jsonl`, seventh session of 2026-11-26); and the
 * later writers' validation files (`candidates/validation-14.jsonl` … `candidates/validation-18.jsonl`).
 * Every line is `split: "fit"`.
 *
 * The counts tables in README-extra.md are computed here. To rewrite them:
 *
 *   WRITE_TRAIN_WRITERS_README=1 npx vitest run eval/questions/train-writers.test.ts
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { LANGS, loadJsonl, QUESTIONS_FILE, repoRoot } from './questions.js';
import {
  countsBlock,
  countsBlockIn,
  duplicateProblems,
  expectationProblems,
  intakeProblems,
  notFitProblems,
  numberingProblems,
  readBankEntries,
  sharedTextProblems,
  trainingQuestionSchema,
  unpublishedEntryProblems,
} from './set-checks.js';

const ROOT = repoRoot();
const DIR = path.join(ROOT, 'eval', 'questions');
const README = path.join(DIR, 'README-extra.md');

const CATEGORIES = ['answerable', 'unanswerable', 'out-of-scope', 'urgent', 'adversarial'] as const;
const STATUSES = ['answered', 'insufficient-evidence', 'out-of-scope', 'urgent'] as const;
const STATUS_OF = {
  answerable: 'answered',
  unanswerable: 'insufficient-evidence',
  'out-of-scope': 'out-of-scope',
  urgent: 'urgent',
};

/** What the fifth and later writers were each asked for: 150 questions, English 60, the others 18 each. */
const SIX_LANGUAGE_COUNTS = {
  langs: ['en', 'fr', 'es', 'de', 'pt', 'ar'],
  perLanguage: { answerable: 10, unanswerable: 5, 'out-of-scope': 2, urgent: 1, adversarial: 0 },
  english: { answerable: 28, unanswerable: 18, 'out-of-scope': 6, urgent: 4, adversarial: 4 },
} as const;

/** What each writer was asked for: exact counts per category (per language for the multilingual file). */
const FILES = [
  {
    file: 'train-writer-en.jsonl',
    prefix: 'ca',
    block: 'writer-en-counts',
    langs: ['en'],
    perLanguage: { answerable: 80, unanswerable: 44, 'out-of-scope': 12, urgent: 10, adversarial: 14 },
  },
  {
    file: 'train-writer-ml.jsonl',
    prefix: 'cb',
    block: 'writer-ml-counts',
    langs: ['fr', 'es', 'de', 'pt', 'ar'],
    perLanguage: { answerable: 12, unanswerable: 6, 'out-of-scope': 2, urgent: 2, adversarial: 2 },
  },
  {
    file: 'candidates/validation-en2.jsonl',
    prefix: 'cc',
    block: 'writer-en2-counts',
    langs: ['en'],
    perLanguage: { answerable: 80, unanswerable: 44, 'out-of-scope': 12, urgent: 10, adversarial: 14 },
  },
  {
    file: 'candidates/validation-ml2.jsonl',
    prefix: 'cd',
    block: 'writer-ml2-counts',
    langs: ['fr', 'es', 'de', 'pt', 'ar'],
    perLanguage: { answerable: 12, unanswerable: 6, 'out-of-scope': 2, urgent: 2, adversarial: 2 },
  },
  {
    // A fifth writer, after the first four sets had been used to judge eight variants: fresh
    // questions for the changes that come after (decision 0006).
    file: 'train-val-5.jsonl',
    prefix: 'ce',
    block: 'writer-5-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A sixth writer, after the fifth set had been read question by question to find missing
    // mechanisms (decision 0006, seventh use): a clean measure of those changes.
    file: 'train-val-6.jsonl',
    prefix: 'cf',
    block: 'writer-6-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A seventh writer, once the sixth set had been read question by question (morning of
    // 2026-11-26): the clean measure for the changes after it.
    file: 'train-val-7.jsonl',
    prefix: 'cg',
    block: 'writer-7-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // An eighth writer, at the end of the morning of 2026-11-26: not read at all, kept for the next
    // session's changes (the seventh had been read in aggregate several times).
    file: 'train-val-8.jsonl',
    prefix: 'ch',
    block: 'writer-8-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A ninth writer, during the third session of 2026-11-26: a second unread set, so that a
    // session's changes are measured on 300 fresh questions rather than 150.
    file: 'train-val-9.jsonl',
    prefix: 'ci',
    block: 'writer-9-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A tenth writer, at the end of the third session of 2026-11-26: not read at all (the engine
    // has not been run on it), kept as the next session's clean measure.
    file: 'train-val-10.jsonl',
    prefix: 'cj',
    block: 'writer-10-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // An eleventh writer, at the start of the fourth session of 2026-11-26: not read at all until
    // that session's end (the fifth to ninth files had become training data during it).
    file: 'train-val-11.jsonl',
    prefix: 'ck',
    block: 'writer-11-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A twelfth writer, at the end of the fourth session of 2026-11-26: not run at all, kept as the
    // next session's clean measure (the tenth and eleventh had been read in aggregate).
    file: 'train-val-12.jsonl',
    prefix: 'cl',
    block: 'writer-12-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A thirteenth writer, during the fifth session of 2026-11-26: not run at all, kept as the next
    // session's clean measure (the twelfth was read in aggregate at that session's start and end).
    file: 'train-val-13.jsonl',
    prefix: 'cm',
    block: 'writer-13-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A fourteenth writer, at the start of the sixth session of 2026-11-26: not run at all, kept as
    // that session's clean measure (the thirteenth was read question by question during it).
    file: 'candidates/validation-14.jsonl',
    prefix: 'cn',
    block: 'writer-14-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A fifteenth writer, at the end of the sixth session of 2026-11-26: not run at all, kept as the
    // next session's clean measure (the fourteenth was run at that session's end).
    file: 'candidates/validation-15.jsonl',
    prefix: 'co',
    block: 'writer-15-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A sixteenth writer, at the start of the seventh session of 2026-11-26: not run at all, kept as
    // the next session's clean measure (the fifteenth was run at that session's start and end).
    file: 'candidates/validation-16.jsonl',
    prefix: 'cp',
    block: 'writer-16-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // A seventeenth writer, during the eighth session of 2026-11-26: not run at all, kept as the next
    // session's clean measure (the sixteenth was run at that session's start and end).
    file: 'candidates/validation-17.jsonl',
    prefix: 'cq',
    block: 'writer-17-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
  {
    // An eighteenth writer, during the ninth session of 2026-11-26: not run at all, kept as the next
    // session's clean measure (the seventeenth was run at that session's start and end).
    file: 'candidates/validation-18.jsonl',
    prefix: 'cr',
    block: 'writer-18-counts',
    ...SIX_LANGUAGE_COUNTS,
  },
] as const;

/** What the writer was asked for in one language (English can differ: `english`). */
function askedFor(spec: (typeof FILES)[number], lang: string): Readonly<Record<string, number>> {
  return lang === 'en' && 'english' in spec ? spec.english : spec.perLanguage;
}

const bank = readBankEntries(ROOT);

for (const spec of FILES) {
  const Schema = trainingQuestionSchema(spec.prefix, CATEGORIES, STATUSES);
  type Q = z.infer<typeof Schema>;
  const questions = loadJsonl(path.join(DIR, spec.file), Schema);
  const table = (qs: readonly Q[]): string =>
    countsBlock(
      qs,
      CATEGORIES,
      spec.langs,
      (count) =>
        `Answerable questions with a couple profile: ${count((q) => q.category === 'answerable' && q.profile !== null)}. ` +
        `Adversarial questions expecting \`urgent\`: ${count((q) => q.category === 'adversarial' && q.expected.status === 'urgent')}; \`out-of-scope\`: ${count((q) => q.category === 'adversarial' && q.expected.status === 'out-of-scope')}.`,
    );

  describe(`eval/questions/${spec.file}`, () => {
    it('parses line by line against the schema, numbered in order, split "fit" everywhere', () => {
      expect(questions.length).toBeGreaterThan(0);
      expect(notFitProblems(questions)).toEqual([]);
      expect(numberingProblems(questions, spec.prefix)).toEqual([]);
      expect(duplicateProblems(questions)).toEqual([]);
    });

    it('has exactly the counts its writer was asked for, per language and category', () => {
      const bad: string[] = [];
      for (const lang of spec.langs)
        for (const [c, n] of Object.entries(askedFor(spec, lang))) {
          const got = questions.filter((q) => q.lang === lang && q.category === c).length;
          if (got !== n) bad.push(`${lang} ${c}: ${got}, asked for ${n}`);
        }
      expect(questions.filter((q) => !(spec.langs as readonly string[]).includes(q.lang))).toEqual([]);
      expect(bad).toEqual([]);
    });

    it('keeps category, expected status, entries and grades consistent', () => {
      const bad = expectationProblems(questions, STATUS_OF, false);
      for (const q of questions) {
        if (q.expected.status === 'answered' && q.expected.grades === undefined)
          bad.push(`${q.id}: answered questions grade their entries`);
        if (q.category !== 'answerable' && q.profile !== null)
          bad.push(`${q.id}: only answerable questions carry a profile`);
        // An urgent answer cites warning signs, nothing else.
        if (q.expected.status === 'urgent')
          for (const e of q.expected.entries)
            if (bank.get(e)?.kind !== 'warning-sign') bad.push(`${q.id}: ${e} is not a warning sign`);
      }
      expect(bad).toEqual([]);
    });

    it('names only published knowledge entries, and intakes that validate', () => {
      expect(unpublishedEntryProblems(questions, bank)).toEqual([]);
      expect(intakeProblems(questions, ROOT)).toEqual([]);
    });

    it('shares no question text with the evaluation set, the validation sets or the other training files', () => {
      const others = [
        QUESTIONS_FILE,
        ...readdirSync(path.join(DIR, 'candidates'))
          .filter((f) => f.endsWith('.jsonl'))
          .map((f) => path.join(DIR, 'candidates', f)),
        ...readdirSync(DIR)
          .filter((f) => /^train-.*\.jsonl$/.test(f))
          .map((f) => path.join(DIR, f)),
      ].filter((f) => f !== path.join(DIR, spec.file));
      expect(others.length).toBeGreaterThan(4);
      expect(sharedTextProblems(questions, others)).toEqual([]);
    });

    it('has its counts table in README-extra.md', () => {
      const block = countsBlockIn(
        README,
        spec.block,
        table(questions),
        process.env['WRITE_TRAIN_WRITERS_README'] === '1',
      );
      expect(block, `README-extra.md needs the ${spec.block} block`).not.toBeNull();
      expect(block, 'run with WRITE_TRAIN_WRITERS_README=1 to rewrite the table').toBe(table(questions));
    });
  });
}

it('the multilingual writers cover every language but English, the fifth to eighth every language', () => {
  expect([...FILES[1].langs].sort()).toEqual(LANGS.filter((l) => l !== 'en').sort());
  expect([...FILES[4].langs].sort()).toEqual([...LANGS].sort());
  expect([...FILES[5].langs].sort()).toEqual([...LANGS].sort());
  expect([...FILES[6].langs].sort()).toEqual([...LANGS].sort());
  expect([...FILES[7].langs].sort()).toEqual([...LANGS].sort());
});

it('keeps the validation files out of training (trainers read eval/questions/train-*.jsonl only)', () => {
  for (const spec of FILES)
    expect(/^train-[^/]*\.jsonl$/.test(spec.file), spec.file).toBe(!spec.file.startsWith('candidates/'));
});

it('names, for the calibrator and the guards, training files that exist', async () => {
  // A renamed or removed file would otherwise drop out of the confidence mapping silently.
  const { CONFIDENCE_CALIBRATION_FILES, NOT_FOR_GUARDS, trainingQuestionFiles } =
    await import('../questions-set.js');
  const training = new Set(trainingQuestionFiles().map((f) => path.relative(ROOT, f)));
  expect(CONFIDENCE_CALIBRATION_FILES.length).toBeGreaterThan(0);
  for (const f of [...CONFIDENCE_CALIBRATION_FILES, ...NOT_FOR_GUARDS]) expect(training.has(f), f).toBe(true);
});
