import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBank } from './load.js';
import { sharedDomainFile, statementProblem, validateBank, validateEntries } from './validate.js';

const FIX = join(import.meta.dirname, 'fixtures');
const SHARED = join(FIX, 'shared-domain');
const opts = { today: '2026-06-01', sharedDomainDir: SHARED };
const load = (name: string) => loadBank(join(FIX, name), { cache: false, label: (rel) => rel });
const fileOf = (path: string | undefined) => (path ?? '').replace(/[#:].*$/, '');

describe('validateBank on the valid fixture bank', () => {
  const report = validateBank(load('valid'), opts);

  it('passes with no issues and returns every schema-valid entry and the document', () => {
    expect(report.issues).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entries.map((e) => e.entry.id).sort()).toEqual([
      'fixture-current',
      'fixture-draft',
      'fixture-old',
      'fixture-withdrawn',
    ]);
    expect(report.documents).toHaveLength(1);
    expect(report.documents[0]!.chunks[1]!.source.section).toBe('1.1.1');
    expect(report.checked.verifiedFrom).toBe('checked');
  });

  it('applies schema defaults (direction, language) on the returned entries', () => {
    const draft = report.entries.find((e) => e.entry.id === 'fixture-draft')!;
    expect(draft.entry.language).toBe('en');
    expect(draft.topic).toBe('lifestyle');
  });
});

describe('validateBank on the error fixture bank: one file per error kind', () => {
  const bank = load('errors');
  const report = validateBank(bank, opts);
  const expected = JSON.parse(readFileSync(join(FIX, 'errors', 'expected.json'), 'utf8')) as Record<
    string,
    string[]
  >;

  it('fails overall', () => {
    expect(report.ok).toBe(false);
  });

  for (const [file, codes] of Object.entries(expected)) {
    it(`${file} → ${codes.join(', ') || 'no issue of its own'}`, () => {
      const got = report.issues.filter((i) => fileOf(i.path) === file).map((i) => i.code);
      expect(got.sort()).toEqual([...codes].sort());
    });
  }

  it('raises nothing for files outside the expectations', () => {
    const stray = report.issues.filter((i) => !(fileOf(i.path) in expected));
    expect(stray).toEqual([]);
  });

  it('names the field in the path', () => {
    const byFile = (f: string) => report.issues.filter((i) => fileOf(i.path) === f).map((i) => i.path);
    expect(byFile('t/missing-title.yaml')).toEqual(['t/missing-title.yaml#title']);
    expect(byFile('t/value-not-allowed.yaml')).toEqual([
      't/value-not-allowed.yaml#applicability.any[0].value',
    ]);
    expect(byFile('t/unknown-concept.yaml')).toEqual(['t/unknown-concept.yaml#concepts[1]']);
    expect(byFile('t/class-value.yaml')).toEqual(['t/class-value.yaml#applicability.value[1]']);
    expect(byFile('t/bad-yaml.yaml')[0]).toMatch(/^t\/bad-yaml\.yaml:\d+:\d+$/);
    expect(byFile('b/dup.yaml')).toEqual(['b/dup.yaml#id']);
    expect(byFile('t/verified-missing.yaml')).toEqual(['t/verified-missing.yaml#verifiedFrom[0].ref']);
  });

  it('explains itself: a misspelt fact gets a suggestion, a bad value lists the allowed ones', () => {
    const msg = (f: string) => report.issues.find((i) => fileOf(i.path) === f)!.message;
    expect(msg('t/unknown-fact.yaml')).toContain('did you mean "female.age"');
    expect(msg('t/value-not-allowed.yaml')).toContain('never, former, current');
    expect(msg('t/op-on-string.yaml')).toContain('string fact');
    expect(msg('t/no-url.yaml')).toContain('url or doi');
    expect(msg('t/class-value.yaml')).toContain('"group3" is not a value of class.poseidon');
  });

  it('keeps warnings as warnings', () => {
    const sev = (code: string) => report.issues.filter((i) => i.code === code).map((i) => i.severity);
    expect(sev('kb-review-expired')).toEqual(['warning']);
    expect(sev('kb-superseded-orphan')).toEqual(['warning']);
  });

  it('does not return entries that have a per-entry error as valid', () => {
    const ids = new Set(report.entries.map((e) => e.entry.id));
    expect(ids.has('unknown-concept')).toBe(false);
    expect(ids.has('expired')).toBe(true); // a warning only
  });
});

describe('review dates use the injected today', () => {
  const entry = (reviewBy: string) => ({ ...baseEntry(), reviewBy });
  it('warns only once the date has passed', () => {
    const codes = (today: string) =>
      validateEntries([entry('2027-03-01')], { today, sharedDomainDir: SHARED }).issues.map((i) => i.code);
    expect(codes('2027-03-01')).toEqual([]);
    expect(codes('2027-03-02')).toEqual(['kb-review-expired']);
  });
});

describe('validateEntries (in memory)', () => {
  it('accepts a valid entry and rejects a mangled one with paths named by id', () => {
    const good = baseEntry();
    const r = validateEntries([good, { ...good, id: 'other', source: { body: 'X' } }], {
      today: '2026-01-01',
      sharedDomainDir: null,
    });
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([['kb-source-incomplete', 'entry:other#source']]);
    expect(r.checked.verifiedFrom).toBe('skipped');
  });
});

describe('statement and ref helpers', () => {
  it('flags markers, URLs and DOIs but not ordinary brackets or numbers', () => {
    expect(statementProblem('Take 400 micrograms [1, 2] daily before conception.', true)).toMatch(/citation/);
    expect(statementProblem('See www.nice.org.uk for the leaflet.', true)).toMatch(/URL/);
    expect(statementProblem('As reported in 10.1093/humrep/dead150 the rate is low.', true)).toMatch(/DOI/);
    expect(statementProblem('Offer 3 full cycles [of IVF] to women under 40 (grade A).', true)).toBeNull();
  });
  it('reads the shared/domain file from a ref', () => {
    expect(sharedDomainFile('shared/domain/criteria.md §4')).toBe('criteria.md');
    expect(sharedDomainFile('../shared/domain/guidelines.md, row 9')).toBe('guidelines.md');
    expect(sharedDomainFile('https://www.nice.org.uk/guidance/cg156')).toBeNull();
    expect(sharedDomainFile('shared/domain/../secret.md')).toMatch(/outside/);
  });
});

function baseEntry() {
  return {
    id: 'in-memory',
    title: 'Fixture: in-memory entry',
    kind: 'fact',
    statement: 'Synthetic fixture statement for couples, used only in tests.',
    clinicianStatement: 'Synthetic fixture statement for clinicians, used only in tests.',
    concepts: ['ivf'],
    source: {
      body: 'Fixture Body',
      document: 'Synthetic fixture document',
      year: 2020,
      section: '1',
      url: 'https://example.org/fixture',
    },
    status: 'published',
    reviewBy: '2027-03-01',
    reviewedBy: 'engineering; clinical review pending',
    verifiedFrom: [{ ref: 'shared/domain/guidelines.md §A', tag: 'V' }],
  };
}
