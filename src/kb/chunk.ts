/**
 * @module kb/chunk
 * Structure-aware chunking of a long document (blocks from `kb/import/*`) into retrieval units
 * that fit a token budget, each keeping its heading path and a parent for context:
 *
 * - every heading opens a section; its **section** chunk holds the heading and the paragraphs right
 *   under it that fit the budget; later paragraphs become **paragraph** chunks whose parent is the
 *   section chunk; a subsection's section chunk has the enclosing section chunk as parent;
 * - a numbered recommendation ("1.2.3 Offer …", "Recommendation 12 …", "R12 …") starts its own
 *   **recommendation** chunk, which also takes the lists and paragraphs that follow it while they
 *   fit (a recommendation's conditions are usually a list under it);
 * - a **table** is kept whole when it fits, else split by rows with the header row repeated;
 * - a **list** is packed item by item;
 * - text longer than the budget is split at sentence ends, then between words; only a single word
 *   longer than the budget (a long URL, say) can make a chunk exceed it.
 *
 * Chunk ids are `<docId>#0000`, `#0001`, … in document order, so a parent always precedes its
 * children. Text is stored, never interpreted: a sentence that looks like an instruction is a
 * sentence of the document like any other.
 */
import type { ChunkLine } from './document.js';
import { chunkId } from './document.js';
import type { Block } from './import/blocks.js';
import { ceilTokens, splitWords, wordTokens } from './tokens.js';

/** Version of the chunking rules, recorded in each imported document's metadata. */
export const CHUNKER_ID = 'kb-chunker/1';
/** The token estimate, recorded with each import (see `kb/tokens`). */
export const TOKEN_ESTIMATE = 'sum over words of max(1.3, characters / 4), rounded up';

export interface ChunkOptions {
  docId: string;
  /** Token budget per chunk (see `kb/tokens` for the estimate). */
  maxTokens: number;
  /** Heading path for text before the first heading. */
  title: string;
}

type Kind = ChunkLine['kind'];
const EPS = 1e-9;

/** Float token sum of a text (ceil of it is `estimateTokens`); additive over whitespace-joined parts. */
export function tokenSum(text: string): number {
  let s = 0;
  for (const w of splitWords(text)) s += wordTokens(w);
  return s;
}

/** Section or recommendation number printed at the start of a heading or paragraph, if any. */
export function leadingNumber(text: string): string | null {
  const t = stripEmphasis(text);
  const rec = recommendationNumber(t);
  if (rec) return rec;
  const m = /^(?:(?:section|chapter|part)\s+)?(\d{1,3}(?:\.\d{1,3}){0,6})(?=[.)]?(?:\s|$))/i.exec(t);
  return m ? m[1]! : null;
}

/** "1.2.3 Offer …" (three or more levels), "Recommendation 12 …", "R12 …" → the number, else null. */
export function recommendationNumber(text: string): string | null {
  const t = stripEmphasis(text);
  let m = /^(\d{1,3}\.\d{1,3}\.\d{1,3}(?:\.\d{1,3}){0,4})\.?(?:\*\*|__)?(?=\s)/.exec(t);
  if (m) return m[1]!;
  m = /^(recommendation\s+\d{1,4}[a-z]?)(?=[\s:.)*_]|$)/i.exec(t);
  if (m) return m[1]!.replace(/\s+/g, ' ');
  m = /^(R\d{1,4}[a-z]?)(?=[\s:.)*_])/.exec(t);
  return m ? m[1]! : null;
}

function stripEmphasis(t: string): string {
  let s = t.trimStart();
  while (s.startsWith('**') || s.startsWith('__')) s = s.slice(2);
  return s;
}

interface Section {
  level: number;
  text: string;
  number: string | null;
  headId: string | null;
}

interface Pending {
  kind: Kind;
  parts: string[];
  sum: number;
  parentId: string | null;
  section: string | null;
  /** For a section head buffer: the section whose head it is. */
  head: Section | null;
}

