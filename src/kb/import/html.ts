/**
 * @module kb/import/html
 * HTML → blocks, with a small tolerant tokenizer instead of a DOM library: only block structure is
 * needed (h1–h6, paragraphs, lists, tables), and a hand-written state machine visits every character
 * at most a constant number of times, so hostile input (unclosed tags, quotes, comments, deep
 * nesting, megabytes of `<`) costs linear time. No regular expression here can backtrack.
 *
 * Dropped with their content: script, style, noscript, template, svg, math, nav, aside, footer,
 * form, button, select, iframe, object, head (except <title>). Nothing is executed or fetched;
 * attributes are skipped unread.
 */
import { squash, type Block, type ReadDocument } from './blocks.js';

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);
const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'nav',
  'aside',
  'footer',
  'form',
  'button',
  'select',
  'iframe',
  'object',
  'head',
]);
const VOID = new Set([
  'br',
  'hr',
  'img',
  'input',
  'meta',
  'link',
  'area',
  'base',
  'col',
  'embed',
  'source',
  'track',
  'wbr',
]);
const BREAKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'blockquote',
  'pre',
  'figure',
  'figcaption',
  'dl',
  'dt',
  'dd',
  'address',
  'details',
  'summary',
  'hr',
  'br',
  'caption',
  'body',
  'html',
]);

type Token =
  { t: 'text'; v: string } | { t: 'start'; name: string; selfClosing: boolean } | { t: 'end'; name: string };

/** Tokenize HTML (the subset of the WHATWG states needed to find tags, comments and text). */
export function tokenizeHtml(s: string, onToken: (tok: Token) => void): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      onToken({ t: 'text', v: s.slice(i) });
      return;
    }
    if (lt > i) onToken({ t: 'text', v: s.slice(i, lt) });
    const c1 = s.charCodeAt(lt + 1);
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (c1 === 33 /* ! */ || c1 === 63 /* ? */) {
      // doctype, CDATA, processing instruction: skipped up to the next '>'.
      const end = s.indexOf('>', lt + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const closing = c1 === 47; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isAsciiLetter(s.charCodeAt(nameStart))) {
      onToken({ t: 'text', v: '<' }); // a lone '<' is text, as in browsers
      i = lt + 1;
      continue;
    }
    let j = nameStart;
    while (j < n && !isTagNameEnd(s.charCodeAt(j))) j++;
    const name = s.slice(nameStart, j).toLowerCase();
    // Attributes: skip to the '>' that is not inside a quoted value. Each character is read once.
    let quote = 0;
    let selfClosing = false;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) {
        // A quote opens a value only right after '=' (ignoring spaces); elsewhere it is junk.
        let k = j - 1;
        while (k > lt && isSpace(s.charCodeAt(k))) k--;
        if (s.charCodeAt(k) === 61) quote = c;
      } else if (c === 62 /* > */) break;
      j++;
    }
    if (j >= n) {
      // No '>' before the end: browsers drop the rest, but for a document being imported losing
      // text is worse than keeping a stray '<' ("AMH <a …" typed in prose): keep it as text.
      onToken({ t: 'text', v: s.slice(lt) });
      return;
    }
    selfClosing = s.charCodeAt(j - 1) === 47;
    i = j + 1;
    if (closing) {
      onToken({ t: 'end', name });
      continue;
    }
    onToken({ t: 'start', name, selfClosing });
    if (RAW_TEXT.has(name) && !selfClosing) {
      // Raw text runs to the matching end tag (case-insensitive); no tags inside.
      let k = i;
      let end = -1;
      while ((k = s.indexOf('</', k)) >= 0) {
        if (
          s.slice(k + 2, k + 2 + name.length).toLowerCase() === name &&
          isTagNameEnd(s.charCodeAt(k + 2 + name.length))
        ) {
          end = k;
          break;
        }
        k += 2;
      }
      const stop = end < 0 ? n : end;
      onToken({ t: 'text', v: s.slice(i, stop) });
      if (end < 0) {
        onToken({ t: 'end', name });
        return;
      }
      const gt = s.indexOf('>', end);
      onToken({ t: 'end', name });
      i = gt < 0 ? n : gt + 1;
    }
  }
}

