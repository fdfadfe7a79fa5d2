import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../domain/evidence.js';
import { estimateTokens } from '../../kb/tokens.js';
import { edgeOrder, pack } from './index.js';

const ev = (key: string, text: string, extra: Partial<Evidence> = {}): Evidence => ({
  key,
  kind: 'recommendation',
  title: key,
  text,
  clinicianText: text,
  concepts: [],
  direction: 'neutral',
  source: { body: 'X', document: 'Doc', year: 2020, section: '1', url: 'https://example.org' },
  applicability: { truth: 'met', because: [], against: [], missing: [] },
  scores: { lexical: 0, concept: 0, fused: 0, final: 0 },
  strengthRank: 0,
  ...extra,
});

const opts = { tokenBudget: 60, maxItems: 5, duplicateJaccard: 0.8 };

describe('pack', () => {
  it('keeps the order, drops duplicates by key and by near-identical text', () => {
    const r = pack(
      [
        ev('a', 'Stop smoking before fertility treatment starts.'),
        ev('a', 'anything'),
        ev('b', 'Stop smoking before fertility treatment starts!'),
        ev('c', 'Folic acid every day while trying to conceive.'),
      ],
      opts,
    );
    expect(r.evidence.map((e) => e.key)).toEqual(['a', 'c']);
    expect(r.dropped.map((d) => d.reason)).toEqual(['duplicate', 'duplicate']);
  });

  it('stops at the token budget but always keeps the best piece', () => {
    const long = 'word '.repeat(100);
    const r = pack([ev('big', long), ev('small', 'short text here')], { ...opts, tokenBudget: 20 });
    expect(r.evidence.map((e) => e.key)).toEqual(['big']);
    expect(r.dropped).toEqual([{ key: 'small', reason: 'budget' }]);
  });

  it('counts a shared parent once', () => {
    const parent = 'parent context '.repeat(10);
    const a = ev('c1', 'one two', { parentText: parent, context: ['1', '1.1'] });
    const b = ev('c2', 'three four', { parentText: parent, context: ['1', '1.1'] });
    const both = pack([a, b], { ...opts, tokenBudget: 1000 });
    const one = pack([a], { ...opts, tokenBudget: 1000 });
    expect(both.tokens - one.tokens).toBeLessThan(10);
  });

  it('gives the same result however often the same texts were packed before (cached word sets)', () => {
    const texts = fc.array(fc.string({ maxLength: 40 }), { maxLength: 8 });
    fc.assert(
      fc.property(texts, texts, fc.integer({ min: 1, max: 80 }), (a, b, budget) => {
        const list = (xs: string[], p: string) => xs.map((t, i) => ev(`${p}${i}`, t));
        const o = { ...opts, tokenBudget: budget };
        const first = pack(list(a, 'a'), o);
        pack(list([...b, ...a], 'b'), o); // the same texts again, under other keys and order
        expect(pack(list(a, 'a'), o)).toEqual(first);
        const tokens = first.evidence.reduce(
          (n, e) => n + estimateTokens(e.title) + estimateTokens(e.text),
          0,
        );
        expect(first.tokens).toBe(tokens);
      }),
    );
  });

  it('handles an empty list', () => {
    expect(pack([], opts)).toEqual({ evidence: [], tokens: 0, dropped: [] });
  });
});

describe('edgeOrder', () => {
  it('puts the strongest at both edges', () => {
    expect(edgeOrder(5)).toEqual([0, 2, 4, 3, 1]);
    expect(edgeOrder(0)).toEqual([]);
    expect(edgeOrder(1)).toEqual([0]);
  });
});
