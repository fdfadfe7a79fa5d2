/**
 * @module pipeline/normalize/pipeline
 * A read report → canonical observations (contracts §3). For each candidate: de-identify, parse
 * the line (or take the fields a structured format separates), name the analyte (a LOINC code
 * the terminology knows wins; then the lexicon and the learned matcher through `nameAnalyte`),
 * convert the value and the lab's own range to the canonical unit, compute the flag against
 * that range, compare it with the lab's flag, and keep exactly what the report said.
 *
 * Abstention rules: a line that cannot be named goes to `unrecognized`; a value that cannot be
 * read safely, a unit that cannot be converted, or two disagreeing values are warnings and the
 * observation is not emitted. Nothing is ever filled in.
 */
import { issue, type Issue } from '../../domain/issues.js';
import type {
  Flag,
  NormalizedReport,
  Observation,
  ReferenceRange,
  UnrecognizedLine,
} from '../../domain/observation.js';
import { getTerminology } from '../../terminology/analytes.js';
import { convertRange, parseUnit, toCanonical } from '../../units/index.js';
import type { Candidate, FieldsCandidate, ReadResult } from '../ingest/types.js';
import { assayOf, checkAssayMix } from './assay.js';
import {
  REDACTED,
  countInto,
  deidentifiedIssue,
  deidentifyLine,
  mergeCounts,
  type DeidCounts,
} from './deidentify.js';
import {
  cleanLine,
  detectDecimalMark,
  parseFlag,
  parseRangeText,
  parseResultLine,
  parseValueCell,
  type AlternateValue,
  type DecimalMark,
  type FlagMeaning,
  type LineContext,
  type LineIssue,
  type ParsedLine,
  type ParsedRange,
} from './line.js';
import { nameAnalyte } from './name-analyte.js';
import {
  ARABIC_SCRIPT,
  BILINGUAL_SPLIT,
  ASCII_DIGIT,
  BRACKETED,
  COLUMN_GAP,
  COMMA,
  DOT,
  END_OF_REPORT,
  HAS_EASTERN_DIGIT,
  HAS_DIGIT,
  HAS_LETTER,
  HEADER_WORD,
  METHOD_LINE,
  METHOD_PARTS,
  RANGE_LINE,
  RESULT_LABEL,
  LANGUAGE_MARKERS,
  LATIN_RUN,
  LOWER_LIMIT_HEADER,
  NON_RESULT_LABEL,
  SEMEN_REPORT,
  WHITESPACE_RUN,
} from './patterns.js';

export interface NormalizeOptions {
  /** The file name, when there is one (a hint for format detection and error messages). */
  filename?: string;
  /** Sex of the person the report is about, when the caller knows it (helps naming). */
  sex?: 'female' | 'male';
  /** Override the input size limit (bytes). */
  maxBytes?: number;
}

/** Relative difference above which a value printed twice in two units is contradictory. */
const ALTERNATE_TOLERANCE = 0.05;
/** A result name longer than this is prose, not a test name. */
const MAX_NAME_WORDS = 10;
/** Words after the value that make a line a sentence rather than a result. */
const MAX_TRAILING_WORDS = 3;

// ---------------------------------------------------------------------------------------------
// Shared helpers built once (the hot path must not rebuild them per line)

/** Canonical method label for a printed method ("ECLIA", "(CLIA)", "GOD-POD"), or null. */
export function matchMethod(text: string): string | null {
  if (text.length === 0 || text.length > 80) return null;
  const inner = BRACKETED.exec(text.trim())?.groups?.inner ?? text;
  return assayOf(inner)?.label ?? null;
}

/** The printed label of a terminology method id (`eclia` → "ECLIA"). */
function methodLabel(id: string | null): string | null {
  return id === null ? null : (assayOf(id)?.label ?? id);
}

/** Is `text` a unit the unit parser reads? (parseUnit caches its results.) */
export function isUnit(text: string): boolean {
  if (text.length === 0 || text.length > 40) return false;
  return parseUnit(text).kind === 'ok';
}

/** The line check de-identification uses: a result shape with a real unit or a range. */
export function isResultLine(line: string): boolean {
  const p = parseResultLine(line, { isUnit, matchMethod });
  return p !== null && (p.range !== null || p.unitText !== '');
}

