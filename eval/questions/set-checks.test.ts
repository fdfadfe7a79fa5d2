import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  categoryCountProblems,
  countsBlockIn,
  duplicateProblems,
  gradedTwoCounts,
  sharedTextProblems,
  expectationProblems,
  intakeProblems,
  trainingQuestionSchema,
  unpublishedEntryProblems,
  type BankEntry,
  type LabelledQuestion,
} from './set-checks.js';

const q = (over: Partial<LabelledQuestion> & { id: string }): LabelledQuestion => ({
  question: `question ${over.id}`,
  category: 'answerable',
  expected: { status: 'answered', entries: ['a'], grades: { a: 2 } },
  profile: null,
  ...over,
});
const statusOf = { answerable: 'answered', unanswerable: 'insufficient-evidence' };

describe('labelled question set checks', () => {
  it('finds repeated ids and texts (case and spacing ignored)', () => {
    const qs = [q({ id: 'x1', question: 'Is AMH  low?' }), q({ id: 'x1', question: 'is amh low?' })];
    expect(duplicateProblems(qs)).toEqual(['x1: duplicate id', 'x1: duplicate question text']);
    expect(duplicateProblems([q({ id: 'x1' }), q({ id: 'x2' })])).toEqual([]);
  });

  it('finds statuses that disagree with the category, and bad entries or grades', () => {
    const qs = [
      q({ id: 'x1', category: 'unanswerable' }),
      q({ id: 'x2', expected: { status: 'answered', entries: [] } }),
      q({ id: 'x3', expected: { status: 'answered', entries: ['a', 'b'], grades: { a: 1, b: 1 } } }),
      q({ id: 'x4', expected: { status: 'answered', entries: ['a'] } }),
      q({ id: 'x5', expected: { status: 'answered', entries: ['a'], grades: { b: 2 } } }),
    ];
    expect(expectationProblems(qs, statusOf, true)).toEqual([
      'x1: unanswerable must expect insufficient-evidence, not answered',
      'x2: answered needs expected entries',
      'x3: at least one entry must be graded 2',
      'x4: grades missing',
      'x5: grades must cover exactly the expected entries',
    ]);
    // Grades are optional where the set allows it.
    expect(
      expectationProblems(
        [q({ id: 'x4', expected: { status: 'answered', entries: ['a'] } })],
        statusOf,
        false,
      ),
    ).toEqual([]);
  });

  it('finds entries missing from the bank or not published', () => {
    const bank = new Map<string, BankEntry>([
      ['a', { id: 'a', status: 'published', kind: 'recommendation' }],
      ['b', { id: 'b', status: 'draft', kind: 'recommendation' }],
    ]);
    const qs = [q({ id: 'x1', expected: { status: 'answered', entries: ['a', 'b', 'c'] } })];
    expect(unpublishedEntryProblems(qs, bank)).toEqual([
      'x1: b is draft, not published',
      'x1: c is not in knowledge/',
    ]);
  });

  it('finds profile files that do not exist', () => {
    expect(intakeProblems([q({ id: 'x1', profile: 'fixtures/intakes/no-such-intake.json' })])).toEqual([
      'fixtures/intakes/no-such-intake.json: missing',
    ]);
    expect(intakeProblems([q({ id: 'x1', profile: 'fixtures/intakes/seed-couple.json' })])).toEqual([]);
  });

  it('training-file schema: its id prefix, its categories, the fit split only', () => {
    const schema = trainingQuestionSchema('x', ['answerable', 'unanswerable'] as const);
    const line = {
      id: 'x0001',
      question: 'Is AMH low?',
      lang: 'en',
      category: 'answerable',
      expected: { status: 'answered', entries: ['a'], grades: { a: 2 } },
      profile: null,
      split: 'fit',
      note: 'a note long enough',
    };
    expect(schema.safeParse(line).success).toBe(true);
    expect(schema.safeParse({ ...line, id: 'c0001' }).success).toBe(false);
    expect(schema.safeParse({ ...line, category: 'urgent' }).success).toBe(false);
    expect(schema.safeParse({ ...line, split: 'heldout' }).success).toBe(false);
  });
  it("finds question texts shared with another file, naming only this set's ids", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'set-checks-'));
    const other = path.join(dir, 'other.jsonl');
    writeFileSync(other, JSON.stringify({ id: 'o1', question: 'Is AMH  LOW?' }) + '\n');
    const qs = [q({ id: 'x1', question: 'is amh low?' }), q({ id: 'x2', question: 'Is FSH high?' })];
    expect(sharedTextProblems(qs, [other])).toEqual(['x1: repeats a other.jsonl question']);
  });

  it('counts the questions that grade each entry 2', () => {
    const qs = [
      q({ id: 'x1', expected: { status: 'answered', entries: ['a', 'b'], grades: { a: 2, b: 1 } } }),
      q({ id: 'x2', expected: { status: 'answered', entries: ['a'], grades: { a: 2 } } }),
    ];
    expect([...gradedTwoCounts(qs)]).toEqual([['a', 2]]);
  });

  it('reads and rewrites a README counts block between its markers', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'set-checks-')), 'README.md');
    writeFileSync(file, 'intro\n<!-- t:start -->\nold\n<!-- t:end -->\nafter\n');
    expect(countsBlockIn(file, 't', 'new', false)).toBe('old');
    expect(countsBlockIn(file, 't', 'new', true)).toBe('new');
    expect(readFileSync(file, 'utf8')).toBe('intro\n<!-- t:start -->\nnew\n<!-- t:end -->\nafter\n');
    expect(countsBlockIn(file, 'missing', 'new', false)).toBeNull();
  });
  it('finds categories below their minimum or outside their share', () => {
    const qs = [q({ id: 'x1' }), q({ id: 'x2' }), q({ id: 'x3', category: 'unanswerable' })];
    expect(categoryCountProblems(qs, { answerable: 2, unanswerable: 1 }, { answerable: [0.5, 0.7] })).toEqual(
      [],
    );
    expect(categoryCountProblems(qs, { answerable: 3 }, { answerable: [0.7, 0.9] })).toEqual([
      'answerable: 2 questions, at least 3 wanted',
      'answerable: share 0.667 outside 0.7–0.9',
    ]);
  });
});
