/**
 * @module apps/web/format
 * Pure helpers of the clinician web UI (no DOM, no network): number display, confidence bands,
 * the geometry of the value-against-range plot, citation markers in answer text, mapping the API's
 * error paths to form fields, and building an intake from the form's fields (and back).
 * Kept apart from the screens so that they are unit-tested in Node (`format.test.ts`).
 */

// ── numbers ───────────────────────────────────────────────────────────────────────────────────

/**
 * A canonical value for display: three significant digits below 1000 (conversions produce long
 * fractions such as 1.20028011204), whole numbers above. The exact printed value is shown beside it.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Math.abs(x) >= 1000) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

// ── confidence ────────────────────────────────────────────────────────────────────────────────

/**
 * Display bands for a calibrated confidence. These are wording for the screen, not clinical
 * thresholds: the engine decides whether to answer; the band only helps a reader place the number.
 */
export const CONFIDENCE_BANDS: readonly { min: number; band: string; words: string }[] = [
  { min: 0.9, band: 'high', words: 'very likely supported by the cited sources' },
  { min: 0.7, band: 'moderate', words: 'probably supported; read the citations' },
  { min: 0.5, band: 'low', words: 'uncertain; check the citations before relying on it' },
  { min: 0, band: 'very low', words: 'unlikely to be supported' },
];

/** The band of a confidence in [0, 1]. */
export function confidenceBand(c: number): { band: string; words: string; percent: string } {
  const b = CONFIDENCE_BANDS.find((x) => c >= x.min) ?? CONFIDENCE_BANDS[CONFIDENCE_BANDS.length - 1]!;
  return { band: b.band, words: b.words, percent: `${Math.round(c * 100)} %` };
}

// ── value against its reference range ─────────────────────────────────────────────────────────

/** Where to draw a value and its reference range on a 0–1 scale. */
export interface RangePlot {
  /** Position of the value, clamped to [0, 1]. */
  value: number;
  /** The value lies beyond the drawn scale (drawn at the edge with an arrow). */
  offScale: 'below' | 'above' | null;
  /** The reference band; an open side extends to the edge of the scale. */
  low: number;
  high: number;
  lowOpen: boolean;
  highOpen: boolean;
}

/**
 * Geometry of the value marker against a reference range. A two-sided range is drawn with half
 * its width of margin on each side (an in-range value sits in the middle third); a one-sided range
 * ("< 34", "> 10") is drawn from zero (or below a negative bound) with the open side running to
 * the edge. The scale widens to take in the value unless it lies more than three widths away;
 * then the value is drawn at the edge and marked off-scale. Null when there is no bound.
 */
export function rangePlot(
  value: number,
  range: { low?: number | undefined; high?: number | undefined } | null,
): RangePlot | null {
  if (!range || (range.low === undefined && range.high === undefined)) return null;
  const { low, high } = range;
  let lo: number;
  let hi: number;
  let w: number;
  if (low !== undefined && high !== undefined) {
    w = high - low > 0 ? high - low : Math.abs(high) || 1;
    lo = Math.min(low, high) - w / 2;
    hi = Math.max(low, high) + w / 2;
    if (low >= 0 && lo < 0) lo = 0; // no negative scale for a range that has none
  } else {
    const b = (high ?? low)!;
    w = Math.abs(b) || 1;
    lo = b >= 0 ? 0 : b - w;
    hi = b + (high !== undefined ? w / 2 : w);
  }
  if (value < lo && value >= lo - 3 * w) lo = value - w / 10;
  if (value > hi && value <= hi + 3 * w) hi = value + w / 10;
  // A range too narrow for floating point (a subnormal width halves to nothing) gets a unit scale
  // around it rather than a division by zero.
  if (!(hi - lo > 0 && Number.isFinite(hi - lo))) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pos = (x: number): number => (x - lo) / (hi - lo);
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  const raw = pos(value);
  return {
    value: clamp(raw),
    offScale: raw < 0 ? 'below' : raw > 1 ? 'above' : null,
    low: low !== undefined ? clamp(pos(low)) : 0,
    high: high !== undefined ? clamp(pos(high)) : 1,
    lowOpen: low === undefined,
    highOpen: high === undefined,
  };
}

