import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  countsTable,
  loadQuestions,
  QUESTIONS_FILE,
  repoRoot,
  splitByRule,
  type Category,
  type Question,
} from './questions.js';
import {
  duplicateProblems,
  expectationProblems,
  intakeProblems,
  readBankEntries,
  unpublishedEntryProblems,
} from './set-checks.js';

const ROOT = repoRoot();

const questions: Question[] = loadQuestions(QUESTIONS_FILE);
const bank = readBankEntries(ROOT);
const byCategory = (c: Category): Question[] => questions.filter((q) => q.category === c);

describe('eval/questions/questions.jsonl', () => {
  it('parses line by line against the schema', () => {
    // loadQuestions throws naming the line; reaching here means every line parsed.
    expect(questions.length).toBeGreaterThan(0);
  });

  it('has unique ids and unique question texts', () => {
    expect(duplicateProblems(questions)).toEqual([]);
  });

  it('keeps category and expected status consistent', () => {
    const statusOf = {
      answerable: 'answered',
      unanswerable: 'insufficient-evidence',
      'out-of-scope': 'out-of-scope',
      urgent: 'urgent',
    };
    const bad = expectationProblems(questions, statusOf, false);
    for (const q of questions)
      if (q.profile !== null && q.category !== 'answerable' && q.category !== 'adversarial')
        bad.push(`${q.id}: only answerable/adversarial questions carry a profile`);
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
    const urgent = byCategory('urgent');
    const lang = (qs: Question[], l: string): number => qs.filter((q) => q.lang === l).length;
    expect(questions.length).toBeGreaterThanOrEqual(260);
    expect(answerable.length).toBeGreaterThanOrEqual(130);
    expect(answerable.filter((q) => q.lang !== 'en').length).toBeGreaterThanOrEqual(25);
    expect(answerable.filter((q) => q.profile !== null).length).toBeGreaterThanOrEqual(20);
    expect(byCategory('unanswerable').length).toBeGreaterThanOrEqual(45);
    expect(byCategory('out-of-scope').length).toBeGreaterThanOrEqual(30);
    expect(urgent.length).toBeGreaterThanOrEqual(30);
    expect(lang(urgent, 'en')).toBeGreaterThanOrEqual(10);
    expect(lang(urgent, 'fr')).toBeGreaterThanOrEqual(8);
    expect(lang(urgent, 'es')).toBeGreaterThanOrEqual(8);
    for (const l of ['de', 'pt', 'ar']) expect(lang(urgent, l), `urgent in ${l}`).toBeGreaterThanOrEqual(1);
    expect(byCategory('adversarial').length).toBeGreaterThanOrEqual(25);
    // Questions that ask ABOUT warning signs (nothing happening now) must be answerable.
    const asksAboutSigns = answerable.filter((q) =>
      q.expected.entries.some((e) => bank.get(e)?.kind === 'warning-sign'),
    );
    expect(asksAboutSigns.length).toBeGreaterThanOrEqual(5);
  });

  it('splits by the documented rule, 50-70 % fit in every category', () => {
    const rule = splitByRule(questions);
    const wrong = questions.filter((q) => rule.get(q.id) !== q.split).map((q) => q.id);
    expect(wrong, 'run `node dist/eval/questions/questions.js split` after npm run build').toEqual([]);
    for (const c of CATEGORIES) {
      const qs = byCategory(c);
      const share = qs.filter((q) => q.split === 'fit').length / qs.length;
      expect(share, c).toBeGreaterThanOrEqual(0.5);
      expect(share, c).toBeLessThanOrEqual(0.7);
    }
  });

  it('has the counts table of the README', () => {
    const readme = readFileSync(path.join(ROOT, 'eval', 'questions', 'README.md'), 'utf8');
    const m = /<!-- counts:start -->\n([\s\S]*?)\n<!-- counts:end -->/.exec(readme);
    expect(m, 'README.md needs the counts block').not.toBeNull();
    expect(m![1]!.trim(), 'paste the output of `node dist/eval/questions/questions.js table`').toBe(
      countsTable(questions),
    );
  });
});
