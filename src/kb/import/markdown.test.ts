import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitWords } from '../tokens.js';
import { parseMarkdown } from './markdown.js';

describe('parseMarkdown', () => {
  it('reads ATX and setext headings, paragraphs, lists, tables, quotes and code', () => {
    const md = [
      '# Guideline title',
      '',
      'Intro paragraph',
      'continues here.',
      '',
      'Section two',
      '-----------',
      '',
      '## 1.2 Ovulation ##',
      '',
      '- first item',
      '  wrapped',
      '* second item',
      '  - nested item',
      '',
      '3. numbered',
      '4) numbered again',
      '',
      '| Test | Value |',
      '|:-----|------:|',
      '| AMH | 1.2 \\| low |',
      '| FSH | 8 |',
      '',
      '> quoted text',
      '',
      '```',
      'code line',
      '```',
      '',
      '---',
      '#not a heading',
    ].join('\n');
    expect(parseMarkdown(md)).toEqual({
      title: 'Guideline title',
      notes: [],
      blocks: [
        { type: 'heading', level: 1, text: 'Guideline title' },
        { type: 'paragraph', text: 'Intro paragraph continues here.' },
        { type: 'heading', level: 2, text: 'Section two' },
        { type: 'heading', level: 2, text: '1.2 Ovulation' },
        { type: 'list', ordered: false, items: ['first item wrapped', 'second item', 'nested item'] },
        { type: 'list', ordered: true, items: ['3. numbered', '4) numbered again'] },
        {
          type: 'table',
          header: ['Test', 'Value'],
          rows: [
            ['AMH', '1.2 | low'],
            ['FSH', '8'],
          ],
        },
        { type: 'paragraph', text: 'quoted text' },
        { type: 'paragraph', text: 'code line' },
        { type: 'paragraph', text: '#not a heading' },
      ],
    });
  });

  it('keeps numbered recommendations as paragraphs (not list items)', () => {
    const { blocks } = parseMarkdown('1.1.1 Offer women IVF.\n\n1.1.2 Do not offer IUI.');
    expect(blocks.map((b) => b.type)).toEqual(['paragraph', 'paragraph']);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('#', '-', '=', '|', '>', '`', '~', '*', ' ', '\n', 'a', '1', '.', ')'),
        }),
        (s) => {
          parseMarkdown(s);
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => void parseMarkdown(s)));
  });

  it('keeps every word of plain text in order', () => {
    const plain = fc
      .array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom(' ', '\n', '\n\n', '. ')), {
        maxLength: 80,
      })
      .map((xs) => xs.map(([w, s]) => w + s).join(''));
    fc.assert(
      fc.property(plain, (s) => {
        const got = parseMarkdown(s).blocks.flatMap((b) =>
          b.type === 'paragraph' || b.type === 'heading' ? splitWords(b.text) : [],
        );
        expect(got).toEqual(splitWords(s));
      }),
    );
  });

  it('stays linear on adversarial input (would time out if it backtracked)', () => {
    const n = 200_000;
    const inputs = [
      '#'.repeat(n),
      `# ${' #'.repeat(n)}x`,
      `${'|'.repeat(n)}\n${'-|'.repeat(n)}\n${'|'.repeat(n)}`,
      '> '.repeat(n),
      '- '.repeat(n),
      '```\n' + 'a\n'.repeat(n),
      `a\n${'='.repeat(n)}`,
      '1.'.repeat(n),
      ' \t'.repeat(n) + '#',
    ];
    for (const s of inputs) expect(() => parseMarkdown(s)).not.toThrow();
  });
});
