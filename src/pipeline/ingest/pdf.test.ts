import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths.js';
import { itemsToLines, readPdf } from './pdf.js';

const FIXTURES = join(PROJECT_ROOT, 'fixtures', 'lab-reports');

describe('itemsToLines', () => {
  it('groups items by baseline, orders by x, and marks column gaps with a tab', () => {
    const lines = itemsToLines([
      { str: '1.2', x: 250, y: 700, width: 15, height: 10 },
      { str: 'AMH', x: 50, y: 700.4, width: 20, height: 10 },
      { str: 'Header', x: 50, y: 720, width: 30, height: 12 },
      { str: 'ng/mL', x: 270, y: 700, width: 25, height: 10 },
      { str: 'Anti', x: 50, y: 680, width: 20, height: 10 },
      { str: 'TPO', x: 72, y: 680, width: 18, height: 10 },
    ]);
    expect(lines).toEqual(['Header', 'AMH\t1.2 ng/mL', 'Anti TPO']);
  });
});

describe('readPdf', () => {
  it('rebuilds the lines of a text-layer PDF across pages', async () => {
    const r = await readPdf(readFileSync(join(FIXTURES, 'pdf-text-layer.pdf')));
    expect(r.issues).toEqual([]);
    const texts = r.candidates.map((c) => (c.kind === 'line' ? c.text : ''));
    expect(texts).toContain('Anti-Mullerian Hormone\t0.92\tL\tng/mL\t1.00 - 4.00');
    expect(texts).toContain('Glucose, Fasting\t104\tH\tmg/dL\t70 - 99');
    expect(r.format).toBe('pdf');
  });

  it('reports a PDF without text as pdf-no-text-layer', async () => {
    const r = await readPdf(readFileSync(join(FIXTURES, 'pdf-no-text-layer.pdf')));
    expect(r.candidates).toEqual([]);
    expect(r.issues[0]?.code).toBe('pdf-no-text-layer');
  });

  it('reports a broken PDF as pdf-unreadable', async () => {
    const r = await readPdf(Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage'));
    expect(r.issues[0]?.code).toBe('pdf-unreadable');
  });
});
