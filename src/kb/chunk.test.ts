import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkBlocks, leadingNumber, packLines, recommendationNumber, splitText, tokenSum } from './chunk.js';
import type { ChunkLine } from './document.js';
import type { Block } from './import/blocks.js';
import { estimateTokens, splitWords, wordTokens } from './tokens.js';

const opts = (maxTokens: number) => ({ docId: 'doc', maxTokens, title: 'Doc title' });
const words = (chunks: readonly ChunkLine[]) => chunks.flatMap((c) => splitWords(c.text));

/** The words of blocks as the chunker renders them (list bullets and table pipes included). */
function renderedWords(blocks: readonly Block[]): string[] {
  // Mirrors the chunker's clean-up: empty text, items and rows are dropped.
  const has = (s: string) => s.trim().length > 0;
  return blocks.flatMap((b) => {
    if (b.type === 'heading' || b.type === 'paragraph') return splitWords(b.text);
    if (b.type === 'list') return b.items.filter(has).flatMap((i) => splitWords(b.ordered ? i : `- ${i}`));
    const row = (cells: string[]) => splitWords(`| ${cells.join(' | ')} |`);
    const header = b.header && b.header.some(has) ? row(b.header) : [];
    return [...header, ...b.rows.filter((r) => r.some(has)).flatMap(row)];
  });
}

function isSubsequence(needle: readonly string[], hay: readonly string[]): boolean {
  let i = 0;
  for (const w of hay) if (i < needle.length && w === needle[i]) i++;
  return i === needle.length;
}

describe('tokens', () => {
  it('counts ordinary words at 1.3 and long runs by length / 4', () => {
    expect(estimateTokens('one two three four five six seven eight nine ten')).toBe(13);
    expect(estimateTokens('x'.repeat(400))).toBe(100);
    expect(estimateTokens('  ')).toBe(0);
  });
});

describe('recommendation and section numbers', () => {
  it('recognises the numbering styles of guidelines', () => {
    expect(recommendationNumber('1.2.3 Offer IVF to …')).toBe('1.2.3');
    expect(recommendationNumber('**1.11.1.3** Offer …')).toBe('1.11.1.3');
    expect(recommendationNumber('Recommendation 12: do not offer …')).toBe('Recommendation 12');
    expect(recommendationNumber('R12 The GDG recommends …')).toBe('R12');
    expect(recommendationNumber('2.5 mg letrozole daily')).toBeNull();
    expect(recommendationNumber('Recommendations were graded')).toBeNull();
    expect(leadingNumber('3.2 Ovulation induction')).toBe('3.2');
    expect(leadingNumber('Chapter 4 Male factor')).toBe('4');
    expect(leadingNumber('Introduction')).toBeNull();
  });
});

