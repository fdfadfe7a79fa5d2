/**
 * @module kb/import/pdf
 * PDF (text layer, via pdfjs-dist's legacy build for Node) → blocks. A PDF has no structure
 * tags to rely on, so structure is inferred from what pdfjs reports per text item — position and
 * font size:
 *
 * - items on one baseline form a line; lines repeated at the top or bottom of most pages (running
 *   heads, footers, page numbers) are dropped;
 * - the body font size is the size carrying the most characters; a short line set clearly larger
 *   (≥ 1.12 × body) is a heading, its level given by its numbering depth ("2.3 …" → 2) or else by
 *   the rank of its size;
 * - a short numbered line at body size ("3.2 Ovulation induction", no final period, ≤ 12 words)
 *   is also a heading: many guidelines set headings in bold body type, which pdfjs does not report;
 * - other lines are joined into paragraphs, broken at vertical gaps larger than the usual line
 *   pitch, at bullets (•, ▪, –, …) which start list items, and at numbered recommendations;
 *   a word hyphenated across lines is rejoined.
 *
 * Tables are not reconstructed from PDF (their cells become paragraph text in reading order).
 */
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { issue, type Issue } from '../../domain/issues.js';
import { squash, type Block, type ReadDocument } from './blocks.js';
import { recommendationNumber } from '../chunk.js';

/** Pages read at most: bounds the work on a hostile file (a long guideline has a few hundred). */
export const MAX_PDF_PAGES = 3000;

interface Item {
  str: string;
  x: number;
  y: number;
  size: number;
  width: number;
}

/** A printed line with the font size that carries most of its characters. */
export interface PdfTextLine {
  page: number;
  y: number;
  x: number;
  size: number;
  text: string;
}

type PdfJs = typeof PdfJsModule;

/** Read a PDF's text layer into blocks; an unreadable or text-less PDF is an issue, not a throw. */
export async function readPdfDocument(bytes: Uint8Array): Promise<{ doc: ReadDocument } | { issue: Issue }> {
  let pdfjs: PdfJs;
  try {
    pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  } catch (e) {
    return { issue: issue('pdf-unreadable', `the PDF library could not be loaded: ${(e as Error).message}`) };
  }
  // pdfjs detaches the buffer it is given: pass a copy so the caller's bytes stay usable.
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0, // errors only: warnings would go to console.log
  });
  let pdf: Awaited<typeof task.promise>;
  try {
    pdf = await task.promise;
  } catch (e) {
    const err = e as Error;
    await task.destroy().catch(() => undefined);
    const why = err.name === 'PasswordException' ? 'it is encrypted and needs a password' : err.message;
    return { issue: issue('pdf-unreadable', `the PDF could not be opened: ${why}`) };
  }
  try {
    const lines: PdfTextLine[] = [];
    const empty: number[] = [];
    const pages = Math.min(pdf.numPages, MAX_PDF_PAGES);
    let title: string | null = null;
    try {
      const md = await pdf.getMetadata();
      const t = (md.info as { Title?: unknown } | undefined)?.Title;
      if (typeof t === 'string' && t.trim()) title = squash(t);
    } catch {
      // Metadata is optional.
    }
    for (let p = 1; p <= pages; p++) {
      const page = await pdf.getPage(p);
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const raw of content.items) {
        if (!('str' in raw) || raw.str.trim() === '') continue;
        const t = raw.transform as number[];
        const size = Math.hypot(t[2] ?? 0, t[3] ?? 0) || raw.height || 1;
        items.push({ str: raw.str, x: t[4] ?? 0, y: t[5] ?? 0, size, width: raw.width });
      }
      const pageLines = itemsToTextLines(items, p);
      if (!pageLines.length) empty.push(p);
      lines.push(...pageLines);
      page.cleanup();
    }
    if (!lines.length) {
      return {
        issue: issue(
          'pdf-no-text-layer',
          `the PDF has ${pdf.numPages} page(s) but no extractable text; run OCR on it first`,
        ),
      };
    }
    const notes: string[] = [];
    if (empty.length) notes.push(`no text on page(s) ${compactRanges(empty)} (images or scans are not read)`);
    if (pdf.numPages > MAX_PDF_PAGES)
      notes.push(`only the first ${MAX_PDF_PAGES} of ${pdf.numPages} pages were read`);
    const doc = linesToBlocks(lines, pages);
    return { doc: { title: title ?? doc.title, blocks: doc.blocks, notes } };
  } catch (e) {
    return { issue: issue('pdf-unreadable', `the PDF text could not be extracted: ${(e as Error).message}`) };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

/** Group one page's items into lines, top to bottom. */
export function itemsToTextLines(items: readonly Item[], page: number): PdfTextLine[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: Item[][] = [];
  for (const it of sorted) {
    const row = rows[rows.length - 1];
    const ref = row?.[0];
    if (row && ref && Math.abs(ref.y - it.y) <= 0.4 * Math.max(it.size, ref.size)) row.push(it);
    else rows.push([it]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.x - b.x);
    let text = '';
    let prevEnd: number | null = null;
    const chars = new Map<number, number>();
    for (const it of row) {
      if (
        prevEnd !== null &&
        it.x - prevEnd > 0.15 * it.size &&
        !text.endsWith(' ') &&
        !it.str.startsWith(' ')
      )
        text += ' ';
      text += it.str;
      prevEnd = it.x + it.width;
      const key = Math.round(it.size * 2) / 2;
      chars.set(key, (chars.get(key) ?? 0) + it.str.length);
    }
    const size = [...chars].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
    return { page, y: row[0]!.y, x: row[0]!.x, size, text: squash(text) };
  });
}

