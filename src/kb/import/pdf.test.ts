import { describe, expect, it } from 'vitest';
import { flowPdf, makePdf } from '../testing/make-pdf.js';
import { readPdfDocument } from './pdf.js';

const body = (text: string, gap = 0) => ({ text, size: 10, gap });

describe('readPdfDocument', () => {
  it('infers headings from font size and numbering, paragraphs from gaps, lists from bullets', async () => {
    const pdf = flowPdf([
      { text: 'Synthetic Guideline', size: 20 },
      { text: '1 Introduction', size: 14, gap: 10 },
      body('This paragraph is set in body type and', 6),
      body('wraps over two lines with a hyphen-'),
      body('ated word at the end.'),
      body('1.1 Scope of this document', 8),
      body('A second paragraph follows the numbered', 4),
      body('body-size heading.'),
      body('1.1.1 Offer the first option to couples who:', 8),
      body('• have tried for a year'),
      body('• are under forty years of age'),
      body('and whose tests are normal.', 8),
      { text: '2 Research', size: 14, gap: 10 },
      body('Closing text.', 6),
    ]);
    const r = await readPdfDocument(pdf);
    if ('issue' in r) throw new Error(r.issue.message);
    expect(r.doc.title).toBe('Synthetic Guideline');
    expect(r.doc.blocks).toEqual([
      { type: 'heading', level: 1, text: 'Synthetic Guideline' },
      { type: 'heading', level: 2, text: '1 Introduction' },
      {
        type: 'paragraph',
        text: 'This paragraph is set in body type and wraps over two lines with a hyphenated word at the end.',
      },
      { type: 'heading', level: 3, text: '1.1 Scope of this document' },
      { type: 'paragraph', text: 'A second paragraph follows the numbered body-size heading.' },
      { type: 'paragraph', text: '1.1.1 Offer the first option to couples who:' },
      { type: 'list', ordered: false, items: ['have tried for a year', 'are under forty years of age'] },
      { type: 'paragraph', text: 'and whose tests are normal.' },
      { type: 'heading', level: 2, text: '2 Research' },
      { type: 'paragraph', text: 'Closing text.' },
    ]);
  });

  it('drops running heads, footers and page numbers repeated across pages', async () => {
    const words = ['one', 'two', 'three', 'four'];
    const pages = words.map((w, i) => [
      { text: 'Synthetic guideline - running head', size: 8, y: 760 },
      { text: `Body text of page ${w} is here.`, size: 10, y: 700 },
      { text: `More body text on page ${w},`, size: 10, y: 686 },
      { text: 'continuing the paragraph.', size: 10, y: 672 },
      { text: `Page ${i + 1} of 4`, size: 8, y: 40 },
    ]);
    const r = await readPdfDocument(makePdf(pages));
    if ('issue' in r) throw new Error(r.issue.message);
    const text = r.doc.blocks
      .map((b) => (b.type === 'paragraph' || b.type === 'heading' ? b.text : ''))
      .join(' | ');
    expect(text).not.toContain('running head');
    expect(text).not.toContain('of 4');
    for (const w of words) expect(text).toContain(`Body text of page ${w} is here.`);
  });

  it('reports a PDF without text and bytes that are not a PDF as issues, never a throw', async () => {
    const blank = await readPdfDocument(makePdf([[], []]));
    expect('issue' in blank && blank.issue.code).toBe('pdf-no-text-layer');
    const junk = await readPdfDocument(new TextEncoder().encode('not a pdf at all'));
    expect('issue' in junk && junk.issue.code).toBe('pdf-unreadable');
  });
});