// ---------------------------------------------------------------------------------------------
// One raw result, whatever the format

interface RawResult {
  line: number;
  /** De-identified text for `unrecognized` and warnings. */
  text: string;
  name: string;
  valueText: string;
  value: number | null;
  comparator?: Observation['comparator'];
  unitText: string;
  range: ParsedRange | null;
  labFlag?: string;
  labFlagMeaning?: FlagMeaning;
  method?: string;
  alternates: AlternateValue[];
  loinc?: string;
  issues: LineIssue[];
  prose: boolean;
}

interface ReportContext {
  decimal: DecimalMark;
  /** Line parses of this report (without a lower-limit column), shared by de-identification and reading. */
  parsed: Map<string, ParsedLine | null>;
  specimen?: string;
  sex?: 'female' | 'male';
}

// ---------------------------------------------------------------------------------------------

/** Normalize what a reader produced. Synchronous: all I/O happened in the reader. */
export function normalizeRead(read: ReadResult, opts: NormalizeOptions = {}): NormalizedReport {
  const report: NonNullable<NormalizedReport['report']> = { format: read.format, lines: read.lines };
  const warnings: Issue[] = [];
  const fatal = read.issues.filter((i) => i.severity === 'error');
  if (fatal.length > 0) {
    const deid = deidentifiedIssue(read.deid);
    return {
      observations: [],
      unrecognized: [],
      warnings: [...read.issues, ...(deid ? [deid] : [])],
      report,
    };
  }
  warnings.push(...read.issues);

  // 1. De-identify every line candidate (result lines come back unchanged).
  const deid: DeidCounts = {};
  const texts: string[] = [];
  const candidates: Candidate[] = [];
  const rawText = new Map<number, string>();
  // The decimal mark is read from the numbers alone (nothing else of a line is kept), so that the
  // parse made for the de-identification check can be reused for the result itself.
  const cleaned = read.candidates.map((c) =>
    c.kind === 'line' ? cleanLine(c.text) : `${c.name} ${c.value}`,
  );
  const ctx: ReportContext = { decimal: detectDecimalMark(cleaned), parsed: new Map() };
  if (opts.sex !== undefined) ctx.sex = opts.sex;
  const resultLine = (line: string): boolean => {
    const p = parseCached(line, ctx, false);
    return p !== null && (p.range !== null || p.unitText !== '');
  };
  read.candidates.forEach((c, k) => {
    if (c.kind === 'line') {
      rawText.set(c.line, c.text);
      const text = deidentifyLine(cleaned[k]!, deid, { isResultLine: resultLine });
      candidates.push({ ...c, text });
      texts.push(text);
    } else {
      const kept = deidentifyFields(c, deid);
      if (kept !== null) {
        candidates.push(kept);
        texts.push(kept.name, kept.value);
      }
    }
  });
  const languages = detectLanguages(texts);
  if (languages.length > 0) report.languages = languages;
  if (texts.some((t) => SEMEN_REPORT.test(t))) ctx.specimen = 'semen';

  // 2. Parse each candidate into a raw result. Text layouts carry state from line to line: the
  // table header (a lower-reference-limit column), the heading above a "Result:" line, a
  // "Reference range:" line below it, and method lines.
  const observations: Observation[] = [];
  const unrecognized: UnrecognizedLine[] = [];
  const state: TextState = {
    lowerLimitColumn: false,
    inTable: false,
    heading: null,
    pendingMethod: null,
    prevLine: -1,
  };
  for (let k = 0; k < candidates.length; k++) {
    const c = candidates[k]!;
    if (c.kind === 'fields') {
      const raw = rawFromFields(c, ctx);
      if (raw !== null) resolve(raw, ctx, observations, unrecognized, warnings);
      continue;
    }
    if (c.line > state.prevLine + 1) {
      // A blank line ends a block: its heading and pending method no longer apply.
      state.heading = null;
      state.pendingMethod = null;
    }
    state.prevLine = c.line;
    const text = c.text;
    if (END_OF_REPORT.test(text)) {
      state.inTable = false;
      continue;
    }
    if (isHeaderLine(text)) {
      state.lowerLimitColumn = LOWER_LIMIT_HEADER.test(text);
      state.inTable = true;
      continue;
    }
    if (METHOD_LINE.test(text)) {
      // A method line names the method of the result above it, or of the next one in its block.
      // An unknown method is dropped (never guessed); the line is never a heading.
      const method = methodLine(text);
      const last = observations[observations.length - 1];
      if (method !== null && last && last.original.line === c.line - 1 && last.method === null)
        last.method = method;
      else if (method !== null) state.pendingMethod = method;
      continue;
    }
    const raw = rawFromLine(c.line, text, ctx, state.lowerLimitColumn);
    if (raw === null) {
      qualitativeLine(c.line, text, ctx, state, unrecognized, warnings);
      if (isHeading(text)) state.heading = text.trim().replace(WHITESPACE_RUN, ' ');
      continue;
    }
    // `original.value` keeps the digits the report printed (only the value is looked up in the
    // raw line, so nothing else of it is kept).
    const printed = rawText.get(c.line) ?? '';
    if (HAS_EASTERN_DIGIT.test(printed)) raw.valueText = restoreDigits(printed, raw.valueText);
    if (RESULT_LABEL.test(raw.name)) {
      // Block layout: "HORMÔNIO ANTI-MÜLLERIANO" / "Resultado: 3,10 ng/mL".
      if (state.heading === null) {
        unrecognized.push({ line: raw.line, text: raw.text, reason: 'analyte-unrecognized' });
        continue;
      }
      raw.name = state.heading;
    }
    const next = candidates[k + 1];
    if (raw.range === null && next?.kind === 'line' && next.line === c.line + 1) {
      const label = RANGE_LINE.exec(next.text);
      if (label) {
        const rangeText = next.text.slice(label[0].length);
        const r = parseRangeText(rangeText, {
          decimal: ctx.decimal,
          isUnit,
          matchMethod,
          ...(ctx.sex ? { sex: ctx.sex } : {}),
        });
        if (r !== null) raw.range = r;
        else
          raw.issues.push({
            code: 'range-unparseable',
            message: `"${rangeText.trim()}" is not a reference range we can read`,
          });
        k++;
        state.prevLine = next.line;
      }
    }
    const before = observations.length;
    resolve(raw, ctx, observations, unrecognized, warnings);
    const added = observations[before];
    if (added !== undefined && added.method === null && state.pendingMethod !== null)
      added.method = state.pendingMethod;
    state.pendingMethod = null;
  }

  // 3. Report-level checks and the de-identification summary.
  warnings.push(...checkAssayMix(observations));
  const d = deidentifiedIssue(mergeCounts(read.deid, deid));
  if (d) warnings.unshift(d);
  return { observations, unrecognized, warnings, report };
}

