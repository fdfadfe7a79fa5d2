import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownTable, minimumProblems, readGuardSet, rowProblems } from './counts.mjs';

// Minimums the guard development set promised (issue 6 follow-up): per label, per language.
const MIN: Record<string, Record<string, number>> = {
  urgent: { en: 40, fr: 25, es: 25, de: 10, pt: 10, ar: 10 },
  'out-of-scope': { en: 40, fr: 12, es: 12, de: 12, pt: 12, ar: 12 },
  'in-scope': { en: 1, fr: 1, es: 1, de: 1, pt: 1, ar: 1 },
};
const MIN_TOTAL: Record<string, number> = { urgent: 120, 'in-scope': 80, 'out-of-scope': 100 };

describe('eval/guards/dev.jsonl', () => {
  const rows = readGuardSet();

  it('parses into rows of five non-empty fields: unique g0001… ids, valid labels and languages, unique questions', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(rowProblems(rows, /^g\d{4}$/)).toEqual([]);
  });

  it('counts meet the minimums per label, per language and in total', () => {
    expect(minimumProblems(rows, MIN, MIN_TOTAL)).toEqual([]);
  });

  it("README.md's count table is the one computed from dev.jsonl", () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    expect(readme).toContain(markdownTable(rows));
  });
});

describe('guard set checks', () => {
  const row = (id: string, question: string, over: Record<string, string> = {}) => ({
    id,
    question,
    lang: 'en',
    expected: 'urgent',
    note: 'why',
    ...over,
  });

  it('name each malformed row', () => {
    const rows = [
      row('g0001', 'Heavy bleeding now'),
      row('g0001', 'heavy bleeding now ', { lang: 'xx', expected: 'maybe' }),
      row('x1', 'Other', { note: ' ' }),
    ];
    expect(rowProblems(rows, /^g\d{4}$/)).toEqual([
      'g0001: duplicate id',
      'g0001: unknown label maybe',
      'g0001: unknown language xx',
      'g0001: duplicate question',
      'x1: note is not a non-empty string',
      'x1: id does not match /^g\\d{4}$/',
    ]);
  });

  it('name the cells below their minimum', () => {
    const rows = [row('g0001', 'a'), row('g0002', 'b', { lang: 'fr' })];
    expect(minimumProblems(rows, { urgent: { en: 1, fr: 2 } }, { urgent: 3 })).toEqual([
      'urgent/fr: 1 < 2',
      'urgent total: 2 < 3',
    ]);
  });
});