/** Split blocks into chunks (see the module comment). Never throws. */
export function chunkBlocks(blocks: readonly Block[], opts: ChunkOptions): ChunkLine[] {
  const budget = Math.max(1, Math.floor(opts.maxTokens));
  const out: ChunkLine[] = [];
  const stack: Section[] = [];
  let buf: Pending | null = null;

  const path = (): string[] => (stack.length ? stack.map((s) => s.text) : [opts.title]);
  const sectionNumber = (): string | null => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k]!.number) return stack[k]!.number;
    return null;
  };
  const emit = (kind: Kind, text: string, parentId: string | null, section: string | null): string => {
    const id = chunkId(opts.docId, out.length);
    const line: ChunkLine = {
      id,
      headingPath: path(),
      parentId,
      kind,
      text,
      tokens: ceilTokens(tokenSum(text)),
    };
    if (section) line.section = section;
    out.push(line);
    return id;
  };
  const flush = (): void => {
    if (!buf || buf.parts.length === 0) {
      buf = null;
      return;
    }
    const id = emit(buf.kind, buf.parts.join('\n\n'), buf.parentId, buf.section);
    if (buf.head) buf.head.headId = id;
    buf = null;
  };
  /** Id to hang children on: the current section's head chunk (emitting it first if pending). */
  const headId = (): string | null => {
    const top = stack[stack.length - 1];
    if (!top) return null;
    if (top.headId === null && buf?.head === top) flush();
    return top.headId;
  };
  /** Append a piece (≤ budget unless unsplittable) to the buffer of `kind`, starting a new one when needed. */
  const append = (kind: Kind, piece: string, parentId: string | null, section: string | null): void => {
    const s = tokenSum(piece);
    if (buf && buf.kind === kind && buf.sum + s <= budget + EPS) {
      buf.parts.push(piece);
      buf.sum += s;
      return;
    }
    flush();
    buf = { kind, parts: [piece], sum: s, parentId, section, head: null };
  };

  for (const block of clean(blocks)) {
    switch (block.type) {
      case 'heading': {
        flush();
        while (stack.length && stack[stack.length - 1]!.level >= block.level) stack.pop();
        const parentId = stack.length ? stack[stack.length - 1]!.headId : null;
        const sec: Section = {
          level: block.level,
          text: block.text,
          number: leadingNumber(block.text),
          headId: null,
        };
        stack.push(sec);
        const pieces = splitText(block.text, budget);
        const section = sectionNumber();
        buf = {
          kind: 'section',
          parts: [pieces[0]!],
          sum: tokenSum(pieces[0]!),
          parentId,
          section,
          head: sec,
        };
        if (pieces.length > 1) {
          flush();
          for (const p of pieces.slice(1)) append('paragraph', p, sec.headId, section);
        }
        break;
      }
      case 'paragraph': {
        const rec = recommendationNumber(block.text);
        if (rec) {
          const parent = headId();
          flush();
          const pieces = splitText(block.text, budget);
          buf = {
            kind: 'recommendation',
            parts: [pieces[0]!],
            sum: tokenSum(pieces[0]!),
            parentId: parent,
            section: rec,
            head: null,
          };
          if (pieces.length > 1) {
            const first = flushAndId();
            for (const p of pieces.slice(1)) append('recommendation', p, first, rec);
          }
          break;
        }
        const cur = buf as Pending | null;
        // Text after a recommendation belongs to it while it fits (grades, conditions, notes).
        if (cur && cur.kind === 'recommendation' && cur.sum + tokenSum(block.text) <= budget + EPS) {
          cur.parts.push(block.text);
          cur.sum += tokenSum(block.text);
          break;
        }
        if (cur && cur.head && cur.sum + tokenSum(block.text) <= budget + EPS) {
          cur.parts.push(block.text); // intro text of the section joins its head chunk
          cur.sum += tokenSum(block.text);
          break;
        }
        const parent = headId();
        for (const p of splitText(block.text, budget)) append('paragraph', p, parent, sectionNumber());
        break;
      }
      case 'list': {
        const lines = block.items.map((it) => (block.ordered ? it : `- ${it}`));
        const whole = lines.join('\n');
        const cur = buf as Pending | null;
        if (cur && cur.kind === 'recommendation' && cur.sum + tokenSum(whole) <= budget + EPS) {
          cur.parts.push(whole);
          cur.sum += tokenSum(whole);
          break;
        }
        let parent: string | null;
        let section: string | null;
        if (cur && cur.kind === 'recommendation') {
          section = cur.section;
          parent = flushAndId();
        } else {
          parent = headId();
          section = sectionNumber();
          flush();
        }
        for (const text of packLines(lines, budget, null)) emit('list', text, parent, section);
        break;
      }
      case 'table': {
        const parent = headId();
        flush();
        const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
        const header = block.header && block.header.some((c) => c.length) ? row(block.header) : null;
        const rows = block.rows.map(row);
        if (!rows.length && header) {
          for (const p of splitText(header, budget)) emit('table', p, parent, sectionNumber());
          break;
        }
        for (const text of packLines(rows, budget, header)) emit('table', text, parent, sectionNumber());
        break;
      }
    }
  }
  flush();
  return out;

  function flushAndId(): string | null {
    const before = out.length;
    flush();
    return out.length > before ? out[out.length - 1]!.id : null;
  }
}