/** Parse HTML into blocks. Never throws. */
export function parseHtml(html: string): ReadDocument {
  const blocks: Block[] = [];
  let title: string | null = null;
  let text: string[] = [];
  let skipStack: string[] = [];
  let inTitle = false;
  let titleText = '';
  let preDepth = 0;
  let heading: { level: number } | null = null;
  let listDepth = 0;
  let list: { ordered: boolean; items: string[] } | null = null;
  let item: string[] | null = null;
  let table: { header: string[] | null; rows: string[][]; headerRow: boolean } | null = null;
  let tableDepth = 0;
  let row: { cells: string[]; allTh: boolean } | null = null;
  let cell: string[] | null = null;
  let cellIsTh = false;

  const joined = (parts: string[]): string => (preDepth ? parts.join('').trim() : squash(parts.join('')));
  const flushText = (): void => {
    const t = joined(text);
    text = [];
    if (!t) return;
    if (heading) blocks.push({ type: 'heading', level: heading.level, text: t });
    else blocks.push({ type: 'paragraph', text: t });
  };
  const endItem = (): void => {
    if (item && list) {
      const t = squash(item.join(''));
      if (t) list.items.push(list.ordered ? `${list.items.length + 1}. ${t}` : t);
    }
    item = null;
  };
  const endList = (): void => {
    endItem();
    if (list && list.items.length) blocks.push({ type: 'list', ordered: list.ordered, items: list.items });
    list = null;
  };
  const endCell = (): void => {
    if (cell && row) {
      row.cells.push(squash(cell.join('')));
      if (!cellIsTh) row.allTh = false;
    }
    cell = null;
  };
  const endRow = (): void => {
    endCell();
    if (row && table && row.cells.length) {
      if (table.rows.length === 0 && table.header === null && row.allTh) table.header = row.cells;
      else table.rows.push(row.cells);
    }
    row = null;
  };
  const endTable = (): void => {
    endRow();
    if (table && (table.rows.length || table.header))
      blocks.push({ type: 'table', header: table.header, rows: table.rows });
    table = null;
  };
  /** Where text goes right now. */
  const sink = (): string[] => cell ?? item ?? text;

  tokenizeHtml(html, (tok) => {
    if (skipStack.length) {
      // <head> is often left unclosed: <body> ends it.
      if (tok.t === 'start' && tok.name === 'body' && skipStack.length === 1 && skipStack[0] === 'head') {
        skipStack = [];
        inTitle = false;
        return;
      }
      if (tok.t === 'start' && SKIP.has(tok.name) && !tok.selfClosing && !VOID.has(tok.name))
        skipStack.push(tok.name);
      else if (tok.t === 'end' && tok.name === skipStack[skipStack.length - 1]) skipStack.pop();
      else if (tok.t === 'start' && tok.name === 'title' && skipStack.every((x) => x === 'head'))
        inTitle = true;
      else if (tok.t === 'end' && tok.name === 'title') inTitle = false;
      else if (tok.t === 'text' && inTitle) titleText += tok.v;
      return;
    }
    if (tok.t === 'text') {
      if (inTitle) titleText += tok.v;
      else sink().push(decodeEntities(tok.v));
      return;
    }
    const name = tok.name;
    if (tok.t === 'start') {
      if (name === 'title') {
        inTitle = !tok.selfClosing;
        return;
      }
      if (SKIP.has(name) && !tok.selfClosing) {
        skipStack = [name];
        return;
      }
      const h = headingLevel(name);
      if (h) {
        if (table || list) return; // headings inside cells or items stay inline text
        flushText();
        heading = { level: h };
        return;
      }
      if (name === 'ul' || name === 'ol') {
        if (table) return;
        if (listDepth === 0) {
          flushText();
          heading = null;
          list = { ordered: name === 'ol', items: [] };
        } else endItem(); // a nested list: its items are flattened into the outer list
        listDepth++;
        return;
      }
      if (name === 'li') {
        if (!list || table) {
          if (heading && !table) {
            flushText();
            heading = null;
          }
          sink().push(' ');
          return;
        }
        endItem();
        item = [];
        return;
      }
      if (name === 'table') {
        tableDepth++;
        if (tableDepth > 1) return; // nested tables read as cell text
        flushText();
        heading = null;
        if (list) endList();
        listDepth = 0;
        table = { header: null, rows: [], headerRow: false };
        return;
      }
      if (table && tableDepth === 1) {
        if (name === 'tr') {
          endRow();
          row = { cells: [], allTh: true };
          return;
        }
        if (name === 'td' || name === 'th') {
          if (!row) row = { cells: [], allTh: true };
          endCell();
          cell = [];
          cellIsTh = name === 'th';
          return;
        }
      }
      if (name === 'pre') preDepth++;
      if (name === 'br' || name === 'td' || name === 'th' || name === 'tr') {
        // A line break or a stray cell separates words but does not end the paragraph.
        sink().push(name === 'br' && preDepth && !cell && !item ? '\n' : ' ');
        return;
      }
      if (BREAKS.has(name)) {
        if (cell || item) sink().push(' ');
        else flushText(); // also ends an unclosed heading: a heading does not contain blocks
        heading = null;
      }
      return;
    }
    // end tags
    const h = headingLevel(name);
    if (h && heading) {
      flushText();
      heading = null;
      return;
    }
    if ((name === 'ul' || name === 'ol') && listDepth > 0 && !table) {
      listDepth--;
      if (listDepth === 0) endList();
      else endItem();
      return;
    }
    if (name === 'li' && list) {
      endItem();
      return;
    }
    if (name === 'table' && tableDepth > 0) {
      tableDepth--;
      if (tableDepth === 0) endTable();
      return;
    }
    if (table && tableDepth === 1) {
      if (name === 'tr') return endRow();
      if (name === 'td' || name === 'th') return endCell();
    }
    if (name === 'pre' && preDepth) preDepth--;
    if (BREAKS.has(name)) {
      if (cell || item || heading) sink().push(' ');
      else flushText();
    }
  });
  if (table) endTable();
  if (list) endList();
  flushText();
  const t = squash(decodeEntities(titleText));
  if (t) title = t;
  else {
    const h1 = blocks.find((b) => b.type === 'heading' && b.level === 1);
    title = h1 && h1.type === 'heading' ? h1.text : null;
  }
  return { title, blocks, notes: [] };
}

