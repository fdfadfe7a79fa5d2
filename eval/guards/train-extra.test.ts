import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownTable, minimumProblems, readGuardSet, rowProblems, sharedQuestions } from './counts.mjs';
import { TRAIN_EXTRA_PATH } from './counts-extra.mjs';

// Minimums the training-only guard set promised: per label, per language and in total.
const MIN: Record<string, Record<string, number>> = {
  'out-of-scope': { en: 100, fr: 40, es: 40, de: 40, pt: 40, ar: 40 },
  'in-scope': { en: 1, fr: 20, es: 20, de: 20, pt: 20, ar: 20 },
  urgent: { en: 1, fr: 1, es: 1, de: 1, pt: 1, ar: 1 },
};
const MIN_TOTAL: Record<string, number> = { 'out-of-scope': 300, 'in-scope': 150, urgent: 60 };

describe('eval/guards/train-extra.jsonl (training only)', () => {
  const rows = readGuardSet(TRAIN_EXTRA_PATH);

  it('parses into rows of five non-empty fields: unique t0001… ids, valid labels and languages, unique questions', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(rowProblems(rows, /^t\d{4}$/)).toEqual([]);
  });

  it('no question is identical to a dev.jsonl question', () => {
    expect(sharedQuestions(rows, readGuardSet())).toEqual([]);
  });

  it('counts meet the minimums per label, per language and in total', () => {
    expect(minimumProblems(rows, MIN, MIN_TOTAL)).toEqual([]);
  });

  it("README-extra.md's count table is the one computed from train-extra.jsonl", () => {
    const readme = readFileSync(new URL('./README-extra.md', import.meta.url), 'utf8');
    expect(readme).toContain(markdownTable(rows));
  });
});