// ── citation markers ──────────────────────────────────────────────────────────────────────────

/** Answer text split into plain text and citation markers `[n]`. */
export type TextPart = { text: string } | { cite: number };

/**
 * Split answer text at its citation markers. Only markers naming a known citation become links;
 * any other bracketed number stays text (a marker never points at nothing).
 */
export function splitCitations(text: string, known: ReadonlySet<number>): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(/\[(\d{1,3})\]/g)) {
    const n = Number(m[1]);
    if (!known.has(n)) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ cite: n });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

// ── form fields ↔ intake ──────────────────────────────────────────────────────────────────────

/** How a form field's text becomes a JSON value. */
export type FieldKind = 'text' | 'number' | 'int' | 'bool' | 'enum';

/** One form control: its intake path as name (`female.labs[0].value`), kind and current text. */
export interface FieldValue {
  name: string;
  kind: FieldKind;
  value: string;
}

/**
 * The number a clinician typed. A single comma is read as the decimal separator (reports and
 * habits in much of Europe write 69,12). Anything else that is not a plain number is returned
 * as the text itself, so that the API rejects it and names the field, rather than the UI
 * dropping or guessing it.
 */
export function parseNumber(text: string): number | string {
  const t = text.trim();
  const norm = /^[+-]?\d+,\d+$/.test(t) ? t.replace(',', '.') : t;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(norm)) return Number(norm);
  return t;
}

type Seg = string | number;

/** `female.labs[0].value` → ['female', 'labs', 0, 'value']. */
export function parsePath(path: string): Seg[] {
  const out: Seg[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

function formatPath(segs: readonly Seg[]): string {
  let s = '';
  for (const seg of segs) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

/** The intake built from the form, and which field each sent path came from. */
export interface BuiltIntake {
  intake: Record<string, unknown>;
  /** Path as sent (e.g. `female.labs[0].value`) → the field's name (e.g. `female.labs[2].value`). */
  fieldOf: Map<string, string>;
}

/**
 * Build the intake from the form's fields. Empty fields are left out (missing data stays missing;
 * the engine then says what it needs). Array rows are packed in order, skipping empty rows, and
 * `fieldOf` remembers where each sent value came from, so that an API error naming
 * `female.labs[0].value` is shown next to the right row. The Prakriti block is sent only when at
 * least one question is answered.
 */
export function buildIntake(fields: readonly FieldValue[]): BuiltIntake {
  const intake: Record<string, unknown> = {};
  const fieldOf = new Map<string, string>();
  // Group array rows: path prefix up to the index → row index → fields, to pack rows in order.
  const rowIndex = new Map<string, Map<number, number>>();
  const filled = fields.filter((f) => f.value.trim() !== '');
  // First pass: which rows of each array have a value; they are renumbered 0, 1, … in order.
  for (const f of filled) {
    const segs = parsePath(f.name);
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      if (typeof seg !== 'number') continue;
      const key = formatPath(segs.slice(0, i));
      let rows = rowIndex.get(key);
      if (!rows) rowIndex.set(key, (rows = new Map()));
      rows.set(seg, -1);
    }
  }
  for (const rows of rowIndex.values()) {
    [...rows.keys()].sort((a, b) => a - b).forEach((k, i) => rows.set(k, i));
  }
  for (const f of filled) {
    const segs = parsePath(f.name);
    const sent: Seg[] = [];
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      // Rows are keyed by the field's own path up to the index (as in the first pass).
      if (typeof seg === 'number') sent.push(rowIndex.get(formatPath(segs.slice(0, i)))!.get(seg)!);
      else sent.push(seg);
    }
    const value = convert(f);
    setPath(intake, sent, value);
    fieldOf.set(formatPath(sent), f.name);
  }
  const prakriti = intake.prakriti as { answers?: Record<string, unknown> } | undefined;
  if (prakriti && (!prakriti.answers || Object.keys(prakriti.answers).length === 0)) delete intake.prakriti;
  return { intake, fieldOf };
}

function convert(f: FieldValue): unknown {
  const t = f.value.trim();
  switch (f.kind) {
    case 'number':
    case 'int':
      return parseNumber(t);
    case 'bool':
      return t === 'true' ? true : t === 'false' ? false : t;
    case 'text':
      return f.value; // lab report texts keep their layout
    case 'enum':
      return t;
  }
}

function setPath(root: Record<string, unknown>, segs: readonly Seg[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    const next = segs[i + 1]!;
    if (node[seg] === undefined) node[seg] = typeof next === 'number' ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  }
  node[segs[segs.length - 1]!] = value;
}

/**
 * Flatten an intake (e.g. a JSON file) to field paths and their text, to fill the form.
 * `female.labs[1].unit` → "ng/mL"; booleans become "true"/"false".
 */
export function flattenIntake(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, path === '' ? k : `${path}.${k}`);
    } else if (v !== undefined && v !== null) out.set(path, String(v));
  };
  walk(value, prefix);
  return out;
}

