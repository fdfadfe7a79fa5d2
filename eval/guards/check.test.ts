import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LABELS, LANGS, markdownTable, countTable, readGuardSet } from './counts.mjs';

// Minimums the guard development set promised (issue 6 follow-up): per label, per language.
const MIN: Record<string, Record<string, number>> = {
  urgent: { en: 40, fr: 25, es: 25, de: 10, pt: 10, ar: 10 },
  'out-of-scope': { en: 40, fr: 12, es: 12, de: 12, pt: 12, ar: 12 },
  'in-scope': { en: 1, fr: 1, es: 1, de: 1, pt: 1, ar: 1 },
};
const MIN_TOTAL: Record<string, number> = { urgent: 120, 'in-scope': 80, 'out-of-scope': 100 };

describe('eval/guards/dev.jsonl', () => {
  const rows = readGuardSet();

  it('parses, one JSON object per line, with exactly the five fields', () => {
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['expected', 'id', 'lang', 'note', 'question']);
      for (const k of ['id', 'question', 'lang', 'expected', 'note'] as const) {
        expect(typeof r[k], `${r.id}.${k}`).toBe('string');
        expect(r[k].trim().length, `${r.id}.${k} is empty`).toBeGreaterThan(0);
      }
    }
  });

  it('ids are unique and shaped g0001…', () => {
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^g\d{4}$/);
  });

  it('questions are unique', () => {
    const qs = rows.map((r) => r.question.trim().toLowerCase());
    expect(new Set(qs).size).toBe(qs.length);
  });

  it('labels and languages are valid', () => {
    for (const r of rows) {
      expect(LABELS, r.id).toContain(r.expected);
      expect(LANGS, r.id).toContain(r.lang);
    }
  });

  it('counts meet the minimums per label, per language and in total', () => {
    const c = countTable(rows);
    for (const [label, perLang] of Object.entries(MIN)) {
      for (const [lang, min] of Object.entries(perLang)) {
        expect(c[label]![lang], `${label}/${lang}`).toBeGreaterThanOrEqual(min);
      }
      const total = Object.values(c[label]!).reduce((a, b) => a + b, 0);
      expect(total, `${label} total`).toBeGreaterThanOrEqual(MIN_TOTAL[label]!);
    }
  });

  it("README.md's count table is the one computed from dev.jsonl", () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    expect(readme).toContain(markdownTable(rows));
  });
});
