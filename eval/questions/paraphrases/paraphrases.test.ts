/**
 * Checks the rephrasings of the evaluation set's fitting questions (README.md beside this file):
 * each line rewrites one fitting question of `questions.jsonl` in other words, in its language, with
 * the original's labels unchanged, and never names a held-out question. They measure what the
 * held-out part asks of the engine — other wordings of the same writer's kind of question — without
 * reading it. Nothing is trained on them (the trainers read eval/questions/train-*.jsonl only).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadJsonl, loadQuestions, QuestionSchema, repoRoot } from '../questions.js';
import { intakeProblems, readBankEntries, unpublishedEntryProblems } from '../set-checks.js';

const DIR = path.join(repoRoot(), 'eval', 'questions', 'paraphrases');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();
const originals = new Map(loadQuestions().map((q) => [q.id, q] as const));
const bank = readBankEntries();
const RephrasedSchema = QuestionSchema.extend({
  id: z.string().regex(/^(pp|p2|p3)-q\d{4}$/, 'ids look like pp-q0001, p2-q0001 or p3-q0001'),
});

/** Word runs of `n` words (lower case, letters and digits), to find copied wording. */
function runs(text: string, n: number): Set<string> {
  const w = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(' '));
  return out;
}

it('has the three rephrasing files', () => {
  expect(FILES).toEqual(['fit-rephrased-1.jsonl', 'fit-rephrased-2.jsonl', 'fit-rephrased-3.jsonl']);
});

for (const file of FILES) {
  describe(file, () => {
    const rows = loadJsonl(path.join(DIR, file), RephrasedSchema);
    const n = file.match(/(\d)\.jsonl$/)![1];
    const origin = (id: string) => originals.get(id.replace(/^p[p23]-/, ''));

    it('rewrites every answerable, unanswerable and off-topic fitting question once, and no held-out one', () => {
      const ids = rows.map((r) => origin(r.id)?.id);
      expect(new Set(ids).size).toBe(rows.length);
      const wanted = [...originals.values()].filter(
        (q) => q.split === 'fit' && ['answerable', 'unanswerable', 'out-of-scope'].includes(q.category),
      );
      expect(rows.length).toBe(wanted.length);
      for (const r of rows) {
        const o = origin(r.id);
        expect(o, r.id).toBeDefined();
        expect(o!.split, r.id).toBe('fit');
        expect(r.id.startsWith(n === '1' ? 'pp-' : `p${n}-`), r.id).toBe(true);
      }
    });

    it('keeps the original’s language and labels', () => {
      for (const r of rows) {
        const o = origin(r.id)!;
        expect([r.lang, r.category, r.profile, r.split], r.id).toEqual([
          o.lang,
          o.category,
          o.profile,
          'fit',
        ]);
        expect(r.expected, r.id).toEqual(o.expected);
      }
    });

    it('says it in other words: no run of five words of the original', () => {
      const copied = rows.filter((r) => {
        const mine = runs(r.question, 5);
        return [...runs(origin(r.id)!.question, 5)].some((x) => mine.has(x));
      });
      expect(copied.map((r) => r.id)).toEqual([]);
    });

    it('names only published entries and intakes that validate', () => {
      expect(unpublishedEntryProblems(rows, bank)).toEqual([]);
      expect(intakeProblems(rows)).toEqual([]);
    });
  });
}
