/**
 * @module units/parse
 * `parseUnit(text)`: a unit as printed on a lab report → a UCUM code. Spelling variants are
 * folded (µ/u/mc/μ, UI→IU, mUI/ml, million/ml, 10^6/mL, x10E6/mL, M/mL, ng%, cc…) and the result
 * is validated by the UCUM library. Things that are not units of measure we convert (per HPF,
 * titres, "+/-") are declined with `unit-unconvertible`; strings we cannot read are declined with
 * `unit-unknown`; an empty unit is `unit-missing`. Never throws.
 */
import { issue } from '../domain/issues.js';
import { declined, ok, type Result } from '../domain/result.js';
import {
  BRACKET_ATOM,
  LOOKS_UCUM,
  MAX_UNIT_LENGTH,
  MICRO,
  PER_WORD,
  SLASH_MC,
  TEN_POWER,
  TIMES_SIGN,
  UNIT_NOISE,
} from './patterns.js';
import { isValidUcum } from './ucum.js';

export interface ParsedUnit {
  /** UCUM code (case-sensitive), e.g. `m[IU]/mL`, `10*6/mL`, `ng/dL`. */
  ucum: string;
  /** The text as given. */
  text: string;
}

// Whole strings with a fixed meaning (folded: lower case, µ→u, no spaces).
const WHOLE: Record<string, string> = {
  '%': '%',
  'ng%': 'ng/dL',
  'mg%': 'mg/dL',
  'ug%': 'ug/dL',
  'pg%': 'pg/dL',
  'g%': 'g/dL',
  ratio: '{ratio}',
  index: '{index}',
  ph: '[pH]',
  '[ph]': '[pH]',
  mmhg: 'mm[Hg]',
  'mm[hg]': 'mm[Hg]',
};

// Written forms that are not quantities we convert.
const NOT_A_UNIT = new Set([
  'hpf',
  '/hpf',
  '#/hpf',
  'perhpf',
  'lpf',
  '/lpf',
  '#/lpf',
  'perlpf',
  '+/-',
  'pos/neg',
  'positive',
  'negative',
  'titer',
  'titre',
  'coi',
  's/co',
  'seecomment',
]);

// Placeholders printed where a unit is absent.
const MISSING = new Set(['na', 'n/a', '-', '--', '—', 'nil', 'none']);

// Unit atoms (folded) → UCUM. Hormone reports mix English, French (UI) and German spellings.
const ATOMS: Record<string, string> = {
  g: 'g',
  kg: 'kg',
  mg: 'mg',
  ug: 'ug',
  ng: 'ng',
  pg: 'pg',
  fg: 'fg',
  mol: 'mol',
  mmol: 'mmol',
  umol: 'umol',
  nmol: 'nmol',
  pmol: 'pmol',
  fmol: 'fmol',
  eq: 'eq',
  meq: 'meq',
  osm: 'osm',
  mosm: 'mosm',
  l: 'L',
  dl: 'dL',
  cl: 'cL',
  ml: 'mL',
  ul: 'uL',
  nl: 'nL',
  fl: 'fL',
  cc: 'cm3',
  mm3: 'mm3',
  '100ml': 'dL',
  iu: '[IU]',
  miu: 'm[IU]',
  uiu: 'u[IU]',
  kiu: 'k[IU]',
  niu: 'n[IU]',
  ui: '[IU]',
  mui: 'm[IU]',
  uui: 'u[IU]',
  kui: 'k[IU]',
  u: 'U',
  mu: 'mU',
  uu: 'uU',
  ku: 'kU',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'min',
  mins: 'min',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  mm: 'mm',
  cm: 'cm',
  m2: 'm2',
  // counts: "million/mL", "M/mL", "Mio/ml", "x10^6/mL"
  million: '10*6',
  millions: '10*6',
  mill: '10*6',
  mio: '10*6',
  mln: '10*6',
  millones: '10*6',
  milhoes: '10*6',
  m: '10*6',
  thousand: '10*3',
  thou: '10*3',
  k: '10*3',
  '#': '',
  cells: '',
  cell: '',
  count: '',
  '': '',
};