function headingLevel(name: string): number {
  return name.length === 2 && name[0] === 'h' && name[1]! >= '1' && name[1]! <= '6' ? Number(name[1]) : 0;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}
function isTagNameEnd(c: number): boolean {
  return Number.isNaN(c) || isSpace(c) || c === 47 || c === 62;
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  le: '≤',
  ge: '≥',
  ne: '≠',
  asymp: '≈',
  micro: 'µ',
  mu: 'μ',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  kappa: 'κ',
  lambda: 'λ',
  sup2: '²',
  sup3: '³',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  copy: '©',
  reg: '®',
  trade: '™',
  sect: '§',
  para: '¶',
  dagger: '†',
  Dagger: '‡',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
  ouml: 'ö',
  uuml: 'ü',
  auml: 'ä',
  szlig: 'ß',
  rarr: '→',
  larr: '←',
  uarr: '↑',
  darr: '↓',
  shy: '',
  zwj: '',
  zwnj: '',
};

/** Decode character references; an unknown named reference is left as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  // Bounded repetitions and no nesting: linear.
  return s.replace(/&(#\d{1,8}|#[xX][0-9a-fA-F]{1,7}|[a-zA-Z][a-zA-Z0-9]{0,31});/g, (m, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(cp);
    }
    return NAMED[ref] ?? m;
  });
}
