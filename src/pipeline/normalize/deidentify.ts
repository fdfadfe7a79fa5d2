/**
 * @module pipeline/normalize/deidentify
 * Removes personal identifiers from report text before anything is parsed, stored, logged or
 * printed: names after labels or titles, patient/lab/sample ids, dates of birth, phone numbers,
 * e-mail addresses and postal addresses, in English, French, Spanish, German, Portuguese and
 * Arabic header formats. Age and sex are kept; a date of birth is removed and never turned into
 * an age.
 *
 * Result lines are never changed: a line that reads as a result (a value with a unit or a
 * reference range, and no identifier label) is left exactly as it is, and the numeric patterns
 * (phones, postcodes, long digit runs) only run on the other lines, so that "FSH 6.5 IU/L" cannot
 * be mistaken for a phone number.
 *
 * What this does not catch (docs/lab-normalization.md): names with no label and no title, a
 * label and its value on different lines, identifiers inside free-text comments on result lines.
 */
import { issue, type Issue } from '../../domain/issues.js';
import {
  ALNUM_CODE,
  ARABIC_TITLE_NAME,
  DATE,
  DEID_LABEL,
  DEID_NEXT_LABEL,
  DIGIT,
  EMAIL,
  HAS_ARABIC,
  HAS_DIGIT,
  HEADER_GAP,
  LONG_DIGITS,
  PHONE_INDIA,
  PHONE_INTL,
  PHONE_NATIONAL,
  PO_BOX,
  POSTCODE_CITY,
  RELATION_NAME,
  STREET,
  TITLE_NAME,
  type DeidLabelKind,
} from './patterns.js';

/** Kinds of identifiers counted in the `deidentified` issue. */
export type DeidKind =
  | DeidLabelKind
  /** FHIR resources about people (Patient, RelatedPerson, Practitioner…) dropped whole. */
  | 'resource'
  /** HL7 v2 segments about people (PID, NK1, PV1…) dropped whole. */
  | 'segment'
  /** Delimited-file columns holding identifiers, dropped whole. */
  | 'column';

export type DeidCounts = Partial<Record<DeidKind, number>>;

/** Fewest digits a value after a phone label must have to be taken for a phone number. */
const MIN_PHONE_DIGITS = 6;

/** The placeholder left where an identifier was: the same for every kind, so nothing leaks. */
export const REDACTED = '[redacted]';

export interface DeidOptions {
  /**
   * Does this line read as a lab result? Such lines are left untouched. The pipeline passes a
   * check backed by the line parser and the unit parser.
   */
  isResultLine?: (line: string) => boolean;
}

/** Add `n` to a kind's count. */
export function countInto(counts: DeidCounts, kind: DeidKind, n = 1): void {
  if (n > 0) counts[kind] = (counts[kind] ?? 0) + n;
}

/** Sum several count records. */
export function mergeCounts(...all: DeidCounts[]): DeidCounts {
  const out: DeidCounts = {};
  for (const c of all) for (const [k, v] of Object.entries(c)) countInto(out, k as DeidKind, v);
  return out;
}

