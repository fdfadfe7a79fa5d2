/**
 * @module kb/import/markdown
 * Markdown → blocks. Covers what guidelines converted to Markdown use: ATX (`## 1.2 Title`) and
 * setext (underlined) headings, paragraphs, bullet and numbered lists (nested ones flattened),
 * pipe tables, block quotes and fenced code. Inline markup is kept as written.
 *
 * Written by hand rather than with a Markdown library because only block structure is needed, and
 * every line is classified with plain string scans (no backtracking regular expressions), so the
 * time is linear in the input whatever it contains.
 */
import { squash, type Block, type ReadDocument } from './blocks.js';

interface ListItemLine {
  indent: number;
  ordered: boolean;
  /** The item text; an ordered item keeps its number ("3. text"). */
  text: string;
}

/** Parse Markdown text into blocks. Never throws. */
export function parseMarkdown(input: string): ReadDocument {
  const lines = input.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  let title: string | null = null;

  const flushPara = (): void => {
    if (para.length) {
      const text = squash(para.join(' '));
      if (text) blocks.push({ type: 'paragraph', text });
    }
    para = [];
  };
  const flushList = (): void => {
    if (list && list.items.length)
      blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map(squash) });
    list = null;
  };
  const heading = (level: number, text: string): void => {
    flushPara();
    flushList();
    const t = squash(text);
    if (!t) return;
    if (title === null && level === 1) title = t;
    blocks.push({ type: 'heading', level, text: t });
  };

  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!;
    const line = stripQuote(raw);
    const trimmed = line.trim();

    if (trimmed === '') {
      flushPara();
      // A blank line inside a list ends it only if the next content line is not an item or indented.
      if (list) {
        let j = i + 1;
        while (j < lines.length && stripQuote(lines[j]!).trim() === '') j++;
        const next = j < lines.length ? stripQuote(lines[j]!) : '';
        if (!(listItem(next) || leadingSpaces(next) >= 2)) flushList();
      }
      i++;
      continue;
    }

    const fence = fenceOf(trimmed);
    if (fence) {
      flushPara();
      flushList();
      const body: string[] = [];
      i++;
      while (i < lines.length && !stripQuote(lines[i]!).trim().startsWith(fence))
        body.push(stripQuote(lines[i++]!));
      i++; // closing fence (or past the end)
      const text = body.join('\n').trim();
      if (text) blocks.push({ type: 'paragraph', text });
      continue;
    }

    const atx = atxHeading(line);
    if (atx) {
      heading(atx.level, atx.text);
      i++;
      continue;
    }

    // Setext: a paragraph line underlined with === (level 1) or --- (level 2).
    if (para.length === 0 && !list && i + 1 < lines.length && !isThematicBreak(trimmed)) {
      const under = stripQuote(lines[i + 1]!).trim();
      if (under.length >= 2 && (allChars(under, '=') || allChars(under, '-')) && !listItem(line)) {
        heading(under[0] === '=' ? 1 : 2, trimmed);
        i += 2;
        continue;
      }
    }

    if (isThematicBreak(trimmed)) {
      flushPara();
      flushList();
      i++;
      continue;
    }

    if (trimmed.includes('|') && i + 1 < lines.length && isTableSeparator(stripQuote(lines[i + 1]!))) {
      flushPara();
      flushList();
      const header = tableCells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length) {
        const l = stripQuote(lines[i]!);
        if (l.trim() === '' || !l.includes('|')) break;
        rows.push(tableCells(l));
        i++;
      }
      blocks.push({ type: 'table', header, rows });
      continue;
    }

    const item = listItem(line);
    if (item) {
      flushPara();
      // A change between bullets and numbers starts a new list (the rendering differs).
      if (list && (list as { ordered: boolean }).ordered !== item.ordered) flushList();
      if (!list) list = { ordered: item.ordered, items: [] };
      list.items.push(item.text);
      i++;
      continue;
    }
    if (list && leadingSpaces(line) >= 2) {
      // Continuation of the last item.
      const last = list.items.length - 1;
      list.items[last] = `${list.items[last]!} ${trimmed}`;
      i++;
      continue;
    }
    flushList();
    para.push(trimmed);
    i++;
  }
  flushPara();
  flushList();
  return { title, blocks, notes: [] };
}

