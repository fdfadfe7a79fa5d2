/**
 * @module pipeline/ingest/csv
 * Delimited files (CSV, TSV, ';' and '|' exports): the delimiter is sniffed, quoted fields follow
 * RFC 4180 (doubled quotes, delimiters and line breaks inside quotes), and the header row is
 * found by its column names in six languages. Columns that hold identifiers (patient name,
 * date of birth, ids, addresses) are dropped whole. A row whose number of fields differs from
 * the header is reported, never realigned by guessing (an unquoted decimal comma in a
 * comma-separated file would otherwise shift every column).
 *
 * Written by hand rather than with a CSV library: the parser is small, and the parts that
 * matter here — sniffing among four delimiters, multilingual header roles, identifier columns —
 * are ours in any case.
 */
import { issue, type Issue } from '../../domain/issues.js';
import { countInto, type DeidCounts } from '../normalize/deidentify.js';
import {
  CSV_HEADER_ROLES,
  CSV_IDENTIFIER_HEADER,
  SURROUNDING_QUOTES,
  WHITESPACE_RUN,
} from '../normalize/patterns.js';
import { failedRead, type FieldsCandidate, type ReadResult } from './types.js';

export const DELIMITERS = [';', '\t', '|', ','] as const;
export type Delimiter = (typeof DELIMITERS)[number];

type Role = 'name' | 'value' | 'unit' | 'range' | 'lowerLimit' | 'flag' | 'method' | 'loinc';

interface Row {
  /** 1-based line where the row starts. */
  line: number;
  cells: string[];
}

/** How many rows are examined to find the header. */
const HEADER_SEARCH_ROWS = 25;

/**
 * Parse delimited text into rows (RFC 4180 quoting). Linear in the input; an unterminated quote
 * runs to the end of the input and is reported by the caller as a row with the wrong width.
 */
export function parseDelimited(text: string, delimiter: Delimiter, maxRows = Infinity): Row[] {
  const rows: Row[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let atCellStart = true;
  let line = 1;
  let rowLine = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      atCellStart = true;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      if (rows.length >= maxRows) return rows;
      cells = [];
      cell = '';
      atCellStart = true;
      line++;
      rowLine = line;
      continue;
    }
    if (atCellStart && (ch === ' ' || ch === '\t')) {
      // Blanks before an opening quote (`; "a"`): the quote still opens a quoted field; the
      // blanks are trimmed with the cell.
      cell += ch;
      continue;
    }
    atCellStart = false;
    cell += ch;
  }
  if (cell.length > 0 || cells.length > 0) {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
  }
  return rows;
}

function foldHeader(cell: string): string {
  return cell.trim().replace(WHITESPACE_RUN, ' ').replace(SURROUNDING_QUOTES, '').toLowerCase();
}

interface Header {
  index: number;
  roles: Map<number, Role>;
  identifierColumns: number[];
  width: number;
}

/** Find the header row: the first row naming at least a name column and a value column. */
function findHeader(rows: readonly Row[]): Header | null {
  for (let r = 0; r < Math.min(rows.length, HEADER_SEARCH_ROWS); r++) {
    const cells = rows[r]!.cells;
    if (cells.length < 2) continue;
    const roles = new Map<number, Role>();
    const identifierColumns: number[] = [];
    const seen = new Set<Role>();
    cells.forEach((raw, i) => {
      const c = foldHeader(raw);
      if (c.length === 0) return;
      for (const [role, re] of CSV_HEADER_ROLES) {
        if (!seen.has(role as Role) && re.test(c)) {
          roles.set(i, role as Role);
          seen.add(role as Role);
          return;
        }
      }
      if (CSV_IDENTIFIER_HEADER.test(c)) identifierColumns.push(i);
    });
    if (seen.has('name') && seen.has('value'))
      return { index: r, roles, identifierColumns, width: cells.length };
  }
  return null;
}

/** Sniff the delimiter: the one whose header is found and whose rows agree with its width. */
export function sniffDelimited(text: string): { delimiter: Delimiter; header: Header; rows: Row[] } | null {
  let best: { delimiter: Delimiter; header: Header; rows: Row[]; score: number } | null = null;
  for (const d of DELIMITERS) {
    if (!text.includes(d)) continue;
    const sample = parseDelimited(text, d, 60);
    const header = findHeader(sample);
    if (!header) continue;
    let score = 0;
    for (let r = header.index + 1; r < sample.length; r++) {
      const cells = sample[r]!.cells;
      if (cells.length === 1 && cells[0]!.trim() === '') continue;
      if (cells.length === header.width) score++;
      else score -= 0.5;
    }
    if (best === null || score > best.score) best = { delimiter: d, header, rows: sample, score };
  }
  return best && best.score > 0 ? { delimiter: best.delimiter, header: best.header, rows: best.rows } : null;
}

/** Read a delimited report. `strict` (the file name says .csv/.tsv): no header is an error. */
export function readCsv(text: string): ReadResult {
  const sniffed = sniffDelimited(text);
  if (!sniffed) {
    return failedRead(
      'csv',
      issue(
        'csv-invalid',
        'no header row naming a test column and a result column (e.g. "Test;Result;Unit;Reference range") in the first rows',
      ),
    );
  }
  const { delimiter, header } = sniffed;
  const rows = parseDelimited(text, delimiter);
  const issues: Issue[] = [];
  const deid: DeidCounts = {};
  countInto(deid, 'column', header.identifierColumns.length);
  const col = (role: Role): number | undefined => {
    for (const [i, r] of header.roles) if (r === role) return i;
    return undefined;
  };
  const idx = {
    name: col('name')!,
    value: col('value')!,
    unit: col('unit'),
    range: col('range'),
    lowerLimit: col('lowerLimit'),
    flag: col('flag'),
    method: col('method'),
    loinc: col('loinc'),
  };
  const candidates: FieldsCandidate[] = [];
  let lastLine = 0;
  for (let r = header.index + 1; r < rows.length; r++) {
    const row = rows[r]!;
    lastLine = row.line;
    const cells = row.cells;
    if (cells.every((c) => c.trim() === '')) continue;
    if (cells.length !== header.width) {
      issues.push(
        issue(
          'csv-invalid',
          `row at line ${row.line} has ${cells.length} fields, the header has ${header.width}; the row was skipped (quote values that contain "${delimiter === '\t' ? '\\t' : delimiter}")`,
          { severity: 'warning', path: `lines[${row.line}]` },
        ),
      );
      continue;
    }
    // A repeated header (files concatenated from several panels) is not a result.
    if (findHeader([row])?.index === 0) continue;
    const get = (i: number | undefined): string => (i === undefined ? '' : (cells[i] ?? '').trim());
    const name = get(idx.name);
    const value = get(idx.value);
    if (name === '' && value === '') continue;
    const c: FieldsCandidate = {
      kind: 'fields',
      line: row.line,
      name,
      value,
      unit: get(idx.unit),
      text: [name, value, get(idx.unit), get(idx.range) || get(idx.lowerLimit)]
        .filter((s) => s !== '')
        .join(' '),
    };
    const range = get(idx.range);
    const lower = get(idx.lowerLimit);
    if (range !== '') c.range = range;
    else if (lower !== '') {
      c.range = lower;
      c.rangeIsLowerLimit = true;
    }
    const flag = get(idx.flag);
    if (flag !== '') c.flag = flag;
    const method = get(idx.method);
    if (method !== '') c.method = method;
    const loinc = get(idx.loinc);
    if (loinc !== '') c.loinc = loinc;
    candidates.push(c);
  }
  return { format: 'csv', candidates, issues, deid, lines: Math.max(lastLine, rows.length) };
}