/** Drop empty text (readers should not produce it, but an empty chunk would fail validation). */
function clean(blocks: readonly Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    if (b.type === 'heading' || b.type === 'paragraph') {
      if (b.text.trim()) out.push({ ...b, text: b.text.trim() });
    } else if (b.type === 'list') {
      const items = b.items.map((i) => i.trim()).filter((i) => i.length > 0);
      if (items.length) out.push({ ...b, items });
    } else {
      const rows = b.rows.filter((r) => r.some((c) => c.trim().length > 0));
      const header = b.header && b.header.some((c) => c.trim().length > 0) ? b.header : null;
      if (rows.length || header) out.push({ type: 'table', header, rows });
    }
  }
  return out;
}

/**
 * Pack lines into texts of at most `budget` tokens, each starting with `header` when the header and
 * the first line fit together (the header repeats on every piece of a split table).
 */
export function packLines(lines: readonly string[], budget: number, header: string | null): string[] {
  const hs = header ? tokenSum(header) : 0;
  const out: string[] = [];
  let cur: string[] = [];
  let sum = 0;
  let headerPending = header !== null;
  const push = (): void => {
    if (cur.length) out.push(cur.join('\n'));
    cur = [];
    sum = 0;
  };
  const pieces = lines.flatMap((l) => splitText(l, budget));
  if (header && pieces.length === 0) return splitText(header, budget);
  for (const p of pieces) {
    const ps = tokenSum(p);
    if (cur.length && sum + ps > budget + EPS) push();
    if (cur.length === 0 && header && hs + ps <= budget + EPS) {
      cur.push(header);
      sum = hs;
      headerPending = false;
    } else if (cur.length === 0 && header && headerPending) {
      // The header does not fit beside this row: it goes alone (split if it must) so it is kept once.
      out.push(...splitText(header, budget));
      headerPending = false;
    }
    cur.push(p);
    sum += ps;
  }
  push();
  return out;
}

/** Split text into pieces within the budget: at sentence ends, then between words. */
export function splitText(text: string, budget: number): string[] {
  if (tokenSum(text) <= budget + EPS) return [text];
  const pieces: string[] = [];
  let cur: string[] = [];
  let sum = 0;
  const push = (): void => {
    if (cur.length) pieces.push(cur.join(' '));
    cur = [];
    sum = 0;
  };
  for (const sentence of splitSentences(text)) {
    const ss = tokenSum(sentence);
    if (ss > budget + EPS) {
      push();
      for (const w of splitWords(sentence)) {
        const ws = wordTokens(w);
        if (cur.length && sum + ws > budget + EPS) push();
        cur.push(w);
        sum += ws;
      }
      push();
      continue;
    }
    if (cur.length && sum + ss > budget + EPS) push();
    cur.push(sentence);
    sum += ss;
  }
  push();
  return pieces.length ? pieces : [text];
}

/** Sentences: split after . ! ? followed by whitespace (a linear scan, no regex backtracking). */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if ((c === '.' || c === '!' || c === '?') && /\s/.test(text[i + 1]!)) {
      const s = text.slice(start, i + 1).trim();
      if (s) out.push(s);
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) out.push(last);
  return out;
}