describe('chunkBlocks', () => {
  const doc: Block[] = [
    { type: 'paragraph', text: 'Preamble before any heading.' },
    { type: 'heading', level: 1, text: '1 Recommendations' },
    { type: 'paragraph', text: 'Intro to the recommendations.' },
    { type: 'heading', level: 2, text: '1.2 Ovulation' },
    { type: 'paragraph', text: '1.2.1 Offer the first thing to women who:' },
    { type: 'list', ordered: false, items: ['have condition a', 'have condition b'] },
    { type: 'paragraph', text: 'Recommendation 7 Do not offer the other thing.' },
    {
      type: 'table',
      header: ['Test', 'Value'],
      rows: [
        ['alpha', '1'],
        ['beta', '2'],
      ],
    },
    { type: 'heading', level: 1, text: '2 Research' },
    { type: 'paragraph', text: 'Closing text.' },
  ];
  const chunks = chunkBlocks(doc, opts(400));

  it('keeps structure: kinds, heading paths, parents, sections', () => {
    expect(
      chunks.map((c) => [c.id, c.kind, c.headingPath.join(' > '), c.parentId, c.section ?? null]),
    ).toEqual([
      ['doc#0000', 'paragraph', 'Doc title', null, null],
      ['doc#0001', 'section', '1 Recommendations', null, '1'],
      ['doc#0002', 'section', '1 Recommendations > 1.2 Ovulation', 'doc#0001', '1.2'],
      ['doc#0003', 'recommendation', '1 Recommendations > 1.2 Ovulation', 'doc#0002', '1.2.1'],
      ['doc#0004', 'recommendation', '1 Recommendations > 1.2 Ovulation', 'doc#0002', 'Recommendation 7'],
      ['doc#0005', 'table', '1 Recommendations > 1.2 Ovulation', 'doc#0002', '1.2'],
      ['doc#0006', 'section', '2 Research', null, '2'],
    ]);
  });

  it("puts intro text in the section chunk and a recommendation's list in the recommendation", () => {
    expect(chunks[1]!.text).toBe('1 Recommendations\n\nIntro to the recommendations.');
    expect(chunks[3]!.text).toBe(
      '1.2.1 Offer the first thing to women who:\n\n- have condition a\n- have condition b',
    );
    expect(chunks[5]!.text).toBe('| Test | Value |\n| alpha | 1 |\n| beta | 2 |');
    expect(chunks[6]!.text).toBe('2 Research\n\nClosing text.');
  });

  it('splits a long table by rows with the header repeated', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [`row${i}`, `value${i}`, 'x']);
    const out = chunkBlocks(
      [
        { type: 'heading', level: 1, text: 'T' },
        { type: 'table', header: ['A', 'B', 'C'], rows },
      ],
      opts(40),
    );
    const tables = out.filter((c) => c.kind === 'table');
    expect(tables.length).toBeGreaterThan(2);
    for (const t of tables) {
      expect(t.text.startsWith('| A | B | C |\n')).toBe(true);
      expect(t.tokens).toBeLessThanOrEqual(40);
      expect(t.parentId).toBe(out[0]!.id);
    }
    expect(tables.flatMap((t) => t.text.split('\n').slice(1))).toEqual(
      rows.map((r) => `| ${r.join(' | ')} |`),
    );
  });

  it('splits long text at sentence ends before splitting between words', () => {
    const text = 'Alpha beta gamma delta. Epsilon zeta eta theta. Iota kappa lambda mu.';
    expect(splitText(text, 6)).toEqual([
      'Alpha beta gamma delta.',
      'Epsilon zeta eta theta.',
      'Iota kappa lambda mu.',
    ]);
    expect(splitText('a b c d e f g h', 4)).toEqual(['a b c', 'd e f', 'g h']);
  });

  it('packs lines and keeps the header once when it cannot sit beside a row', () => {
    expect(packLines(['r1', 'r2'], 100, 'H')).toEqual(['H\nr1\nr2']);
    const long = 'w '.repeat(20).trim();
    expect(packLines([long], 20, 'h1 h2 h3 h4 h5')).toEqual([
      'h1 h2 h3 h4 h5',
      'w w w w w w w w w w w w w w w',
      'h1 h2 h3 h4 h5\nw w w w w',
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
// Properties

const word = fc.oneof(
  { weight: 20, arbitrary: fc.stringMatching(/^[a-z0-9]{1,10}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('1.2.3', 'Recommendation', 'R12', '.', '|', '-', 'é', 'مرحبا', '😀'),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{40,300}$/) }, // a long unsplittable run
);
const text = fc
  .array(fc.tuple(word, fc.constantFrom(' ', ' ', ' ', '. ', '\n', '  ')), { minLength: 0, maxLength: 60 })
  .map((ws) => ws.map(([w, s]) => w + s).join(''));
const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ type: fc.constant('heading' as const), level: fc.integer({ min: 1, max: 6 }), text }),
  fc.record({ type: fc.constant('paragraph' as const), text }),
  fc.record({
    type: fc.constant('paragraph' as const),
    text: fc.tuple(fc.constantFrom('1.2.3 ', 'Recommendation 4 ', 'R7: '), text).map(([a, b]) => a + b),
  }),
  fc.record({
    type: fc.constant('list' as const),
    ordered: fc.boolean(),
    items: fc.array(text, { maxLength: 8 }),
  }),
  fc.record({
    type: fc.constant('table' as const),
    header: fc.option(fc.array(text, { minLength: 1, maxLength: 4 }), { nil: null }),
    rows: fc.array(fc.array(text, { minLength: 1, maxLength: 4 }), { maxLength: 12 }),
  }),
);
const doc = fc.array(block, { maxLength: 30 });
const budget = fc.integer({ min: 1, max: 300 });

describe('chunker properties (fast-check)', () => {
  it('never throws, and every chunk fits the budget unless it is a single unsplittable word', () => {
    fc.assert(
      fc.property(doc, budget, (blocks, b) => {
        const chunks = chunkBlocks(blocks, opts(b));
        for (const c of chunks) {
          expect(c.tokens).toBe(estimateTokens(c.text));
          if (c.tokens > b) {
            const ws = splitWords(c.text);
            expect(ws.length).toBe(1);
            expect(wordTokens(ws[0]!)).toBeGreaterThan(b);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every word in order; only a split table repeats its header', () => {
    fc.assert(
      fc.property(doc, budget, (blocks, b) => {
        const chunks = chunkBlocks(blocks, opts(b));
        const expected = renderedWords(blocks);
        const got = words(chunks);
        if (!blocks.some((x) => x.type === 'table')) expect(got).toEqual(expected);
        else {
          expect(isSubsequence(expected, got)).toBe(true);
          const headerWords = blocks.reduce(
            (n, x) => n + (x.type === 'table' && x.header ? renderedWords([{ ...x, rows: [] }]).length : 0),
            0,
          );
          expect(got.length).toBeLessThanOrEqual(expected.length + headerWords * chunks.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives every chunk a heading path, a unique sequential id and a parent that comes before it', () => {
    fc.assert(
      fc.property(doc, budget, (blocks, b) => {
        const chunks = chunkBlocks(blocks, opts(b));
        const seen = new Set<string>();
        chunks.forEach((c, i) => {
          expect(c.id).toBe(`doc#${String(i).padStart(4, '0')}`);
          expect(c.headingPath.length).toBeGreaterThan(0);
          expect(c.text.trim().length).toBeGreaterThan(0);
          if (c.parentId !== null) expect(seen.has(c.parentId)).toBe(true);
          seen.add(c.id);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('tokenSum is additive over whitespace-joined parts (what the packer relies on)', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(tokenSum(`${a}\n\n${b}`)).toBeCloseTo(tokenSum(a) + tokenSum(b), 9);
      }),
    );
  });
});