interface TextState {
  lowerLimitColumn: boolean;
  /** A table header has been seen (and no end-of-report marker since). */
  inTable: boolean;
  /** The last heading line of the current block (a name with no value). */
  heading: string | null;
  /** A method line waiting for the next result of its block. */
  pendingMethod: string | null;
  prevLine: number;
}

/** The value as printed in Eastern Arabic digits, when the report used them ("٢٢٫٤"). */
function restoreDigits(rawLine: string, ascii: string): string {
  const forms = [0x0660, 0x06f0].flatMap((zero) => {
    const digits = ascii.replace(ASCII_DIGIT, (d) => String.fromCharCode(zero + Number(d)));
    return [digits.replace(DOT, '\u066b').replace(COMMA, '\u066c'), digits];
  });
  return forms.find((f) => rawLine.includes(f)) ?? ascii;
}

/** A method printed on its own line: the canonical label, or null. */
function methodLine(text: string): string | null {
  const m = METHOD_LINE.exec(text);
  if (!m?.groups) return null;
  const value = m.groups.m!.trim();
  // The first method printed wins ("ECLIA (Roche Elecsys)" → ECLIA), then the whole text.
  for (const part of value.match(METHOD_PARTS) ?? []) {
    const hit = matchMethod(part.trim());
    if (hit !== null) return hit;
  }
  return matchMethod(value);
}

