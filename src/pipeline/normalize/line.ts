/**
 * @module pipeline/normalize/line
 * One printed lab line → its parts: name, value (with comparator), unit text, reference range,
 * the lab's own flag, a method named outside the name, and issues when the line cannot be read
 * safely (two candidate values, a number that could be 1.234 or 1234, an unreadable range).
 *
 * The parser works on whitespace-separated chunks and knows which chunks start a new column
 * (a tab, two or more spaces, a dot leader, a pipe, a colon after the name). It never decides
 * what the unit or the analyte is: unit text goes to `parseUnit`, names go to `nameAnalyte`.
 * It never throws, whatever the input (property-tested).
 */
import type { Comparator } from '../../domain/observation.js';
import { asciiDigits } from '../../terminology/text.js';
import {
  ARROW_CHUNK,
  BRACKETED,
  CHUNK,
  COMPARATOR_CHUNK,
  FLAG_CODE,
  FLAG_HIGH,
  FLAG_LOW,
  FLAG_NORMAL,
  FLAG_WORD,
  HAS_DIGIT,
  HAS_LETTER,
  INDIAN_GROUPS,
  INVISIBLES,
  LEADER,
  NUMBER_TEXT,
  RANGE_BARE,
  RANGE_INTERVAL,
  RANGE_LABEL,
  RANGE_LOWER,
  RANGE_UPPER,
  RANGE_WORD_CHUNK,
  UNICODE_SPACES,
  UNIT_CHUNK,
  VALUE_CHUNK,
  VALUE_UNIT_CHUNK,
  WESTERN_GROUPS,
  LIST_MARKER,
  WHITESPACE_RUN,
  DECIMAL_COMMA_SAMPLE,
  DECIMAL_POINT_SAMPLE,
  PIPE,
  DIGITS_ONLY,
  DOT,
  FLAG_PARENS,
  RANGE_SEPARATOR_CHUNK,
  RANGE_SEPARATOR_GLUED,
  OPENS_BRACKET,
  CLOSES_BRACKET,
  POWER_OF_TEN,
  SEX_RANGE_LABEL,
  MALE_LABEL,
  SEX_RANGE_SPLIT,
  SEX_LABEL_ONLY,
} from './patterns.js';

/** The report's decimal separator when known (decides "1,234" and "1.234"). */
export type DecimalMark = ',' | '.' | null;

/** What the caller knows about the report around this line. */
export interface LineContext {
  /** Decimal separator used elsewhere in the report (see `detectDecimalMark`). */
  decimal?: DecimalMark;
  /** The table has a "lower reference limit" column: a bare number there is a lower bound. */
  lowerLimitColumn?: boolean;
  /** Is this text a unit? Backed by `parseUnit` in the pipeline; shape-only when absent. */
  isUnit?: (text: string) => boolean;
  /** Canonical method name for a printed method token ("ECLIA", "(CLIA)"), or null. */
  matchMethod?: (text: string) => string | null;
  /** Sex of the person, when known: picks the matching one of sex-specific printed ranges. */
  sex?: 'female' | 'male';
}

/** How a line could not be read safely. Codes are catalog codes (src/domain/issues.ts). */
export interface LineIssue {
  code: 'value-ambiguous' | 'value-unparseable' | 'range-unparseable';
  message: string;
}

export type FlagMeaning = 'high' | 'low' | 'normal' | 'abnormal';

/** A reference range as read: bounds in the report's unit, exclusivity from "<" and ">". */
export interface ParsedRange {
  /** As printed, without enclosing brackets or a label ("7,1 - 28,6", "< 34", "16"). */
  text: string;
  low?: number;
  high?: number;
  lowExclusive?: boolean;
  highExclusive?: boolean;
  /** A unit printed with the range ("0.4 - 4.0 mIU/L"), when present. */
  unitText?: string;
}

/** A value printed a second time in another unit on the same line ("8,57 pmol/l (1,20 ng/ml)"). */
export interface AlternateValue {
  valueText: string;
  value: number;
  comparator?: Comparator;
  unitText: string;
}

