import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { IntakeSchema } from '../../src/domain/intake.js';
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

const ROOT = repoRoot();
const KNOWLEDGE = path.join(ROOT, 'knowledge');

interface BankEntry {
  id: string;
  status: string;
  kind: string;
}

/** Every entry file under knowledge/ (imported documents and dot-files are not entries). */
function readBank(): Map<string, BankEntry> {
  const out = new Map<string, BankEntry>();
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      const p = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (path.relative(KNOWLEDGE, p) !== 'documents') walk(p);
      } else if (/\.ya?ml$/.test(d.name)) {
        const y = parseYaml(readFileSync(p, 'utf8')) as Partial<BankEntry> | null;
        if (y && typeof y.id === 'string') {
          out.set(y.id, { id: y.id, status: String(y.status ?? ''), kind: String(y.kind ?? '') });
        }
      }
    }
  };
  walk(KNOWLEDGE);
  return out;
}

const questions: Question[] = loadQuestions(QUESTIONS_FILE);
const bank = readBank();
const byCategory = (c: Category): Question[] => questions.filter((q) => q.category === c);

describe('eval/questions/questions.jsonl', () => {
  it('parses line by line against the schema', () => {
    // loadQuestions throws naming the line; reaching here means every line parsed.
    expect(questions.length).toBeGreaterThan(0);
  });

  it('has unique ids and unique question texts', () => {
    const ids = questions.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    const texts = questions.map((q) => q.question.trim().toLowerCase());
    const dup = texts.filter((t, i) => texts.indexOf(t) !== i);
    expect(dup).toEqual([]);
  });

  it('keeps category and expected status consistent', () => {
    const bad: string[] = [];
    for (const q of questions) {
      const { status, entries, grades } = q.expected;
      const expectStatus: Partial<Record<Category, string>> = {
        answerable: 'answered',
        unanswerable: 'insufficient-evidence',
        'out-of-scope': 'out-of-scope',
        urgent: 'urgent',
      };
      const want = expectStatus[q.category];
      if (want !== undefined && status !== want)
        bad.push(`${q.id}: ${q.category} must expect ${want}, not ${status}`);
      if (status === 'answered' && entries.length === 0) bad.push(`${q.id}: answered needs expected entries`);
      if ((status === 'insufficient-evidence' || status === 'out-of-scope') && entries.length > 0) {
        bad.push(`${q.id}: ${status} must list no entries`);
      }
      if (new Set(entries).size !== entries.length) bad.push(`${q.id}: duplicate expected entries`);
      if (grades !== undefined) {
        const keys = Object.keys(grades);
        if (keys.length !== entries.length || keys.some((k) => !entries.includes(k))) {
          bad.push(`${q.id}: grades must cover exactly the expected entries`);
        }
        if (!Object.values(grades).includes(2)) bad.push(`${q.id}: at least one entry must be graded 2`);
      }
      if (q.profile !== null && q.category !== 'answerable' && q.category !== 'adversarial') {
        bad.push(`${q.id}: only answerable/adversarial questions carry a profile`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('names only published knowledge entries', () => {
    const bad: string[] = [];
    for (const q of questions) {
      for (const e of q.expected.entries) {
        const entry = bank.get(e);
        if (entry === undefined) bad.push(`${q.id}: ${e} is not in knowledge/`);
        else if (entry.status !== 'published') bad.push(`${q.id}: ${e} is ${entry.status}, not published`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('points to intake files that exist and validate against the intake schema', () => {
    const bad: string[] = [];
    for (const p of new Set(questions.flatMap((q) => (q.profile === null ? [] : [q.profile])))) {
      const file = path.join(ROOT, p);
      if (!existsSync(file)) {
        bad.push(`${p}: missing`);
        continue;
      }
      const parsed = IntakeSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) bad.push(`${p}: ${parsed.error.message}`);
    }
    expect(bad).toEqual([]);
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