/** A heading: letters, no digits, short, not a table header. */
function isHeading(text: string): boolean {
  const t = text.trim();
  return (
    t.length > 1 &&
    t.length <= 80 &&
    !HAS_DIGIT.test(t) &&
    HAS_LETTER.test(t) &&
    !t.includes(REDACTED) &&
    !t.includes(':') &&
    !NON_RESULT_LABEL.test(t)
  );
}

/**
 * A results-table line with a name and a non-numeric result ("Hb electrophoresis   see comment",
 * "Rubella IgG   Positive"): a named analyte is a warning (qualitative results are not converted),
 * an unnamed one goes to `unrecognized`.
 */
function qualitativeLine(
  line: number,
  text: string,
  ctx: ReportContext,
  state: TextState,
  unrecognized: UnrecognizedLine[],
  warnings: Issue[],
): void {
  if (!state.inTable || text.includes(REDACTED)) return;
  const cells = text
    .trim()
    .split(COLUMN_GAP)
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (cells.length < 2) return;
  const name = cells[0]!;
  if (!HAS_LETTER.test(name) || name.split(' ').length > MAX_NAME_WORDS || NON_RESULT_LABEL.test(name))
    return;
  const shown = text.trim().replace(WHITESPACE_RUN, ' ');
  const named = nameWith(name, '', ctx);
  if (named === null) {
    unrecognized.push({ line, text: shown, reason: 'analyte-unrecognized' });
    return;
  }
  warnings.push(
    issue(
      'value-unparseable',
      `line ${line} (${named.analyte}): the result "${cells.slice(1).join(' ')}" is not a number`,
      {
        path: `lines[${line}]`,
        details: { line, analyte: named.analyte, text: shown },
      },
    ),
  );
}

/** Parse a line once per report and context (the result is not mutated by callers). */
function parseCached(text: string, ctx: ReportContext, lowerLimitColumn: boolean): ParsedLine | null {
  const lctx: LineContext = { decimal: ctx.decimal, lowerLimitColumn, isUnit, matchMethod };
  if (ctx.sex !== undefined) lctx.sex = ctx.sex;
  if (lowerLimitColumn) return parseResultLine(text, lctx);
  let p = ctx.parsed.get(text);
  if (p === undefined) {
    p = parseResultLine(text, lctx);
    ctx.parsed.set(text, p);
  }
  return p;
}

function isHeaderLine(text: string): boolean {
  HEADER_WORD.lastIndex = 0;
  let words = 0;
  while (HEADER_WORD.exec(text) !== null) {
    if (++words >= 2) break;
  }
  if (words < 2) return false;
  // A header names columns; a result line has a number after its name.
  const p = parseResultLine(text, { isUnit, matchMethod });
  return p === null || (p.range === null && p.unitText === '');
}

function deidentifyFields(c: FieldsCandidate, deid: DeidCounts): FieldsCandidate | null {
  // A row whose name is an identifier label ("Patient ID", "DOB") is dropped whole.
  const probe: DeidCounts = {};
  const labelled = deidentifyLine(`${c.name}: ${c.value}`, probe);
  if (labelled !== `${c.name}: ${c.value}`) {
    for (const [k, v] of Object.entries(probe)) countInto(deid, k as keyof DeidCounts, v);
    return null;
  }
  // A name, unit or method holding an identifier (a titled name in a FHIR code.text, a phone in a
  // method column) is not trusted: the candidate is dropped, the identifier counted.
  const notResult = { isResultLine: (): boolean => false };
  for (const field of [c.name, c.unit, c.method ?? '', c.range ?? '']) {
    const probeField: DeidCounts = {};
    if (deidentifyLine(field, probeField, notResult) !== field) {
      for (const [k, v] of Object.entries(probeField)) countInto(deid, k as keyof DeidCounts, v);
      return null;
    }
  }
  const text = deidentifyLine(c.text, deid, notResult);
  return text === c.text ? c : { ...c, text };
}