/** One parsed result line. */
export interface ParsedLine {
  /** The name as printed, whitespace runs collapsed, trailing ':' removed. */
  name: string;
  /** The value as printed, with its comparator ("<1", "8,57"), without a glued flag. */
  valueText: string;
  /** The number, or null when it cannot be read safely (then `issues` says why). */
  value: number | null;
  comparator?: Comparator;
  /** The unit as printed ('' when none). */
  unitText: string;
  range: ParsedRange | null;
  /** The lab's own flag as printed ("H", "↑", "*", "bajo"). */
  labFlag?: string;
  labFlagMeaning?: FlagMeaning;
  /** A method printed outside the name (a method column or suffix). */
  method?: string;
  alternates: AlternateValue[];
  /** Words after the value that are neither unit, range, flag nor method (prose, comments). */
  trailingText: string;
  issues: LineIssue[];
}

// ---------------------------------------------------------------------------------------------
// Clean-up

/**
 * Normalize one printed line: Unicode spaces to spaces, invisible marks removed, Eastern Arabic
 * digits to ASCII, dot leaders and pipes to tabs (they separate columns). Everything downstream,
 * including `original`, reads the cleaned line: the characters that matter are unchanged.
 */
export function cleanLine(text: string): string {
  let t = text;
  if (t.length === 0) return t;
  t = t.replace(UNICODE_SPACES, ' ').replace(INVISIBLES, '');
  t = asciiDigits(t);
  t = t.replace(LEADER, '\t').replace(PIPE, '\t');
  return t;
}

// ---------------------------------------------------------------------------------------------
// Numbers

export type NumberRead =
  { kind: 'ok'; value: number } | { kind: 'ambiguous'; reason: string } | { kind: 'invalid' };

/**
 * Read a printed number with '.' or ',' as decimal mark and conservative thousands handling:
 * - both marks present: the last one is decimal, the others must form valid thousands groups;
 * - one mark repeated: thousands groups (Western 1,234,567 or Indian 12,34,567);
 * - one mark once followed by exactly three digits ("1,234", "1.234"): decided by the report's
 *   decimal mark when known, ambiguous otherwise (a leading zero, "0,125", is always decimal).
 */
export function parseNumber(text: string, decimal: DecimalMark = null): NumberRead {
  if (!NUMBER_TEXT.test(text)) return { kind: 'invalid' };
  const dots = countChar(text, '.');
  const commas = countChar(text, ',');
  if (dots === 0 && commas === 0) return finite(Number(text));
  if (dots > 0 && commas > 0) {
    const lastDot = text.lastIndexOf('.');
    const lastComma = text.lastIndexOf(',');
    const dec = lastDot > lastComma ? '.' : ',';
    const thou = dec === '.' ? ',' : '.';
    if (countChar(text, dec) !== 1) return { kind: 'invalid' };
    const [intPart, fracPart] = text.split(dec) as [string, string];
    if (fracPart.length === 0 || !validGroups(intPart, thou)) return { kind: 'invalid' };
    return finite(Number(intPart.split(thou).join('') + '.' + fracPart));
  }
  const mark = dots > 0 ? '.' : ',';
  const count = dots > 0 ? dots : commas;
  if (count > 1) {
    return validGroups(text, mark) ? finite(Number(text.split(mark).join(''))) : { kind: 'invalid' };
  }
  const [intPart, fracPart] = text.split(mark) as [string, string];
  if (fracPart.length === 0) return { kind: 'invalid' };
  if (intPart.length === 0) return finite(Number('0.' + fracPart));
  const couldBeThousands = fracPart.length === 3 && intPart.length <= 3 && intPart !== '0';
  if (!couldBeThousands) return finite(Number(intPart + '.' + fracPart));
  if (decimal === mark) return finite(Number(intPart + '.' + fracPart));
  if (decimal !== null && decimal !== mark) return finite(Number(intPart + fracPart));
  // Unknown convention: "1.234" is read as a decimal point only when no comma decimal was seen
  // elsewhere would be a guess too, so both readings are reported.
  return {
    kind: 'ambiguous',
    reason: `"${text}" could be ${intPart}${mark === '.' ? '.' : ','}${fracPart} or ${intPart}${fracPart}`,
  };
}

function countChar(s: string, c: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === c) n++;
  return n;
}

function validGroups(intPart: string, sep: string): boolean {
  if (!intPart.includes(sep)) return DIGITS_ONLY.test(intPart);
  const t = sep === ',' ? intPart : intPart.replace(DOT, ',');
  return WESTERN_GROUPS.test(intPart) || (sep === ',' && INDIAN_GROUPS.test(t));
}

