import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, parseHtml } from './html.js';

describe('parseHtml', () => {
  it('keeps headings, paragraphs, lists and tables; drops scripts, styles, nav, footer and head', () => {
    const html = `<!DOCTYPE html><html><head><title>Guide &amp; title</title>
      <meta name="x" content="a > b"><style>h1 { color: red }</style>
      <script>document.write("<h1>fake</h1>"); if (a < b) {}</script></head>
      <body><nav><ul><li>Menu</li></ul></nav>
      <h1 class="t">1 Recommendations</h1>
      <p>Intro <b>bold</b> text<br>next&nbsp;line.</p>
      <div>Loose <span>div</span> text</div>
      <h2>1.2 Ovulation</h2>
      <p><strong>1.2.1</strong> Offer <a href="x.html?a=1&b=2">letrozole</a>.</p>
      <ol><li>first<li>second <ul><li>nested</li></ul></li></ol>
      <table><caption>Table 1</caption>
        <tr><th>Test</th><th>Value</th></tr>
        <tr><td>AMH</td><td>1.2 <p>ng/mL</p></td></tr>
        <tr><td>FSH</td><td>8</td></tr>
      </table>
      <!-- <p>commented out</p> -->
      <aside>Related links</aside><footer>Footer</footer>
      <noscript><p>Enable JS</p></noscript></body></html>`;
    const doc = parseHtml(html);
    expect(doc.title).toBe('Guide & title');
    expect(doc.blocks).toEqual([
      { type: 'heading', level: 1, text: '1 Recommendations' },
      { type: 'paragraph', text: 'Intro bold text next line.' }, // nbsp folds to a space
      { type: 'paragraph', text: 'Loose div text' },
      { type: 'heading', level: 2, text: '1.2 Ovulation' },
      { type: 'paragraph', text: '1.2.1 Offer letrozole.' },
      { type: 'list', ordered: true, items: ['1. first', '2. second', '3. nested'] },
      { type: 'paragraph', text: 'Table 1' },
      {
        type: 'table',
        header: ['Test', 'Value'],
        rows: [
          ['AMH', '1.2 ng/mL'],
          ['FSH', '8'],
        ],
      },
    ]);
  });

  it('tolerates unclosed and stray tags', () => {
    const doc = parseHtml(
      '<h2>Unclosed heading<p>para one<p>para two</div></span><li>stray item<td>stray cell',
    );
    expect(doc.blocks).toEqual([
      { type: 'heading', level: 2, text: 'Unclosed heading' },
      { type: 'paragraph', text: 'para one' },
      { type: 'paragraph', text: 'para two' },
      { type: 'paragraph', text: 'stray item stray cell' },
    ]);
    expect(parseHtml('<head><title>T</title><body><p>after an unclosed head</p>').blocks).toEqual([
      { type: 'paragraph', text: 'after an unclosed head' },
    ]);
    expect(parseHtml('a < b and c<d').blocks).toEqual([{ type: 'paragraph', text: 'a < b and c<d' }]);
  });

  it('decodes character references, leaving unknown ones as written', () => {
    expect(decodeEntities('&lt;5&nbsp;mg &#8804; &#x2265; &micro;g &bogus; &#0; &#xD800; &amp;amp;')).toBe(
      '<5\u00a0mg ≤ ≥ µg &bogus; \ufffd \ufffd &amp;',
    );
  });

  it('never throws on arbitrary input', () => {
    const unit = fc.constantFrom(
      '<',
      '>',
      '/',
      '!',
      '-',
      '"',
      "'",
      '=',
      'a',
      'p',
      'h1',
      'li',
      'td',
      'script',
      '&',
      ';',
      '#',
      ' ',
      '\n',
    );
    fc.assert(
      fc.property(fc.string({ unit }), (s) => void parseHtml(s)),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => void parseHtml(s)));
  });

  it('stays linear on adversarial input (would time out if it backtracked)', () => {
    const n = 200_000;
    const inputs = [
      '<'.repeat(n),
      '<a '.repeat(n),
      '<a b="'.repeat(n),
      `<a b='x' ${'c="'.repeat(n)}`,
      '<!--'.repeat(n),
      '<div>'.repeat(n),
      '</'.repeat(n),
      `<script>${'a</scrip'.repeat(n)}`,
      `<title>${'</titl'.repeat(n)}`,
      '&'.repeat(n) + '&#'.repeat(n) + '&amp'.repeat(n),
      `<ul>${'<li><ul>'.repeat(n / 10)}`,
      `<table>${'<tr><td><table>'.repeat(n / 10)}`,
      `<a ${' '.repeat(n)}"`,
    ];
    for (const s of inputs) expect(() => parseHtml(s)).not.toThrow();
  });
});
