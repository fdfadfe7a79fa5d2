/**
 * Writes the two PDF fixtures of fixtures/lab-reports/ without any PDF library:
 * - `pdf-text-layer.pdf`: a two-page invented lab report whose cells are separate text objects
 *   placed at column positions (as report generators do), so the reader has to rebuild lines
 *   from positions;
 * - `pdf-no-text-layer.pdf`: a page with an image and a drawn frame but no text (a "scan").
 *
 * Run: `npm run build && node dist/scripts/make-fixture-pdf.js` (writes into fixtures/lab-reports/).
 * The output is committed; the golden tests read it. The PDF syntax used is the minimal subset
 * of ISO 32000-1: a catalog, a page tree, pages with content streams, a standard Type1 font
 * (Helvetica, WinAnsiEncoding: no font file needed) and a cross-reference table.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';

const OUT_DIR = join(PROJECT_ROOT, 'fixtures', 'lab-reports');

/** A text cell: x, y in points from the bottom-left corner, font size, text. */
type Cell = [x: number, y: number, size: number, text: string];

/** Encode a string as a PDF literal string in WinAnsiEncoding (Latin-1 for the characters used). */
function pdfString(s: string): string {
  let out = '(';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '(' || ch === ')' || ch === '\\') out += '\\' + ch;
    else if (code >= 32 && code < 127) out += ch;
    else if (code >= 160 && code <= 255) out += '\\' + code.toString(8).padStart(3, '0');
    else throw new Error(`character ${JSON.stringify(ch)} is not in the WinAnsi subset this script writes`);
  }
  return out + ')';
}

function textContent(cells: readonly Cell[]): string {
  const ops = cells.map(
    ([x, y, size, text]) => `BT /F1 ${size} Tf 1 0 0 1 ${x} ${y} Tm ${pdfString(text)} Tj ET`,
  );
  return ops.join('\n') + '\n';
}

/** Assemble objects into a PDF file with a correct cross-reference table. */
function buildPdf(objects: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

function stream(content: string | Buffer, dict = ''): Buffer {
  const data = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
  return Buffer.concat([
    Buffer.from(`<< /Length ${data.length}${dict ? ' ' + dict : ''} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/** Pages of text cells → a PDF (objects: 1 catalog, 2 pages, 3 font, then page + content pairs). */
function textPdf(pages: readonly (readonly Cell[])[]): Buffer {
  const objects: (string | Buffer)[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  const kids: string[] = [];
  for (const cells of pages) {
    const pageNo = objects.length + 1;
    kids.push(`${pageNo} 0 R`);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageNo + 1} 0 R >>`,
    );
    objects.push(stream(textContent(cells)));
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages.length} >>`;
  return buildPdf(objects);
}

/** Columns of the results table (points from the left edge). */
const COL = { test: 50, result: 250, flag: 310, unit: 340, range: 420 };

function row(y: number, test: string, result: string, flag: string, unit: string, range: string): Cell[] {
  const cells: Cell[] = [
    [COL.test, y, 10, test],
    [COL.result, y, 10, result],
  ];
  if (flag) cells.push([COL.flag, y, 10, flag]);
  if (unit) cells.push([COL.unit, y, 10, unit]);
  if (range) cells.push([COL.range, y, 10, range]);
  return cells;
}

function header(y: number): Cell[] {
  return [
    [COL.test, y, 10, 'Test'],
    [COL.result, y, 10, 'Result'],
    [COL.flag, y, 10, 'Flag'],
    [COL.unit, y, 10, 'Units'],
    [COL.range, y, 10, 'Reference Range'],
  ];
}

// Every name, number and address below is invented.
const page1: Cell[] = [
  [50, 750, 14, 'Harbor Reproductive Laboratory'],
  [50, 734, 9, '75 Francis Street, Boston, MA 02115 - Phone: (617) 555-0100'],
  [50, 710, 10, 'Patient: Olivia R. Bennett'],
  [330, 710, 10, 'DOB: 04/17/1988'],
  [470, 710, 10, 'Sex: F'],
  [50, 696, 10, 'MRN: 55219034'],
  [330, 696, 10, 'Accession: HRL-24-0098812'],
  [50, 682, 10, 'Ordering physician: Dr. Mark Ellison'],
  [330, 682, 10, 'Collected: 03/04/2024 07:55'],
  [50, 650, 12, 'Reproductive Endocrinology Panel'],
  ...header(630),
  ...row(612, 'Anti-Mullerian Hormone', '0.92', 'L', 'ng/mL', '1.00 - 4.00'),
  ...row(596, 'FSH', '9.8', '', 'mIU/mL', '3.5 - 12.5'),
  ...row(580, 'LH', '5.2', '', 'mIU/mL', '2.4 - 12.6'),
  ...row(564, 'Estradiol', '41', '', 'pg/mL', '12.5 - 166'),
  ...row(548, 'Progesterone', '0.6', '', 'ng/mL', '< 1.0'),
  ...row(532, 'Prolactin', '17.9', '', 'ng/mL', '4.8 - 23.3'),
  ...row(516, 'TSH', '2.85', '', 'uIU/mL', '0.45 - 4.50'),
  ...row(500, 'Testosterone, Total', '38', '', 'ng/dL', '8 - 48'),
  ...row(484, 'DHEA-S', '210', '', 'ug/dL', '35 - 430'),
  [50, 440, 8, 'Page 1 of 2'],
];
const page2: Cell[] = [
  [50, 750, 12, 'Metabolic'],
  ...header(730),
  ...row(712, 'Glucose, Fasting', '104', 'H', 'mg/dL', '70 - 99'),
  ...row(696, 'Insulin, Fasting', '14.1', '', 'uIU/mL', '2.6 - 24.9'),
  ...row(680, 'Hemoglobin A1c', '5.6', '', '%', '< 5.7'),
  ...row(664, 'Vitamin D, 25-Hydroxy', '27', 'L', 'ng/mL', '30 - 100'),
  ...row(648, 'Ferritin', '35', '', 'ng/mL', '15 - 150'),
  [50, 610, 9, 'Electronically signed by Dr. Mark Ellison'],
  [50, 590, 8, 'Page 2 of 2'],
];

/** A page with only an image and a frame: what a scanned report looks like to a text extractor. */
function scanPdf(): Buffer {
  // An 8×8 grey gradient image (DeviceGray, 8 bits per component), drawn at 400×400 points.
  const pixels = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) pixels[i] = (i * 4) & 0xff;
  const content = 'q 400 0 0 400 100 300 cm /Im1 Do Q\n0.5 w 90 290 420 420 re S\n';
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
    stream(content),
    stream(
      pixels,
      '/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8',
    ),
  ]);
}

writeFileSync(join(OUT_DIR, 'pdf-text-layer.pdf'), textPdf([page1, page2]));
writeFileSync(join(OUT_DIR, 'pdf-no-text-layer.pdf'), scanPdf());
process.stdout.write(`wrote ${join(OUT_DIR, 'pdf-text-layer.pdf')} and pdf-no-text-layer.pdf\n`);