function finite(n: number): NumberRead {
  return Number.isFinite(n) ? { kind: 'ok', value: n } : { kind: 'invalid' };
}

/**
 * The report's decimal mark, from unambiguous samples (one or two decimals): ',' when commas
 * clearly dominate, '.' when points do, null when the report gives no evidence or both.
 */
export function detectDecimalMark(lines: readonly string[]): DecimalMark {
  let commas = 0;
  let points = 0;
  for (const l of lines) {
    if (!HAS_DIGIT.test(l)) continue;
    commas += l.match(DECIMAL_COMMA_SAMPLE)?.length ?? 0;
    points += l.match(DECIMAL_POINT_SAMPLE)?.length ?? 0;
  }
  if (commas > 0 && points === 0) return ',';
  if (points > 0 && commas === 0) return '.';
  if (commas >= 3 * points && commas > 0) return ',';
  if (points >= 3 * commas && points > 0) return '.';
  return null;
}

const COMPARATOR_OF: Record<string, Comparator> = {
  '<': '<',
  '>': '>',
  '<=': '<=',
  '=<': '<=',
  '≤': '<=',
  '>=': '>=',
  '=>': '>=',
  '≥': '>=',
};

// ---------------------------------------------------------------------------------------------
// Flags

/** The meaning of a lab flag as printed, or null when the text is not a flag. */
export function parseFlag(text: string): FlagMeaning | null {
  const t = text.trim();
  if (t.length === 0 || t.length > 12) return null;
  if (!FLAG_CODE.test(t) && !FLAG_WORD.test(t)) return null;
  const core = t.replace(FLAG_PARENS, '').toLowerCase();
  if (core.startsWith('*')) return 'abnormal';
  if (FLAG_HIGH.test(core)) return 'high';
  if (FLAG_LOW.test(core)) return 'low';
  if (FLAG_NORMAL.test(core)) return 'normal';
  return 'abnormal';
}

// ---------------------------------------------------------------------------------------------
// Values in a cell (CSV, HL7, FHIR strings)

/** A value cell read on its own: "12.5 H", "<1", "↑ 5.1", "8,57*", "> 1000". */
export interface ValueCell {
  valueText: string;
  value: number | null;
  comparator?: Comparator;
  labFlag?: string;
  /** A unit printed in the same cell ("<0.2 10*6/mL"). */
  unitText?: string;
  issue?: LineIssue;
}

/**
 * Read a value cell. Returns null when the cell holds no number at all (a qualitative result
 * such as "Negative"); an issue when it holds one that cannot be read safely.
 */
