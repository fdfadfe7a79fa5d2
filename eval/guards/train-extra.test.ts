import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LABELS, LANGS, countTable, markdownTable, readGuardSet } from './counts.mjs';
import { TRAIN_EXTRA_PATH } from './counts-extra.mjs';

// Minimums the training-only guard set promised: per label, per language and in total.
const MIN: Record<string, Record<string, number>> = {
  'out-of-scope': { en: 100, fr: 40, es: 40, de: 40, pt: 40, ar: 40 },
  'in-scope': { en: 1, fr: 20, es: 20, de: 20, pt: 20, ar: 20 },
  urgent: { en: 1, fr: 1, es: 1, de: 1, pt: 1, ar: 1 },
};
const MIN_TOTAL: Record<string, number> = { 'out-of-scope': 300, 'in-scope': 150, urgent: 60 };

const norm = (q: string) => q.trim().toLowerCase();

describe('eval/guards/train-extra.jsonl (training only)', () => {
  const rows = readGuardSet(TRAIN_EXTRA_PATH);

  it('parses, one JSON object per line, with exactly the five non-empty string fields', () => {
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['expected', 'id', 'lang', 'note', 'question']);
      for (const k of ['id', 'question', 'lang', 'expected', 'note'] as const) {
        expect(typeof r[k], `${r.id}.${k}`).toBe('string');
        expect(r[k].trim().length, `${r.id}.${k} is empty`).toBeGreaterThan(0);
      }
    }
  });

  it('ids are unique and shaped t0001…', () => {
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^t\d{4}$/);
  });

  it('labels and languages are valid', () => {
    for (const r of rows) {
      expect(LABELS, r.id).toContain(r.expected);
      expect(LANGS, r.id).toContain(r.lang);
    }
  });

  it('questions are unique within the file', () => {
    const qs = rows.map((r) => norm(r.question));
    expect(new Set(qs).size).toBe(qs.length);
  });

  it('no question is identical to a dev.jsonl question', () => {
    const dev = new Set(readGuardSet().map((r) => norm(r.question)));
    const clashes = rows.filter((r) => dev.has(norm(r.question))).map((r) => r.id);
    expect(clashes).toEqual([]);
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

  it("README-extra.md's count table is the one computed from train-extra.jsonl", () => {
    const readme = readFileSync(new URL('./README-extra.md', import.meta.url), 'utf8');
    expect(readme).toContain(markdownTable(rows));
  });
});