/** One `deidentified` info issue with counts by kind (never the removed text), or null if none. */
export function deidentifiedIssue(counts: DeidCounts): Issue | null {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const parts = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${v} ${k}`);
  return issue('deidentified', `removed personal identifiers before processing: ${parts.join(', ')}`, {
    details: { counts: { ...counts } },
  });
}

function isBlank(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c === 32 || c === 9;
}

interface Span {
  start: number;
  end: number;
  kind: DeidKind;
}

interface LabelHit {
  start: number;
  end: number;
  kind: DeidLabelKind | 'kept';
}

/** Every label of a line (identifier or kept), found in one pass. */
function labelsOf(line: string): LabelHit[] {
  const labels: LabelHit[] = [];
  DEID_LABEL.lastIndex = 0;
  for (let m = DEID_LABEL.exec(line); m !== null; m = DEID_LABEL.exec(line)) {
    const g = m.groups ?? {};
    const kind = (Object.keys(g).find((k) => g[k] !== undefined) ?? 'kept') as DeidLabelKind | 'kept';
    labels.push({ start: m.index, end: m.index + m[0].length, kind });
    if (m[0].length === 0) DEID_LABEL.lastIndex++;
  }
  return labels;
}

/** Spans of values after identifier labels. */
function labelSpans(line: string, labels: readonly LabelHit[]): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l.kind === 'kept') continue;
    // The value runs to the next column gap, the next label, or the end of the line.
    let end = labels[i + 1]?.start ?? line.length;
    const rest = line.slice(l.end, end);
    const lead = rest.length - rest.trimStart().length;
    const gap = HEADER_GAP.exec(rest.slice(lead));
    if (gap) end = Math.min(end, l.end + lead + gap.index);
    DEID_NEXT_LABEL.lastIndex = l.end;
    const next = DEID_NEXT_LABEL.exec(line);
    if (next && next.index < end) end = next.index;
    const start = l.end + lead;
    while (end > start && isBlank(line, end - 1)) end--;
    if (end <= start) continue;
    if (l.kind === 'dob') {
      // Remove the date only: "DOB/Age: 12/03/1990 / 34 Y" keeps the stated age.
      const value = line.slice(start, end);
      DATE.lastIndex = 0;
      let found = false;
      for (let d = DATE.exec(value); d !== null; d = DATE.exec(value)) {
        spans.push({ start: start + d.index, end: start + d.index + d[0].length, kind: 'dob' });
        found = true;
      }
      if (!found) spans.push({ start, end, kind: 'dob' });
      continue;
    }
    // "pH   7.8" is not a phone label: a phone value has at least six digits.
    if (l.kind === 'phone' && (line.slice(start, end).match(DIGIT)?.length ?? 0) < MIN_PHONE_DIGITS) continue;
    spans.push({ start, end, kind: l.kind });
  }
  return spans;
}

function patternSpans(line: string, re: RegExp, kind: DeidKind, spans: Span[], toCellEnd = false): void {
  re.lastIndex = 0;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    let end = m.index + m[0].length;
    if (toCellEnd) {
      // A street line continues to the end of its cell ("12 rue des Lilas, Bât. B").
      const gap = HEADER_GAP.exec(line.slice(end));
      end = gap ? end + gap.index : line.length;
      while (end > m.index && isBlank(line, end - 1)) end--;
    }
    if (kind === 'phone' && re === PHONE_INTL && (m[0].match(DIGIT)?.length ?? 0) < 8) continue;
    spans.push({ start: m.index, end, kind });
  }
}

/** Merge overlapping spans (the first kind found wins), sorted by start. */
function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      continue;
    }
    out.push({ ...s });
  }
  return out;
}

/**
 * De-identify one line. Counts removed identifiers into `counts`. A result line (per
 * `opts.isResultLine`) without an identifier label comes back unchanged.
 */
export function deidentifyLine(line: string, counts: DeidCounts, opts: DeidOptions = {}): string {
  if (line.length === 0) return line;
  const labels = labelsOf(line);
  const labelled = labels.some((l) => l.kind !== 'kept');
  if (!labelled && opts.isResultLine?.(line)) return line;
  const spans: Span[] = labelled ? labelSpans(line, labels) : [];
  // Each pattern runs only when the character it needs is present (the hot path of a report is
  // dozens of lines; most have no '@', no '+', or no digit at all).
  const digits = HAS_DIGIT.test(line);
  if (line.includes('@')) patternSpans(line, EMAIL, 'email', spans);
  patternSpans(line, TITLE_NAME, 'name', spans);
  if (HAS_ARABIC.test(line)) patternSpans(line, ARABIC_TITLE_NAME, 'name', spans);
  if (line.includes('/')) patternSpans(line, RELATION_NAME, 'name', spans);
  patternSpans(line, STREET, 'address', spans, true);
  if (digits) {
    if (line.includes('+')) patternSpans(line, PHONE_INTL, 'phone', spans);
    patternSpans(line, PHONE_NATIONAL, 'phone', spans);
    patternSpans(line, PHONE_INDIA, 'phone', spans);
    patternSpans(line, PO_BOX, 'address', spans);
    patternSpans(line, POSTCODE_CITY, 'address', spans);
    patternSpans(line, LONG_DIGITS, 'id', spans);
    patternSpans(line, ALNUM_CODE, 'id', spans);
  }
  if (spans.length === 0) return line;
  const merged = merge(spans);
  let out = '';
  let pos = 0;
  for (const s of merged) {
    out += line.slice(pos, s.start) + REDACTED;
    pos = s.end;
    countInto(counts, s.kind);
  }
  return out + line.slice(pos);
}

/** De-identify every line; line numbers are preserved (a line is never removed or split). */
export function deidentifyLines(
  lines: readonly string[],
  opts: DeidOptions = {},
): { lines: string[]; counts: DeidCounts } {
  const counts: DeidCounts = {};
  return { lines: lines.map((l) => deidentifyLine(l, counts, opts)), counts };
}