/**
 * The form field an API error path names. The API prefixes request-validation paths with
 * `body.` (and `body.profile.` for `/v1/ask`) but not its plausibility checks; both are accepted.
 * A path deeper than any field (`female.labs[0]` for a row) falls back to its closest field
 * ancestor or descendant; null when nothing in the form matches.
 */
export function fieldForPath(
  path: string,
  fieldOf: ReadonlyMap<string, string>,
  names: ReadonlySet<string>,
): string | null {
  const p = path.replace(/^body\.(profile\.)?/, '');
  const direct = fieldOf.get(p) ?? (names.has(p) ? p : null);
  if (direct) return direct;
  // An error on a row or object: the first field sent under it.
  for (const [sent, field] of fieldOf) if (sent.startsWith(`${p}.`) || sent.startsWith(`${p}[`)) return field;
  // An error below any field (e.g. `female.labs[0].referenceRange.low` with no such input).
  const segs = parsePath(p);
  for (let n = segs.length - 1; n > 0; n--) {
    const anc = formatPath(segs.slice(0, n));
    const f = fieldOf.get(anc) ?? (names.has(anc) ? anc : null);
    if (f) return f;
  }
  return null;
}

/** Strip the API's `body.` prefix from a path for display (`body.female.age` → `female.age`). */
export function displayPath(path: string): string {
  return path.replace(/^body\.(profile\.)?/, '');
}

/** A short form of a knowledge version hash for display (`sha256:a0bca8234a8e…`). */
export function shortVersion(v: string): string {
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(v);
  return m ? `${m[1] ?? ''}${m[2]}…` : v;
}

/** Human words for a classification id (`bmi-female` → "BMI (female)"); unknown ids pass through. */
export function classificationName(id: string): string {
  const names: Record<string, string> = {
    'bmi-female': 'BMI (female partner)',
    'bmi-male': 'BMI (male partner)',
    'ovarian-reserve': 'Ovarian reserve',
    poseidon: 'POSEIDON low-prognosis group',
    'bologna-por': 'Bologna poor ovarian response',
    'pcos-rotterdam': 'PCOS (Rotterdam)',
    'semen-who2021': 'Semen analysis (WHO 2021)',
    thyroid: 'Thyroid function',
    'thyroid-autoimmunity': 'Thyroid autoimmunity',
    prolactin: 'Prolactin',
    'infertility-duration': 'Infertility duration',
    'female-age-band': 'Female age band',
    'male-factor': 'Male factor',
    'couple-factor': 'Couple factor',
  };
  return names[id] ?? id;
}

/**
 * An API issue message without the path it starts with (`body.female.age: expected number` →
 * `expected number`), for showing next to the field that already names it.
 */
export function messageWithoutPath(message: string, path: string | undefined): string {
  if (!path) return message;
  for (const p of [path, displayPath(path)])
    if (message.startsWith(`${p}: `)) return message.slice(p.length + 2);
  return message;
}
