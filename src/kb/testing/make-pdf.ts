/**
 * @module kb/testing/make-pdf
 * A minimal PDF writer for tests: pages of text lines in Helvetica at given sizes and positions,
 * with a correct cross-reference table, so the PDF reader is tested on real PDF bytes parsed by
 * pdfjs rather than on hand-made text items. ASCII text plus • – — (WinAnsi, no font program).
 */

export interface PdfLine {
  text: string;
  /** Font size in points. */
  size: number;
  /** Left edge in points (default 72). */
  x?: number;
  /** Baseline from the bottom of the page in points. */
  y: number;
}

/** Write a PDF whose pages hold the given lines. */
export function makePdf(pages: readonly (readonly PdfLine[])[]): Uint8Array {
  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add(''); // filled below, once the pages object number is known
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const lines of pages) {
    const content = lines
      .map((l) => `BT /F1 ${l.size} Tf ${l.x ?? 72} ${l.y} Td (${escape(l.text)}) Tj ET`)
      .join('\n');
    const stream = add(
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    );
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] =
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

// WinAnsi codes for the few non-ASCII characters tests need (bullets and dashes).
const WIN_ANSI: Record<string, string> = { '•': '\\225', '–': '\\226', '—': '\\227' };

function escape(s: string): string {
  return s.replace(/[\\()•–—]/g, (c) => WIN_ANSI[c] ?? `\\${c}`);
}

/**
 * Flow lines onto Letter pages top to bottom (line height 1.35 × size, `gap` extra points before a
 * line), starting a new page when the bottom margin is reached.
 */
export function flowPdf(lines: ReadonlyArray<{ text: string; size: number; gap?: number }>): Uint8Array {
  const pages: PdfLine[][] = [[]];
  let y = 720;
  for (const l of lines) {
    y -= (l.gap ?? 0) + l.size * 1.35;
    if (y < 72) {
      pages.push([]);
      y = 720 - l.size * 1.35;
    }
    pages[pages.length - 1]!.push({ text: l.text, size: l.size, y: Math.round(y * 100) / 100 });
  }
  return makePdf(pages);
}
