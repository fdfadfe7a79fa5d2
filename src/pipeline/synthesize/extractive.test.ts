import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../domain/evidence.js';
import { findConflicts } from './extractive.js';

const piece = (
  key: string,
  title: string,
  concepts: string[],
  direction: Evidence['direction'],
  body: string,
  truth: Evidence['applicability']['truth'] = 'unknown',
): Evidence =>
  ({
    key,
    kind: 'recommendation',
    title,
    text: title,
    clinicianText: title,
    concepts,
    direction,
    source: { body, document: 'doc', year: 2020, section: '1' },
    applicability: { truth, because: [], against: [], missing: [] },
    scores: { lexical: 0, concept: 0, fused: 0, final: 0 },
    strengthRank: 0,
  }) as Evidence;

const INTERVENTIONS = new Set(['iui', 'letrozole', 'metformin', 'ovulation-induction', 'ivf']);
const isIntervention = (c: string): boolean => INTERVENTIONS.has(c);
const tagsOnly = { isIntervention };
const BROADER: Record<string, string[]> = { letrozole: ['ovulation-induction'] };
const ancestors = (c: string): string[] => [c, ...(BROADER[c] ?? [])];
// Stands for the terminology matcher: the concept ids whose names appear in the title.
const titleConcepts = (e: Evidence): string[] =>
  [...INTERVENTIONS, 'pcos'].filter((c) => e.title.toLowerCase().includes(c.replace(/-/g, ' ')));
const withHierarchyAndTitles = { isIntervention, ancestors, titleConcepts };

describe('findConflicts', () => {
  it('pairs sources of different bodies that point opposite ways on one intervention', () => {
    const ev = [
      piece('a', 'IUI with stimulation first', ['iui'], 'do', 'ESHRE'),
      piece('b', 'No routine IUI', ['iui'], 'do-not', 'NICE'),
      piece('c', 'IUI is reasonable', ['iui'], 'consider', 'ESHRE'),
    ];
    expect(findConflicts(ev, ['iui'], tagsOnly)).toEqual([
      { concept: 'iui', a: 1, b: 2 },
      { concept: 'iui', a: 2, b: 3 },
    ]);
  });

  it('ignores one body disagreeing with itself, neutral sources, and sources that do not apply', () => {
    expect(
      findConflicts(
        [piece('a', 'IUI', ['iui'], 'do', 'NICE'), piece('b', 'No IUI', ['iui'], 'do-not', 'NICE')],
        [],
        tagsOnly,
      ),
    ).toEqual([]);
    expect(
      findConflicts(
        [
          piece('a', 'IUI', ['iui'], 'do', 'ESHRE'),
          piece('b', 'No IUI', ['iui'], 'do-not', 'NICE', 'not-met'),
        ],
        [],
        tagsOnly,
      ),
    ).toEqual([]);
    expect(
      findConflicts(
        [piece('a', 'IUI', ['iui'], 'neutral', 'ESHRE'), piece('b', 'No IUI', ['iui'], 'do-not', 'NICE')],
        [],
        tagsOnly,
      ),
    ).toEqual([]);
  });

  it('reads a side on the most specific intervention, and on those the title names', () => {
    const letrozole = piece(
      'a',
      'Letrozole first for ovulation in PCOS',
      ['pcos', 'letrozole', 'ovulation-induction'],
      'do',
      'PCOS Network',
    );
    // Tagged letrozole and ovulation induction as the alternatives it points to; its side is on metformin.
    const metformin = piece(
      'b',
      'Metformin alone is not the first choice in PCOS',
      ['pcos', 'metformin', 'ovulation-induction', 'letrozole'],
      'do-not',
      'ASRM',
    );
    // Without the hierarchy and the titles, the shared tags look like a disagreement.
    expect(findConflicts([letrozole, metformin], [], tagsOnly)).toEqual([
      { concept: 'letrozole', a: 1, b: 2 },
    ]);
    expect(findConflicts([letrozole, metformin], [], withHierarchyAndTitles)).toEqual([]);
    // A title naming no intervention leaves every tag its side.
    const noTitle = { ...metformin, title: 'Not the first choice in PCOS' };
    expect(findConflicts([letrozole, noTitle], [], withHierarchyAndTitles).map((c) => c.concept)).toEqual([
      'letrozole',
    ]);
  });
});