const BULLET = /^[•▪◦●○■□‣⁃∙·*–-]\s+/;
const NUMBERED_HEADING = /^(\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+(\S.*)$/;

/** Structure inferred from lines of a whole document (see the module comment). */
export function linesToBlocks(
  all: readonly PdfTextLine[],
  pageCount: number,
): { title: string | null; blocks: Block[] } {
  const lines = dropRunningLines(all, pageCount);
  if (!lines.length) return { title: null, blocks: [] };
  const charsBySize = new Map<number, number>();
  for (const l of lines) charsBySize.set(l.size, (charsBySize.get(l.size) ?? 0) + l.text.length);
  const body = [...charsBySize].sort((a, b) => b[1] - a[1])[0]![0];
  const isBig = (l: PdfTextLine) => l.size >= body * 1.12 && l.text.length <= 150;
  const bigSizes = [...new Set(lines.filter(isBig).map((l) => l.size))].sort((a, b) => b - a);

  // Usual distance between consecutive body lines on a page: the paragraph-break yardstick.
  const pitches: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1]!;
    const b = lines[i]!;
    if (a.page === b.page && a.size === body && b.size === body && a.y > b.y) pitches.push(a.y - b.y);
  }
  pitches.sort((a, b) => a - b);
  const pitch = pitches.length ? pitches[Math.floor(pitches.length / 2)]! : body * 1.2;

  const sizeLevel = (size: number) => Math.min(6, bigSizes.indexOf(size) + 1 || 1);
  const bodyHeadingMatch = (l: PdfTextLine): RegExpExecArray | null => {
    const m = NUMBERED_HEADING.exec(l.text);
    const ok =
      m !== null &&
      l.text.length <= 80 &&
      !/[.,;:]$/.test(l.text) &&
      l.text.split(' ').length <= 12 &&
      /^[A-Z]/.test(m[2]!) &&
      recommendationNumber(l.text) === null;
    return ok ? m : null;
  };
  // Numbered headings nest by their numbering; the level of a top-level number ("1 …") is the
  // size level of the largest top-level numbered heading, or sits below every unnumbered size.
  const topNumbered = lines.filter(
    (l) => isBig(l) && NUMBERED_HEADING.exec(l.text)?.[1]?.split('.').length === 1,
  );
  const unnumberedBig = lines.filter((l) => isBig(l) && !NUMBERED_HEADING.test(l.text));
  const numberBase = topNumbered.length
    ? Math.min(...topNumbered.map((l) => sizeLevel(l.size)))
    : unnumberedBig.length
      ? Math.max(...unnumberedBig.map((l) => sizeLevel(l.size))) + 1
      : 1;

  const blocks: Block[] = [];
  let para: string[] = [];
  let list: string[] | null = null;
  let title: string | null = null;
  const flush = (): void => {
    if (para.length) blocks.push({ type: 'paragraph', text: joinLines(para) });
    para = [];
    if (list && list.length) blocks.push({ type: 'list', ordered: false, items: list });
    list = null;
  };
  let prev: PdfTextLine | null = null;
  let prevHeading: { line: PdfTextLine; index: number } | null = null;
  for (const l of lines) {
    const numbered = isBig(l) ? NUMBERED_HEADING.exec(l.text) : bodyHeadingMatch(l);
    if (isBig(l) || numbered) {
      const level = numbered
        ? Math.min(6, numberBase + numbered[1]!.split('.').length - 1)
        : sizeLevel(l.size);
      // A heading wrapped over two lines: same size, right below, no number on the second line.
      if (
        prevHeading &&
        prev === prevHeading.line &&
        !numbered &&
        l.size === prev.size &&
        l.page === prev.page &&
        prev.y - l.y <= l.size * 1.6
      ) {
        const h = blocks[prevHeading.index] as { type: 'heading'; level: number; text: string };
        h.text = squash(`${h.text} ${l.text}`);
        prevHeading = { line: l, index: prevHeading.index };
        prev = l;
        continue;
      }
      flush();
      blocks.push({ type: 'heading', level, text: l.text });
      if (title === null && isBig(l)) title = l.text;
      prevHeading = { line: l, index: blocks.length - 1 };
      prev = l;
      continue;
    }
    prevHeading = null;
    const bullet = BULLET.exec(l.text);
    const gapBreak =
      prev !== null &&
      (prev.page === l.page ? prev.y - l.y > pitch * 1.45 : /[.!?:]$/.test(prev.text) || isBig(prev));
    if (bullet) {
      if (para.length) {
        blocks.push({ type: 'paragraph', text: joinLines(para) });
        para = [];
      }
      list ??= [];
      list.push(l.text.slice(bullet[0].length));
    } else if (list && !gapBreak && prev && l.x > prev.x - 1 && !recommendationNumber(l.text)) {
      // A wrapped list item continues the last item.
      list[list.length - 1] = joinLines([list[list.length - 1]!, l.text]);
    } else {
      if (gapBreak || recommendationNumber(l.text) || list) flush();
      para.push(l.text);
    }
    prev = l;
  }
  flush();
  return { title, blocks };
}