export function parseValueCell(text: string, ctx: LineContext = {}): ValueCell | null {
  const t = cleanLine(text).trim();
  if (!HAS_DIGIT.test(t) || t.length > 200) return null;
  const chunks = t.split(WHITESPACE_RUN);
  let i = 0;
  let labFlag: string | undefined;
  let cmp: string | undefined;
  const first = chunks[0] ?? '';
  if (ARROW_CHUNK.test(first)) {
    labFlag = first;
    i++;
  }
  if (COMPARATOR_CHUNK.test(chunks[i] ?? '')) {
    cmp = chunks[i];
    i++;
  }
  const m = VALUE_CHUNK.exec(chunks[i] ?? '');
  if (!m?.groups) {
    return {
      valueText: t,
      value: null,
      issue: { code: 'value-unparseable', message: `"${t}" is not a number` },
    };
  }
  const g = m.groups;
  let rest = chunks.slice(i + 1);
  // A flag after the value ("12.5 H"), then possibly the unit ("<0.2 10*6/mL" in a FHIR valueString).
  let restFlag: string | undefined;
  if (rest.length > 0 && parseFlag(rest[0]!) !== null) {
    restFlag = rest[0];
    rest = rest.slice(1);
  }
  let unitText: string | undefined;
  if (rest.length > 0) {
    const u = rest.join(' ');
    if (!HAS_DIGIT.test(u.replace(POWER_OF_TEN, '')) && isUnitText(u, ctx)) {
      unitText = u;
    } else {
      return {
        valueText: t,
        value: null,
        issue: { code: 'value-ambiguous', message: `"${t}" holds more than one value or unreadable text` },
      };
    }
  }
  const comparatorText = cmp ?? g.cmp;
  const flagText = labFlag ?? g.pre ?? g.post ?? restFlag;
  const num = parseNumber(g.num!, ctx.decimal ?? null);
  const valueText = (cmp !== undefined ? `${cmp} ` : (g.cmp ?? '')) + g.num;
  const out: ValueCell = { valueText, value: null };
  if (unitText !== undefined) out.unitText = unitText;
  if (comparatorText !== undefined) out.comparator = COMPARATOR_OF[comparatorText]!;
  if (flagText !== undefined) out.labFlag = flagText;
  if (num.kind === 'ok') out.value = num.value;
  else if (num.kind === 'ambiguous') out.issue = { code: 'value-ambiguous', message: num.reason };
  else out.issue = { code: 'value-unparseable', message: `"${g.num}" is not a number` };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ranges

/**
 * Read a reference range in any of its printed forms: "1.0 - 4.0", "1,0–4,0", "(7,1 - 28,6)",
 * "[2.0-6.8]", "< 34", "≥1.4", "up to 25", "hasta 25", "jusqu'à 25", "Ref: 0.4-4.0 mIU/L", and a
 * bare number when the column is a lower reference limit. Null when the text is not a range.
 */
export function parseRangeText(text: string, ctx: LineContext = {}): ParsedRange | null {
  let t = cleanLine(text).trim().replace(WHITESPACE_RUN, ' ');
  if (t.length === 0 || t.length > 200 || !HAS_DIGIT.test(t)) return null;
  t = t.replace(RANGE_LABEL, '').trim();
  // One cell with both sexes' ranges ("M: 264-916; F: 8-48"): only the stated sex's range is
  // read; with no sex stated, none is.
  const sexParts = t.split(SEX_RANGE_SPLIT);
  if (SEX_RANGE_LABEL.test(t) || sexParts.some((x) => SEX_RANGE_LABEL.test(x.trim()))) {
    if (ctx.sex === undefined) return null;
    for (const part of sexParts) {
      const m = SEX_RANGE_LABEL.exec(part.trim());
      if (!m?.groups) continue;
      const sex = MALE_LABEL.test(m.groups.label ?? m.groups.label2 ?? '') ? 'male' : 'female';
      if (sex === ctx.sex) {
        const plain: LineContext = { ...ctx };
        delete plain.sex;
        return parseRangeText(part.trim().slice(m[0].length), plain);
      }
    }
    return null;
  }
  const br = BRACKETED.exec(t);
  if (br?.groups) t = br.groups.inner!.trim();
  const printed = t;
  const dec = ctx.decimal ?? null;
  let m = RANGE_INTERVAL.exec(t);
  if (m?.groups) {
    const lo = parseNumber(m.groups.lo!, dec);
    const hi = parseNumber(m.groups.hi!, dec);
    if (lo.kind !== 'ok' || hi.kind !== 'ok' || lo.value > hi.value) return null;
    return withUnit({ text: printed, low: lo.value, high: hi.value }, m.groups.unit);
  }
  m = RANGE_UPPER.exec(t);
  if (m?.groups) {
    const v = parseNumber(m.groups.v!, dec);
    if (v.kind !== 'ok') return null;
    const exclusive = m.groups.op === '<';
    return withUnit(
      { text: printed, high: v.value, ...(exclusive ? { highExclusive: true } : {}) },
      m.groups.unit,
    );
  }
  m = RANGE_LOWER.exec(t);
  if (m?.groups) {
    const v = parseNumber(m.groups.v!, dec);
    if (v.kind !== 'ok') return null;
    const exclusive = m.groups.op === '>';
    return withUnit(
      { text: printed, low: v.value, ...(exclusive ? { lowExclusive: true } : {}) },
      m.groups.unit,
    );
  }
  if (ctx.lowerLimitColumn) {
    m = RANGE_BARE.exec(t);
    if (m?.groups) {
      const v = parseNumber(m.groups.v!, dec);
      if (v.kind !== 'ok') return null;
      return withUnit({ text: printed, low: v.value }, m.groups.unit);
    }
  }
  return null;
}

function withUnit(r: ParsedRange, unit: string | undefined): ParsedRange {
  const u = unit?.trim();
  if (u) r.unitText = u;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Whole lines

interface Chunk {
  text: string;
  start: number;
  end: number;
  /** A column gap (tab, 2+ spaces, a colon after a name) precedes this chunk. */
  gapBefore: boolean;
}

function chunksOf(line: string): Chunk[] {
  const out: Chunk[] = [];
  CHUNK.lastIndex = 0;
  let prevEnd = 0;
  let prevColon = false;
  for (let m = CHUNK.exec(line); m !== null; m = CHUNK.exec(line)) {
    const ws = line.slice(prevEnd, m.index);
    const gap = ws.includes('\t') || ws.length >= 2 || prevColon;
    let text = m[0];
    let start = m.index;
    // A chunk that is only ":" (or "=") is a separator, not content.
    if (text === ':' || text === '=' || text === '：') {
      prevColon = out.length > 0;
      prevEnd = m.index + m[0].length;
      continue;
    }
    // "TSH:" / ":2.5": the colon separates the name from the value.
    let colonAfter = false;
    if (text.length > 1 && (text.endsWith(':') || text.endsWith('：')) && HAS_LETTER.test(text)) {
      text = text.slice(0, -1);
      colonAfter = true;
    }
    let colonBefore = false;
    if (text.length > 1 && text.startsWith(':') && out.length > 0) {
      text = text.slice(1);
      start += 1;
      colonBefore = true;
    }
    out.push({ text, start, end: start + text.length, gapBefore: out.length > 0 && (gap || colonBefore) });
    prevColon = colonAfter;
    prevEnd = m.index + m[0].length;
  }
  return out;
}

interface ValueAt {
  /** Index of the last chunk the value uses. */
  last: number;
  valueText: string;
  numText: string;
  comparator?: Comparator;
  flag?: string;
  gluedUnit?: string;
  read: NumberRead;
}

/** Is chunk i the start of a value? (comparator/arrow on its own, then the number, are merged). */
function valueAt(chunks: readonly Chunk[], i: number, ctx: LineContext): ValueAt | null {
  const c = chunks[i];
  if (!c || (!HAS_DIGIT.test(c.text) && !COMPARATOR_CHUNK.test(c.text) && !ARROW_CHUNK.test(c.text)))
    return null;
  let j = i;
  let pre: string | undefined;
  let cmp: string | undefined;
  let text = c.text;
  if (ARROW_CHUNK.test(text)) {
    pre = text;
    j++;
    text = chunks[j]?.text ?? '';
  }
  if (COMPARATOR_CHUNK.test(text)) {
    cmp = text;
    j++;
    text = chunks[j]?.text ?? '';
  }
  if (j !== i && (chunks[j]?.gapBefore ?? true)) return null;
  const m = VALUE_CHUNK.exec(text);
  if (m?.groups) {
    const g = m.groups;
    if (pre !== undefined && g.pre !== undefined) return null;
    const read = parseNumber(g.num!, ctx.decimal ?? null);
    if (read.kind === 'invalid') return null;
    const comparatorText = cmp ?? g.cmp;
    const out: ValueAt = {
      last: j,
      valueText: (cmp !== undefined ? `${cmp} ` : (g.cmp ?? '')) + g.num,
      numText: g.num!,
      read,
    };
    if (comparatorText !== undefined) out.comparator = COMPARATOR_OF[comparatorText]!;
    const flag = pre ?? g.pre ?? g.post;
    if (flag !== undefined) out.flag = flag;
    return out;
  }
  const u = VALUE_UNIT_CHUNK.exec(text);
  if (u?.groups && pre === undefined) {
    const g = u.groups;
    const read = parseNumber(g.num!, ctx.decimal ?? null);
    if (read.kind === 'invalid') return null;
    // "25OH" or "17-OHP" glued to a number are names, not a value with a unit.
    if (ctx.isUnit ? !ctx.isUnit(g.unit!) : !UNIT_CHUNK.test(g.unit!)) return null;
    const comparatorText = cmp ?? g.cmp;
    const out: ValueAt = {
      last: j,
      valueText: (cmp !== undefined ? `${cmp} ` : (g.cmp ?? '')) + g.num,
      numText: g.num!,
      gluedUnit: g.unit!,
      read,
    };
    if (comparatorText !== undefined) out.comparator = COMPARATOR_OF[comparatorText]!;
    return out;
  }
  return null;
}

/** Does the value at `v` open a range ("8.6 - 29", "3.5 to 12.5") rather than stand alone? */
function opensRange(chunks: readonly Chunk[], v: ValueAt): boolean {
  const next = chunks[v.last + 1];
  if (!next || v.comparator !== undefined) return false;
  if (RANGE_SEPARATOR_CHUNK.test(next.text)) return HAS_DIGIT.test(chunks[v.last + 2]?.text ?? '');
  return RANGE_SEPARATOR_GLUED.test(next.text);
}

function isUnitText(text: string, ctx: LineContext): boolean {
  if (ctx.isUnit) return ctx.isUnit(text);
  return UNIT_CHUNK.test(text);
}

function isFlagChunk(text: string): boolean {
  return FLAG_CODE.test(text) || FLAG_WORD.test(text);
}

/**
 * Parse one result line. Returns null when the line has no result shape (no name with a
 * letter followed by a number); the caller skips those silently. A non-null result may still
 * carry `value: null` with an issue (ambiguous or unreadable value): never a guess.
 */
export function parseResultLine(rawText: string, ctx: LineContext = {}): ParsedLine | null {
  const text = cleanLine(rawText);
  if (text.length > 2000 || !HAS_DIGIT.test(text) || !HAS_LETTER.test(text)) return null;
  const chunks = chunksOf(text);
  if (chunks.length < 2) return null;

  // Candidate values: the first after a letter (inline), and the first at a column boundary.
  let inline: ValueAt | null = null;
  let inlineIdx = -1;
  let aligned: ValueAt | null = null;
  let alignedIdx = -1;
  let letterSeen = false;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (letterSeen) {
      const v = valueAt(chunks, i, ctx);
      if (v && !opensRange(chunks, v)) {
        if (inline === null) {
          inline = v;
          inlineIdx = i;
        }
        if (c.gapBefore) {
          aligned = v;
          alignedIdx = i;
          break;
        }
      }
    }
    if (HAS_LETTER.test(c.text)) letterSeen = true;
  }
  if (inline === null) return null;

  let value = inline;
  let valueIdx = inlineIdx;
  const issues: LineIssue[] = [];
  if (aligned !== null && alignedIdx !== inlineIdx) {
    const next = chunks[inline.last + 1];
    if (next === undefined || next.gapBefore) {
      // Two bare numbers in a row ("FSH 6.5   7.2", "CA 125   12"): unless the second one sits in
      // a lower-reference-limit column, they are two candidate values.
      if (!(ctx.lowerLimitColumn && inline.last + 1 === alignedIdx)) {
        issues.push({
          code: 'value-ambiguous',
          message: `two candidate values: "${inline.valueText}" and "${aligned.valueText}"`,
        });
      }
    } else if (!isFlagChunk(next.text) && !isUnitText(next.text, ctx) && inline.gluedUnit === undefined) {
      // Words follow the first number inside its cell ("Vitamin D 25 OH   32 ng/mL"): that
      // number belongs to the name; the value is the one at the column boundary.
      value = aligned;
      valueIdx = alignedIdx;
    }
  }

  const nameEnd = chunks[valueIdx]!.start;
  const name = tidyName(text.slice(0, nameEnd));
  if (!HAS_LETTER.test(name)) return null;

  const out: ParsedLine = {
    name,
    valueText: value.valueText,
    value: null,
    unitText: value.gluedUnit ?? '',
    range: null,
    alternates: [],
    trailingText: '',
    issues,
  };
  if (value.comparator !== undefined) out.comparator = value.comparator;
  if (value.flag !== undefined) setFlag(out, value.flag);
  if (value.read.kind === 'ok') {
    if (issues.length === 0) out.value = value.read.value;
  } else if (value.read.kind === 'ambiguous') {
    issues.push({ code: 'value-ambiguous', message: value.read.reason });
  }

  parseRemainder(text, chunks, value.last + 1, out, ctx);
  if (out.issues.some((i) => i.code === 'value-ambiguous')) out.value = null;
  return out;
}

function setFlag(out: ParsedLine, flag: string): void {
  if (out.labFlag !== undefined) return;
  const meaning = parseFlag(flag);
  if (meaning === null) return;
  out.labFlag = flag;
  out.labFlagMeaning = meaning;
}

/** Separators left at the end of a name ("TSH :", "AMH -", "FSH ="). */
const NAME_TRAILER_CHARS = new Set([' ', ':', '：', '=', '-', '–']);

function tidyName(s: string): string {
  // Trailing separators are trimmed by a loop: an end-anchored regex (`[\s:=-]+$`) is retried at
  // every start position of a long run and is quadratic.
  let t = s.replace(WHITESPACE_RUN, ' ').trim();
  let end = t.length;
  while (end > 0 && NAME_TRAILER_CHARS.has(t[end - 1]!)) end--;
  t = t.slice(0, end);
  return t.replace(LIST_MARKER, '').trim();
}

/** Segments of the remainder: split at column gaps and around bracketed groups. */
function segmentsOf(
  text: string,
  chunks: readonly Chunk[],
  from: number,
): Array<{ text: string; chunks: Chunk[] }> {
  const segs: Array<{ text: string; chunks: Chunk[] }> = [];
  let cur: Chunk[] = [];
  let depth = 0;
  const flush = (): void => {
    if (cur.length > 0) {
      segs.push({ text: text.slice(cur[0]!.start, cur[cur.length - 1]!.end), chunks: cur });
      cur = [];
    }
  };
  for (let i = from; i < chunks.length; i++) {
    const c = chunks[i]!;
    const opens = OPENS_BRACKET.test(c.text);
    if (depth === 0 && (c.gapBefore || opens)) flush();
    cur.push(c);
    for (const ch of c.text) {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    }
    if (depth === 0 && CLOSES_BRACKET.test(c.text)) flush();
  }
  flush();
  return segs;
}

function parseRemainder(
  text: string,
  chunks: readonly Chunk[],
  from: number,
  out: ParsedLine,
  ctx: LineContext,
): void {
  let i = from;
  // A flag right after the value ("12.5 H", "5.1 ↑").
  const first = chunks[i];
  if (first && isFlagChunk(first.text) && !(out.unitText === '' && first.text === 'L' && !chunks[i + 1])) {
    setFlag(out, first.text);
    i++;
  }
  // The unit: unit-shaped chunks up to the next column, a range word, a flag or a method.
  if (out.unitText === '') {
    const unitChunks: Chunk[] = [];
    while (i < chunks.length) {
      const c = chunks[i]!;
      if (unitChunks.length > 0 && c.gapBefore) break;
      if (RANGE_WORD_CHUNK.test(c.text) || (isFlagChunk(c.text) && unitChunks.length > 0)) break;
      if (ctx.matchMethod?.(c.text)) break;
      if (OPENS_BRACKET.test(c.text)) break;
      if (!UNIT_CHUNK.test(c.text)) break;
      if (FLAG_CODE.test(c.text) && c.text !== 'L') break;
      unitChunks.push(c);
      i++;
    }
    // Shape alone cannot tell a unit from the first words of a comment, or from the start of a
    // range whose first number looks like a power of ten ("ng/mL 100 - 200": "100" has the shape
    // of "10^0"); the unit parser can. The longest run of unit-shaped chunks that it reads is the
    // unit. A unit the parser does not know is still kept when the whole run fills its own column
    // and looks like a unit ("xyz/L"): the converter then reports it as unknown, not "missing".
    const wholeCell = unitChunks.length > 0 && unitChunks[0]!.gapBefore && (chunks[i]?.gapBefore ?? true);
    const runText = (n: number): string => text.slice(unitChunks[0]!.start, unitChunks[n - 1]!.end);
    let taken = 0;
    if (unitChunks.length > 0 && (!ctx.isUnit || (wholeCell && runText(unitChunks.length).includes('/'))))
      taken = unitChunks.length;
    else for (let n = unitChunks.length; n > 0 && taken === 0; n--) if (ctx.isUnit!(runText(n))) taken = n;
    if (taken > 0) out.unitText = runText(taken);
    i -= unitChunks.length - taken;
  }
  const trailing: string[] = [];
  const segs = segmentsOf(text, chunks, i);
  for (let s = 0; s < segs.length; s++) {
    let segText = segs[s]!.text;
    // "M: 264-916": the colon after a sex label separated it from its range; join them again.
    const next = segs[s + 1];
    if (next !== undefined && SEX_LABEL_ONLY.test(segText.trim()) && HAS_DIGIT.test(next.text)) {
      segText = `${segText.trim()}: ${next.text}`;
      s++;
    }
    // "M: 264-916; F: 8-48" in one column: each sex-labelled part is its own segment.
    const parts = segText.split(SEX_RANGE_SPLIT);
    parts.forEach((part, k) => classifySegment(part, s === 0 && k === 0, out, ctx, trailing));
  }
  out.trailingText = trailing.join(' ');
}

function classifySegment(
  seg: string,
  firstAfterValue: boolean,
  out: ParsedLine,
  ctx: LineContext,
  trailing: string[],
): void {
  const t = seg.trim();
  if (t.length === 0) return;
  const inner = BRACKETED.exec(t)?.groups?.inner?.trim() ?? t;
  if (isFlagChunk(t) || isFlagChunk(inner)) {
    setFlag(out, t);
    return;
  }
  const method = ctx.matchMethod?.(inner) ?? null;
  if (method !== null) {
    out.method ??= method;
    return;
  }
  // Flag + method or range + flag within one segment ("3.5-12.5 H", "H ECLIA").
  const words = t.split(' ');
  if (words.length > 1) {
    const last = words[words.length - 1]!;
    if (isFlagChunk(last) || ctx.matchMethod?.(last)) {
      classifySegment(words.slice(0, -1).join(' '), firstAfterValue, out, ctx, trailing);
      classifySegment(last, false, out, ctx, trailing);
      return;
    }
  }
  // Sex-specific ranges ("M: 264-916", "Female: 8-48", "Frauen 0,1-0,6"): the one for the
  // stated sex is used, the other ignored; without a stated sex none is chosen.
  const sexed = SEX_RANGE_LABEL.exec(inner);
  if (sexed?.groups && HAS_DIGIT.test(inner)) {
    const sex = MALE_LABEL.test(sexed.groups.label ?? sexed.groups.label2 ?? '') ? 'male' : 'female';
    const rangeText = inner.slice(sexed[0].length);
    if (ctx.sex === undefined) {
      if (!out.issues.some((i) => i.code === 'range-unparseable')) {
        out.issues.push({
          code: 'range-unparseable',
          message: `sex-specific ranges ("${t}") and no sex given: none chosen`,
        });
      }
      return;
    }
    if (ctx.sex !== sex || out.range !== null) return;
    const r = parseRangeText(rangeText, ctx);
    if (r !== null) {
      out.range = r;
      if (out.unitText === '' && r.unitText !== undefined) out.unitText = r.unitText;
    } else
      out.issues.push({ code: 'range-unparseable', message: `"${t}" is not a reference range we can read` });
    return;
  }
  if (!HAS_DIGIT.test(t)) {
    if (out.unitText === '' && isUnitText(inner, ctx)) out.unitText = inner;
    else trailing.push(t);
    return;
  }
  const range = out.range === null ? parseRangeText(t, ctx) : null;
  if (range !== null) {
    out.range = range;
    if (out.unitText === '' && range.unitText !== undefined) {
      out.unitText = range.unitText;
      delete range.unitText;
    }
    return;
  }
  // A number with a unit after the value's own unit: the same result in a second unit.
  const alt = parseValueWithUnit(inner, ctx);
  if (alt !== null && out.unitText !== '') {
    out.alternates.push(alt);
    return;
  }
  if (firstAfterValue && out.unitText === '' && RANGE_BARE.test(inner)) {
    out.issues.push({
      code: 'value-ambiguous',
      message: `two candidate values: "${out.valueText}" and "${inner}"`,
    });
    return;
  }
  out.issues.push({ code: 'range-unparseable', message: `"${t}" is not a reference range we can read` });
}

function parseValueWithUnit(text: string, ctx: LineContext): AlternateValue | null {
  const parts = text.split(' ');
  let k = 0;
  let cmp: string | undefined;
  if (COMPARATOR_CHUNK.test(parts[0] ?? '')) {
    cmp = parts[0];
    k = 1;
  }
  const m = VALUE_CHUNK.exec(parts[k] ?? '');
  if (!m?.groups || m.groups.post !== undefined || m.groups.pre !== undefined) return null;
  const unitText = parts.slice(k + 1).join(' ');
  if (unitText === '' || !isUnitText(unitText, ctx)) return null;
  const read = parseNumber(m.groups.num!, ctx.decimal ?? null);
  if (read.kind !== 'ok') return null;
  const c = cmp ?? m.groups.cmp;
  const alt: AlternateValue = { valueText: parts.slice(0, k + 1).join(' '), value: read.value, unitText };
  if (c !== undefined) alt.comparator = COMPARATOR_OF[c]!;
  return alt;
}