function rawFromLine(
  line: number,
  text: string,
  ctx: ReportContext,
  lowerLimitColumn: boolean,
): RawResult | null {
  const p = parseCached(text, ctx, lowerLimitColumn);
  if (p === null) return null;
  if (NON_RESULT_LABEL.test(p.name) || p.name.includes(REDACTED)) return null;
  const raw: RawResult = {
    line,
    text: text.trim().replace(WHITESPACE_RUN, ' '),
    name: p.name,
    valueText: p.valueText,
    value: p.value,
    unitText: p.unitText,
    range: p.range === null ? null : { ...p.range },
    alternates: [...p.alternates],
    issues: [...p.issues],
    prose:
      p.name.split(' ').length > MAX_NAME_WORDS ||
      (p.trailingText !== '' && p.trailingText.split(' ').length >= MAX_TRAILING_WORDS),
  };
  if (p.comparator !== undefined) raw.comparator = p.comparator;
  if (p.labFlag !== undefined) raw.labFlag = p.labFlag;
  if (p.labFlagMeaning !== undefined) raw.labFlagMeaning = p.labFlagMeaning;
  if (p.method !== undefined) raw.method = p.method;
  return raw;
}

function rawFromFields(c: FieldsCandidate, ctx: ReportContext): RawResult | null {
  const lctx: LineContext = {
    decimal: ctx.decimal,
    lowerLimitColumn: c.rangeIsLowerLimit === true,
    isUnit,
    matchMethod,
  };
  if (ctx.sex !== undefined) lctx.sex = ctx.sex;
  const issues: LineIssue[] = [];
  let valueText = c.value;
  let value: number | null = null;
  let comparator: Observation['comparator'];
  let labFlag: string | undefined;
  let unitFromValue: string | undefined;
  if (c.numeric !== undefined) {
    value = c.numeric;
    if (c.comparator !== undefined) comparator = c.comparator as Observation['comparator'];
  } else {
    const cell = parseValueCell(c.value, lctx);
    // A qualitative cell ("Negative", "Reactive") is not a numeric observation.
    if (cell === null) return null;
    valueText = cell.valueText;
    value = cell.value;
    if (cell.comparator !== undefined) comparator = cell.comparator;
    if (cell.labFlag !== undefined) labFlag = cell.labFlag;
    if (cell.unitText !== undefined && c.unit === '') unitFromValue = cell.unitText;
    if (cell.issue !== undefined) issues.push(cell.issue);
  }
  let range: ParsedRange | null = null;
  if (c.rangeBounds !== undefined) {
    range = { text: c.rangeBounds.text };
    if (c.rangeBounds.low !== undefined) range.low = c.rangeBounds.low;
    if (c.rangeBounds.high !== undefined) range.high = c.rangeBounds.high;
    if (c.rangeBounds.unit !== undefined) range.unitText = c.rangeBounds.unit;
  } else if (c.range !== undefined) {
    range = parseRangeText(c.range, lctx);
    if (range === null && HAS_DIGIT.test(c.range)) {
      issues.push({
        code: 'range-unparseable',
        message: `"${c.range}" is not a reference range we can read`,
      });
    }
  }
  const raw: RawResult = {
    line: c.line,
    text: c.text,
    name: c.name,
    valueText,
    value,
    unitText: unitFromValue ?? c.unit,
    range,
    alternates: [],
    issues,
    prose: false,
  };
  if (comparator !== undefined) raw.comparator = comparator;
  const flagText = c.flag ?? labFlag;
  if (flagText !== undefined) {
    const meaning = parseFlag(flagText);
    if (meaning !== null) {
      raw.labFlag = flagText;
      raw.labFlagMeaning = meaning;
    }
  }
  if (c.method !== undefined) raw.method = matchMethod(c.method) ?? c.method;
  if (c.loinc !== undefined) raw.loinc = c.loinc;
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Naming, conversion, flags

interface Named {
  analyte: string;
  confidence: number;
  method: string | null;
}

function nameOf(raw: RawResult, ctx: ReportContext): Named | null {
  if (raw.loinc !== undefined) {
    const hit = getTerminology().byLoinc(raw.loinc);
    if (hit) return { analyte: hit.analyte.id, confidence: 1, method: null };
  }
  const whole = nameWith(raw.name, raw.unitText, ctx);
  if (whole !== null) return whole;
  // Bilingual names: "Hormone anti-müllérienne / AMH", "هرمون مضاد مولر AMH". Each part is named
  // on its own; they must agree.
  const parts = new Set<string>();
  for (const p of raw.name.split(BILINGUAL_SPLIT)) if (p.trim() !== '') parts.add(p.trim());
  if (ARABIC_SCRIPT.test(raw.name)) {
    for (const m of raw.name.match(LATIN_RUN) ?? []) if (m.trim().length > 1) parts.add(m.trim());
  }
  if (parts.size < 2) return null;
  let best: Named | null = null;
  for (const p of parts) {
    const n = nameWith(p, raw.unitText, ctx);
    if (n === null) continue;
    if (best !== null && best.analyte !== n.analyte) return null;
    if (best === null || n.confidence > best.confidence) best = n;
  }
  return best;
}

function nameWith(name: string, unit: string, ctx: ReportContext): Named | null {
  const n = nameAnalyte(name, {
    ...(ctx.specimen ? { specimen: ctx.specimen } : {}),
    ...(unit ? { unit } : {}),
  });
  if (n.analyte === null) return null;
  return { analyte: n.analyte, confidence: n.confidence, method: methodLabel(n.method) };
}

function resolve(
  raw: RawResult,
  ctx: ReportContext,
  observations: Observation[],
  unrecognized: UnrecognizedLine[],
  warnings: Issue[],
): void {
  const path = `lines[${raw.line}]`;
  const named = nameOf(raw, ctx);
  if (raw.prose) {
    // Words after the value (or a very long name) make this a sentence, e.g. an interpretation
    // note quoting a threshold. One that names an analyte is shown, never read as a result;
    // other prose is skipped like any comment.
    if (named !== null) unrecognized.push({ line: raw.line, text: raw.text });
    return;
  }
  if (named === null) {
    unrecognized.push({ line: raw.line, text: raw.text, reason: 'analyte-unrecognized' });
    return;
  }
  const blocking = raw.issues.find((i) => i.code === 'value-ambiguous' || i.code === 'value-unparseable');
  if (blocking !== undefined || raw.value === null) {
    warnings.push(
      issue(
        blocking?.code ?? 'value-unparseable',
        `line ${raw.line} (${named.analyte}): ${blocking?.message ?? 'no value'}`,
        {
          path,
          details: { line: raw.line, analyte: named.analyte, text: raw.text },
        },
      ),
    );
    return;
  }
  const conv = toCanonical(named.analyte, raw.value, raw.unitText);
  if (conv.kind !== 'ok') {
    const why = conv.kind === 'declined' ? conv.reasons : conv.issues;
    for (const w of why) {
      warnings.push({
        ...w,
        path,
        message: `line ${raw.line} (${named.analyte}, unit "${raw.unitText}"): ${w.message}`,
        details: { ...(w.details ?? {}), line: raw.line, analyte: named.analyte, unit: raw.unitText },
      });
    }
    return;
  }
  for (const w of conv.issues)
    warnings.push({ ...w, path, details: { ...(w.details ?? {}), line: raw.line } });
  const value = conv.value;

  // The same result printed again in another unit must agree with the first.
  for (const alt of raw.alternates) {
    const a = toCanonical(named.analyte, alt.value, alt.unitText);
    if (a.kind !== 'ok') continue;
    const scale = Math.max(Math.abs(value.value), Math.abs(a.value.value), Number.MIN_VALUE);
    if (Math.abs(a.value.value - value.value) / scale > ALTERNATE_TOLERANCE) {
      warnings.push(
        issue(
          'value-ambiguous',
          `line ${raw.line} (${named.analyte}): "${raw.valueText} ${raw.unitText}" and "${alt.valueText} ${alt.unitText}" disagree`,
          { path, details: { line: raw.line, analyte: named.analyte, text: raw.text } },
        ),
      );
      return;
    }
  }

  for (const li of raw.issues) {
    if (li.code === 'range-unparseable') {
      warnings.push(
        issue('range-unparseable', `line ${raw.line} (${named.analyte}): ${li.message}`, { path }),
      );
    }
  }

  let referenceRange: ReferenceRange | null = null;
  let exclusive = { low: false, high: false };
  if (raw.range !== null) {
    const rangeUnit = raw.range.unitText ?? raw.unitText;
    const r = convertRange(
      named.analyte,
      {
        ...(raw.range.low !== undefined ? { low: raw.range.low } : {}),
        ...(raw.range.high !== undefined ? { high: raw.range.high } : {}),
      },
      rangeUnit,
    );
    if (r.kind === 'ok') {
      referenceRange = { unit: r.value.unit, text: raw.range.text };
      if (r.value.low !== undefined) referenceRange.low = r.value.low;
      if (r.value.high !== undefined) referenceRange.high = r.value.high;
      exclusive = { low: raw.range.lowExclusive === true, high: raw.range.highExclusive === true };
    } else {
      warnings.push(
        issue(
          'range-unparseable',
          `line ${raw.line} (${named.analyte}): the range "${raw.range.text}" in "${rangeUnit}" cannot be converted`,
          {
            path,
          },
        ),
      );
    }
  }

  const flag = computeFlag(value.value, raw.comparator, referenceRange, exclusive);
  if (flag !== null && raw.labFlagMeaning !== undefined && disagrees(flag, raw.labFlagMeaning)) {
    warnings.push(
      issue(
        'flag-disagrees',
        `line ${raw.line} (${named.analyte}): the lab flags "${raw.labFlag}" but the value is ${flag} against the printed range`,
        {
          path,
          details: { line: raw.line, analyte: named.analyte, labFlag: raw.labFlag, computed: flag },
        },
      ),
    );
  }

  const def = getTerminology().analyte(named.analyte);
  const obs: Observation = {
    analyte: named.analyte,
    loinc: def?.primaryLoinc ?? null,
    value: value.value,
    unit: value.unit,
    original: { name: raw.name, value: raw.valueText, unit: raw.unitText, line: raw.line },
    referenceRange,
    flag,
    method: raw.method ?? named.method,
    confidence: named.confidence,
  };
  if (raw.comparator !== undefined) obs.comparator = raw.comparator;
  if (raw.labFlag !== undefined) obs.labFlag = raw.labFlag;
  if (value.conversion.via !== 'identity') obs.conversion = value.conversion;
  if (ctx.specimen !== undefined && def?.specimen === ctx.specimen) obs.specimen = ctx.specimen;
  observations.push(obs);
}

/**
 * The flag of a value against a range. A censored value ("<0.1") is placed only when the whole
 * interval it stands for is on one side; otherwise the flag is null (not guessed).
 */
export function computeFlag(
  value: number,
  comparator: Observation['comparator'],
  range: ReferenceRange | null,
  exclusive: { low: boolean; high: boolean } = { low: false, high: false },
): Flag | null {
  if (range === null || (range.low === undefined && range.high === undefined)) return null;
  const { low, high } = range;
  // The interval of values the printed result stands for.
  let lo = value;
  let hi = value;
  let hiOpen = false;
  let loOpen = false;
  if (comparator === '<' || comparator === '<=') {
    lo = -Infinity;
    hiOpen = comparator === '<';
  } else if (comparator === '>' || comparator === '>=') {
    hi = Infinity;
    loOpen = comparator === '>';
  }
  // Entirely below the lower limit?
  if (low !== undefined && (hi < low || (hi === low && (hiOpen || exclusive.low)))) return 'low';
  // Entirely above the upper limit?
  if (high !== undefined && (lo > high || (lo === high && (loOpen || exclusive.high)))) return 'high';
  const aboveLow = low === undefined || lo > low || (lo === low && !exclusive.low);
  const belowHigh = high === undefined || hi < high || (hi === high && !exclusive.high);
  return aboveLow && belowHigh ? 'normal' : null;
}

function disagrees(flag: Flag, lab: FlagMeaning): boolean {
  if (lab === 'abnormal') return flag === 'normal';
  return flag !== lab;
}

function detectLanguages(texts: readonly string[]): string[] {
  const out: string[] = [];
  const sample = texts.join('\n').slice(0, 20_000);
  for (const [lang, re] of LANGUAGE_MARKERS) {
    re.lastIndex = 0;
    const hits = sample.match(re)?.length ?? 0;
    if (hits >= 2) out.push(lang);
  }
  if (ARABIC_SCRIPT.test(sample)) out.push('ar');
  return out;
}