/** Join printed lines, rejoining a word hyphenated at a line end ("ovula-" + "tion"). */
function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const l of lines) {
    if (out.endsWith('-') && /^[a-z]/.test(l) && /[a-z]-$/.test(out)) out = out.slice(0, -1) + l;
    else out = out ? `${out} ${l}` : l;
  }
  return squash(out);
}

/** Drop running heads/footers: the same text (digits ignored) among the first or last two lines of most pages. */
function dropRunningLines(lines: readonly PdfTextLine[], pageCount: number): PdfTextLine[] {
  const byPage = new Map<number, PdfTextLine[]>();
  for (const l of lines) byPage.set(l.page, [...(byPage.get(l.page) ?? []), l]);
  const edge = new Set<PdfTextLine>();
  for (const ls of byPage.values()) for (const l of [...ls.slice(0, 2), ...ls.slice(-2)]) edge.add(l);
  // Same text (page numbers aside) at about the same height: a body line is unlikely to repeat both.
  const key = (l: PdfTextLine) => `${l.text.replace(/\d+/g, '#').toLowerCase()}@${Math.round(l.y / 4)}`;
  const pagesWith = new Map<string, Set<number>>();
  for (const l of edge) {
    const k = key(l);
    pagesWith.set(k, (pagesWith.get(k) ?? new Set()).add(l.page));
  }
  const threshold = Math.max(3, Math.ceil(pageCount * 0.5));
  return lines.filter((l) => {
    if (!edge.has(l)) return true;
    if (/^(page\s*)?\d{1,4}(\s*(of|\/)\s*\d{1,4})?$/i.test(l.text)) return false; // a page number
    return pageCount < 3 || (pagesWith.get(key(l))?.size ?? 0) < threshold;
  });
}

function compactRanges(ns: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ns.length; i++) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    out.push(i === j ? String(ns[i]) : `${ns[i]}–${ns[j]}`);
    i = j;
  }
  return out.join(', ');
}
