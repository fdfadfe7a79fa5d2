/**
 * @module kb/testing/generate-guideline
 * A synthetic long guideline for import tests and the benchmark: nested numbered chapters,
 * sections and subsections, numbered recommendations ("1.2.3.4 …"), paragraphs, tables and lists,
 * about 500 words per page. The text is pseudo-random words — clearly not clinical content — and is
 * never written under knowledge/. Deterministic for a given seed.
 */
import { seededRandom } from '../../random.js';

export interface GuidelineOptions {
  /** Approximate length in pages of ~500 words (default 200). */
  pages?: number;
  seed?: number;
}

/** One structural element of the generated document, renderable as Markdown or HTML. */
export type GenBlock =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'recommendation'; number: string; text: string }
  | { type: 'list'; ordered: boolean; items: string[] }
  | { type: 'table'; header: string[]; rows: string[][] };

export interface GeneratedGuideline {
  title: string;
  blocks: GenBlock[];
  words: number;
  counts: { headings: number; recommendations: number; tables: number; lists: number; paragraphs: number };
}

const WORDS = (
  'ovarian reserve stimulation protocol embryo transfer luteal support semen analysis follicle ' +
  'oocyte retrieval trigger cycle outcome pregnancy rate couple clinic assessment referral ' +
  'treatment option evidence certainty moderate strong conditional recommendation population ' +
  'intervention comparison cumulative live birth dose response monitoring ultrasound hormone ' +
  'baseline threshold criteria review cohort trial randomised systematic analysis benefit harm ' +
  'risk counselling duration months years age weight lifestyle smoking alcohol caffeine'
).split(' ');

const rng = seededRandom;

/** Generate the guideline structure. */
export function generateGuideline(opts: GuidelineOptions = {}): GeneratedGuideline {
  const targetWords = (opts.pages ?? 200) * 500;
  const rand = rng(opts.seed ?? 1);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const word = () => WORDS[int(0, WORDS.length - 1)]!;
  const sentence = (n = int(8, 22)) => {
    const ws = Array.from({ length: n }, word);
    ws[0] = ws[0]![0]!.toUpperCase() + ws[0]!.slice(1);
    return `${ws.join(' ')}.`;
  };
  const paragraph = () => Array.from({ length: int(2, 6) }, () => sentence()).join(' ');
  const title = 'Synthetic guideline for import tests (not clinical content)';
  const blocks: GenBlock[] = [
    { type: 'heading', level: 1, text: title },
    { type: 'paragraph', text: paragraph() },
  ];
  const counts = { headings: 1, recommendations: 0, tables: 0, lists: 0, paragraphs: 1 };
  let words = 0;
  const count = (s: string) => (words += s.split(/\s+/).filter(Boolean).length);
  const push = (b: GenBlock) => {
    blocks.push(b);
    if (b.type === 'heading' || b.type === 'paragraph' || b.type === 'recommendation') count(b.text);
    if (b.type === 'list') b.items.forEach(count);
    if (b.type === 'table') [b.header, ...b.rows].forEach((r) => r.forEach(count));
  };

  for (let ch = 1; words < targetWords; ch++) {
    push({ type: 'heading', level: 2, text: `${ch} ${cap(word())} and ${word()}` });
    counts.headings++;
    push({ type: 'paragraph', text: paragraph() });
    counts.paragraphs++;
    for (let sec = 1; sec <= int(3, 6) && words < targetWords; sec++) {
      push({ type: 'heading', level: 3, text: `${ch}.${sec} ${cap(word())} ${word()}` });
      counts.headings++;
      for (let sub = 1; sub <= int(2, 4); sub++) {
        push({ type: 'heading', level: 4, text: `${ch}.${sec}.${sub} ${cap(word())} ${word()} ${word()}` });
        counts.headings++;
        if (rand() < 0.7) {
          push({ type: 'paragraph', text: paragraph() });
          counts.paragraphs++;
        }
        for (let r = 1; r <= int(1, 5); r++) {
          push({
            type: 'recommendation',
            number: `${ch}.${sec}.${sub}.${r}`,
            text: `${sentence(int(10, 30))} ${sentence()}`,
          });
          counts.recommendations++;
          if (rand() < 0.25) {
            push({
              type: 'list',
              ordered: false,
              items: Array.from({ length: int(2, 6) }, () => sentence(int(4, 12))),
            });
            counts.lists++;
          }
        }
        if (rand() < 0.3) {
          const cols = int(3, 5);
          push({
            type: 'table',
            header: Array.from({ length: cols }, () => cap(word())),
            rows: Array.from({ length: int(3, rand() < 0.2 ? 60 : 12) }, () =>
              Array.from({ length: cols }, () =>
                rand() < 0.4 ? String(int(1, 999)) : `${word()} ${word()}`,
              ),
            ),
          });
          counts.tables++;
        }
        if (rand() < 0.5) {
          push({ type: 'paragraph', text: paragraph() });
          counts.paragraphs++;
        }
      }
    }
  }
  return { title, blocks, words, counts };
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

/** Render as Markdown (ATX headings, pipe tables, "- " lists, recommendations as numbered paragraphs). */
export function renderMarkdown(g: GeneratedGuideline): string {
  const out: string[] = [];
  for (const b of g.blocks) {
    switch (b.type) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`);
        break;
      case 'paragraph':
        out.push(b.text);
        break;
      case 'recommendation':
        out.push(`${b.number} ${b.text}`);
        break;
      case 'list':
        out.push(b.items.map((i, k) => (b.ordered ? `${k + 1}. ${i}` : `- ${i}`)).join('\n'));
        break;
      case 'table':
        out.push(
          [
            `| ${b.header.join(' | ')} |`,
            `|${b.header.map(() => ' --- ').join('|')}|`,
            ...b.rows.map((r) => `| ${r.join(' | ')} |`),
          ].join('\n'),
        );
        break;
    }
  }
  return out.join('\n\n') + '\n';
}

/** Render as HTML with page furniture (nav, script, style, footer) that the reader must drop. */
export function renderHtml(g: GeneratedGuideline): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out: string[] = [
    '<!DOCTYPE html><html><head><meta charset="utf-8">',
    `<title>${esc(g.title)}</title><style>body { font: 12px sans-serif } h2 > a { color: red }</style>`,
    '<script>var x = "<h1>not a heading</h1>"; if (a < b && c > d) {}</script></head><body>',
    '<nav><ul><li><a href="#">Home</a></li><li><a href="#">Menu item</a></li></ul></nav><main>',
  ];
  for (const b of g.blocks) {
    switch (b.type) {
      case 'heading':
        out.push(`<h${b.level} id="h">${esc(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        out.push(`<p>${esc(b.text)}</p>`);
        break;
      case 'recommendation':
        out.push(`<p class="recommendation"><strong>${b.number}</strong> ${esc(b.text)}</p>`);
        break;
      case 'list':
        out.push(
          `<${b.ordered ? 'ol' : 'ul'}>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</${b.ordered ? 'ol' : 'ul'}>`,
        );
        break;
      case 'table':
        out.push(
          `<table><thead><tr>${b.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
            b.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('') +
            '</tbody></table>',
        );
        break;
    }
  }
  out.push('</main><footer>Site footer text</footer></body></html>');
  return out.join('\n');
}
