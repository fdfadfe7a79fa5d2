/**
 * @module pipeline/ingest/pdf
 * PDF text layer → printed lines. pdfjs-dist (legacy build, the one meant for Node) returns text
 * items with their positions; items are grouped into lines by baseline (y), ordered by x, and
 * joined with one space for a word gap or a tab for a column gap, so that the line parser sees
 * the same column structure as in a text report. A PDF with no text at all (a scan) is a
 * `pdf-no-text-layer` error; one pdfjs cannot open is `pdf-unreadable`.
 */
import type * as PdfJs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { issue } from '../../domain/issues.js';
import { failedRead, type LineCandidate, type ReadResult } from './types.js';

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pages read at most (a lab report is a few pages; this bounds work on hostile files). */
const MAX_PAGES = 200;

/** Group positioned text items into printed lines (top to bottom, left to right). */
export function itemsToLines(items: readonly Item[]): string[] {
  const visible = items.filter((i) => i.str.trim().length > 0);
  // Top of the page first: PDF y grows upwards.
  const sorted = [...visible].sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: Item[][] = [];
  for (const it of sorted) {
    const row = rows[rows.length - 1];
    const ref = row?.[0];
    // Same baseline within 40% of the font height (sub/superscripts and rounding stay on the line).
    const tol = Math.max(1, 0.4 * Math.max(it.height, ref?.height ?? 0));
    if (row && ref && Math.abs(ref.y - it.y) <= tol) row.push(it);
    else rows.push([it]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.x - b.x);
    let out = '';
    let prev: Item | undefined;
    for (const it of row) {
      if (prev) {
        const charWidth =
          prev.str.length > 0 && prev.width > 0 ? prev.width / prev.str.length : prev.height * 0.5;
        const gap = it.x - (prev.x + prev.width);
        // More than ~1.5 character widths is a column gap; a small gap is a word space.
        if (gap > 1.5 * charWidth) out += '\t';
        else if (gap > 0.15 * charWidth && !out.endsWith(' ') && !it.str.startsWith(' ')) out += ' ';
      }
      out += it.str;
      prev = it;
    }
    return out.trimEnd();
  });
}

/** Read the text layer of a PDF. */
export async function readPdf(bytes: Uint8Array): Promise<ReadResult> {
  // Loaded on first use only (the type import above is erased): most reports are not PDFs.
  let pdfjs: typeof PdfJs;
  try {
    pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  } catch (e) {
    return failedRead(
      'pdf',
      issue('pdf-unreadable', `the PDF library could not be loaded: ${(e as Error).message}`),
    );
  }
  // pdfjs takes ownership of (detaches) the buffer it is given: pass a copy.
  const data = new Uint8Array(bytes);
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    // 0 = errors only: pdfjs would otherwise print font warnings through console.log.
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (e) {
    const err = e as Error & { name?: string };
    const why = err.name === 'PasswordException' ? 'it is encrypted and needs a password' : err.message;
    await task.destroy().catch(() => undefined);
    return failedRead('pdf', issue('pdf-unreadable', `the PDF could not be opened: ${why}`));
  }
  try {
    const candidates: LineCandidate[] = [];
    let lineNo = 0;
    const pages = Math.min(doc.numPages, MAX_PAGES);
    for (let p = 1; p <= pages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const raw of content.items) {
        if (!('str' in raw)) continue;
        const t = raw.transform as number[];
        items.push({
          str: raw.str,
          x: t[4] ?? 0,
          y: t[5] ?? 0,
          width: raw.width,
          height: raw.height || Math.abs(t[3] ?? 0),
        });
      }
      for (const text of itemsToLines(items)) {
        lineNo++;
        if (text.trim() !== '') candidates.push({ kind: 'line', line: lineNo, text });
      }
      page.cleanup();
    }
    if (candidates.length === 0) {
      return failedRead(
        'pdf',
        issue(
          'pdf-no-text-layer',
          `the PDF has ${doc.numPages} page(s) but no extractable text (a scanned image?); run OCR on it first`,
        ),
      );
    }
    const issues =
      doc.numPages > MAX_PAGES
        ? [
            issue('input-too-large', `only the first ${MAX_PAGES} of ${doc.numPages} pages were read`, {
              severity: 'warning',
            }),
          ]
        : [];
    return { format: 'pdf', candidates, issues, deid: {}, lines: lineNo };
  } catch (e) {
    return failedRead(
      'pdf',
      issue('pdf-unreadable', `the PDF text could not be extracted: ${(e as Error).message}`),
    );
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