// Denominators that are counted objects, kept as UCUM annotations (dimension one).
const ANNOTATED: Record<string, string> = {
  ejaculate: '{ejaculate}',
  ejac: '{ejaculate}',
  ejaculat: '{ejaculate}',
  eyaculado: '{ejaculate}',
  ejakulat: '{ejaculate}',
  hb: '{Hb}',
};

/** Fold a unit string: NFKC, lower-case, µ/μ/mc → u, × → x, noise removed. */
export function foldUnit(text: string): string {
  let t = text.normalize('NFKC').replace(MICRO, 'u').toLowerCase();
  t = t.replace(TIMES_SIGN, 'x').replace(PER_WORD, '/').replace(UNIT_NOISE, '');
  // "mcg", "mcIU", "mcmol": the "mc" micro prefix used in some countries.
  if (t.startsWith('mc')) t = 'u' + t.slice(2);
  t = t.replace(SLASH_MC, '/u');
  // Surrounding brackets as printed: "(ng/mL)", "[pmol/l]".
  if (
    (t.startsWith('(') && t.endsWith(')')) ||
    (t.startsWith('[') && t.endsWith(']') && !BRACKET_ATOM.test(t))
  ) {
    t = t.slice(1, -1);
  }
  return t;
}

function atom(seg: string, denominator: boolean): string | undefined {
  const a = ATOMS[seg];
  if (a !== undefined) return a;
  // A leading count factor glued to a unit: "10^6/ml" handled per segment; "x10e6" alone.
  const p = TEN_POWER.exec(seg);
  if (p) return `10*${Number(p[1])}`;
  if (denominator) return ANNOTATED[seg];
  return undefined;
}

function toUcum(folded: string): string | undefined {
  const whole = WHOLE[folded];
  if (whole) return whole;
  const segs = folded.split('/');
  if (segs.length > 3) return undefined;
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const mapped = atom(seg, i > 0);
    // A count factor glued before a unit in the numerator: "10^6ml" is rare; "x10e6" handled above.
    if (mapped === undefined) return undefined;
    if (i > 0 && mapped === '') return undefined; // "mg/" or "/#"
    out.push(mapped);
  }
  const code = out.join('/');
  // "#/uL" → "/uL": UCUM accepts a leading slash.
  return code;
}

const cache = new Map<string, Result<ParsedUnit>>();

/**
 * Parse a unit as printed on a report into a UCUM code. `ok` with `{ ucum, text }`; `declined`
 * with `unit-missing` (empty), `unit-unconvertible` (not a unit we convert: per HPF, titre…) or
 * `unit-unknown` (cannot be read). Never throws; results are cached per input string.
 */
export function parseUnit(text: string): Result<ParsedUnit> {
  const hit = cache.get(text);
  if (hit) return hit;
  const r = parseUncached(text);
  if (cache.size > 10_000) cache.clear();
  cache.set(text, r);
  return r;
}

function parseUncached(text: string): Result<ParsedUnit> {
  if (typeof text !== 'string' || text.trim() === '')
    return declined([issue('unit-missing', 'no unit given')]);
  const shown = text.length > 60 ? text.slice(0, 60) + '…' : text;
  if (text.length > MAX_UNIT_LENGTH) {
    return declined([
      issue('unit-unknown', `"${shown}" is too long to be a unit`, { details: { unit: shown } }),
    ]);
  }
  const trimmed = text.trim();
  // Already UCUM (e.g. from HL7/FHIR): accept as is when the library validates it.
  if (LOOKS_UCUM.test(trimmed) && isValidUcum(trimmed)) return ok({ ucum: trimmed, text });
  const folded = foldUnit(trimmed);
  if (MISSING.has(folded)) return declined([issue('unit-missing', `no unit given ("${shown}")`)]);
  if (NOT_A_UNIT.has(folded)) {
    return declined([
      issue('unit-unconvertible', `"${shown}" is not a unit of measure that can be converted`, {
        details: { unit: shown },
      }),
    ]);
  }
  const code = toUcum(folded);
  if (code !== undefined && code !== '' && isValidUcum(code)) return ok({ ucum: code, text });
  return declined([issue('unit-unknown', `unknown unit "${shown}"`, { details: { unit: shown } })]);
}