function stripQuote(line: string): string {
  let s = line;
  // "> > text" → "text"; at most a few levels, each a constant-time check.
  for (let k = 0; k < 8; k++) {
    const t = s.trimStart();
    if (!t.startsWith('>') || leadingSpaces(s) > 3) break;
    s = t.slice(1);
    if (s.startsWith(' ')) s = s.slice(1);
  }
  return s;
}

function leadingSpaces(s: string): number {
  let n = 0;
  while (n < s.length && (s[n] === ' ' || s[n] === '\t')) n += s[n] === '\t' ? 4 : 1;
  return n;
}

function allChars(s: string, c: string): boolean {
  for (const ch of s) if (ch !== c) return false;
  return true;
}

function fenceOf(trimmed: string): string | null {
  if (trimmed.startsWith('```')) return '```';
  if (trimmed.startsWith('~~~')) return '~~~';
  return null;
}

/** `## Title ##` → { level 2, "Title" }; needs a space after the hashes (or nothing). */
function atxHeading(line: string): { level: number; text: string } | null {
  if (leadingSpaces(line) > 3) return null;
  const s = line.trimStart();
  let n = 0;
  while (n < s.length && n < 7 && s[n] === '#') n++;
  if (n === 0 || n > 6) return null;
  if (n < s.length && s[n] !== ' ' && s[n] !== '\t') return null;
  let text = s.slice(n).trim();
  // Optional closing hashes, when separated by a space.
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end < text.length && (end === 0 || text[end - 1] === ' ' || text[end - 1] === '\t'))
    text = text.slice(0, end).trim();
  return { level: n, text };
}

function isThematicBreak(trimmed: string): boolean {
  if (trimmed.length < 3) return false;
  const c = trimmed[0]!;
  if (c !== '-' && c !== '*' && c !== '_') return false;
  let count = 0;
  for (const ch of trimmed) {
    if (ch === c) count++;
    else if (ch !== ' ' && ch !== '\t') return false;
  }
  return count >= 3;
}

function isTableSeparator(line: string): boolean {
  const t = line.trim();
  if (!t.includes('-')) return false;
  let dashes = 0;
  for (const ch of t) {
    if (ch === '-') dashes++;
    else if (ch !== '|' && ch !== ':' && ch !== ' ' && ch !== '\t') return false;
  }
  return dashes >= 1 && (t.includes('|') || dashes >= 3);
}

function tableCells(line: string): string[] {
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let k = 0; k < t.length; k++) {
    const ch = t[k]!;
    if (ch === '\\' && t[k + 1] === '|') {
      cur += '|';
      k++;
    } else if (ch === '|') {
      cells.push(squash(cur));
      cur = '';
    } else cur += ch;
  }
  cells.push(squash(cur));
  return cells;
}

/** `- text`, `* text`, `+ text`, `3. text`, `3) text` (any indentation: nested lists are flattened). */
function listItem(line: string): ListItemLine | null {
  const indent = leadingSpaces(line);
  const s = line.trimStart();
  const c = s[0];
  if ((c === '-' || c === '*' || c === '+') && (s[1] === ' ' || s[1] === '\t')) {
    const text = s.slice(2).trim();
    return text ? { indent, ordered: false, text } : null;
  }
  let n = 0;
  while (n < s.length && n < 10 && s[n]! >= '0' && s[n]! <= '9') n++;
  if (n === 0 || n > 9) return null;
  if ((s[n] === '.' || s[n] === ')') && (s[n + 1] === ' ' || s[n + 1] === '\t')) {
    const text = s.slice(n + 2).trim();
    return text ? { indent, ordered: true, text: `${s.slice(0, n + 1)} ${text}` } : null;
  }
  return null;
}
