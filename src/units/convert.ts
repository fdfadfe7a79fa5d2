/**
 * @module units/convert
 * Values to the analyte's canonical unit. Order of resolution for a (analyte, unit) pair:
 *   1. the canonical unit itself → identity;
 *   2. a unit the analyte blocks (HbA1c mmol/mol) → declined;
 *   3. UCUM (scaling, and mass↔amount with the analyte's sourced molar mass);
 *   4. the analyte's own factors from the data file (international units, proteins), possibly
 *      after a UCUM rescaling into the factor's unit, with the convention recorded;
 *   5. otherwise declined with `unit-unconvertible` — never a silent pass-through.
 * The resolved factor is cached per (analyte, unit text, convention), so converting a report's
 * lines costs a map lookup and a multiplication.
 */
import type { Conversion } from '../domain/observation.js';
import { issue, type Issue } from '../domain/issues.js';
import { declined, failed, ok, type Result } from '../domain/result.js';
import { getTerminology, type Analyte, type AnalyteFactor } from '../terminology/analytes.js';
import { parseUnit } from './parse.js';
import { ENZYME_U, HAS_U } from './patterns.js';
import { ucumScale } from './ucum.js';

export interface CanonicalValue {
  value: number;
  /** Canonical UCUM unit of the analyte. */
  unit: string;
  conversion: Conversion;
}

export interface ConvertOptions {
  /** Pick a named convention (e.g. `insulin-6.945`) instead of the data file's default. */
  convention?: string;
}

interface Resolved {
  factor: number;
  conversion: Conversion;
  issues: Issue[];
}

type Resolution = { ok: true; r: Resolved } | { ok: false; result: Result<never> };

// Hormone reports write "mU/L" or "µU/mL" for international units (TSH, insulin): UCUM reads U
// as the enzyme unit, which is not commensurable with [IU]. For analytes the data file marks
// `readUAsIU`, U is read as IU, and the reading is recorded as a convention.
const U_AS_IU = 'U-read-as-IU';

const cache = new Map<string, Resolution>();

/** Round away float noise (0.1 × 3 = 0.30000000000000004) without losing real precision. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

function pickFactors(a: Analyte, convention: string | undefined): AnalyteFactor[] {
  const byUnit = new Map<string, AnalyteFactor[]>();
  for (const f of a.factors) byUnit.set(f.unit, [...(byUnit.get(f.unit) ?? []), f]);
  const out: AnalyteFactor[] = [];
  for (const fs of byUnit.values()) {
    if (fs.length === 1) out.push(fs[0]!);
    else
      out.push(
        fs.find((f) => convention !== undefined && f.convention === convention) ?? fs.find((f) => f.default)!,
      );
  }
  return out;
}

function resolve(a: Analyte, unitText: string, convention: string | undefined): Resolution {
  const trimmed = unitText.trim();
  if (trimmed === '') {
    if (a.unitOptional) {
      return {
        ok: true,
        r: { factor: 1, conversion: { from: '', to: a.unit, factor: 1, via: 'identity' }, issues: [] },
      };
    }
    return {
      ok: false,
      result: declined([
        issue('unit-missing', `no unit for ${a.id}; its values need one (canonical ${a.unit})`),
      ]),
    };
  }
  const parsed = parseUnit(trimmed);
  if (parsed.kind !== 'ok') return { ok: false, result: parsed as Result<never> };
  const from = parsed.value.ucum;
  if (from === a.unit) {
    return {
      ok: true,
      r: { factor: 1, conversion: { from, to: a.unit, factor: 1, via: 'identity' }, issues: [] },
    };
  }
  const blocked = a.blockedUnits.find((b) => b.unit === from);
  if (blocked) {
    return {
      ok: false,
      result: declined([
        issue('unit-unconvertible', `${a.id}: ${from} cannot be converted to ${a.unit}: ${blocked.reason}`, {
          details: { analyte: a.id, from, to: a.unit },
        }),
      ]),
    };
  }
  const attempt = (code: string, extra: Issue[], readAs?: string): Resolution | undefined => {
    const direct = ucumScale(code, a.unit, a.molarMass?.value);
    if (direct !== null) {
      const conversion: Conversion = { from: code, to: a.unit, factor: clean(direct), via: 'ucum' };
      if (readAs) conversion.convention = readAs;
      return { ok: true, r: { factor: direct, conversion, issues: extra } };
    }
    for (const f of pickFactors(a, convention)) {
      const pre = ucumScale(code, f.unit);
      if (pre === null) continue;
      const factor = pre / f.perCanonical;
      const conv = [readAs, f.convention].filter(Boolean).join('+');
      const conversion: Conversion = { from: code, to: a.unit, factor: clean(factor), via: 'analyte-factor' };
      if (conv) conversion.convention = conv;
      const issues = [...extra];
      if (f.convention) {
        const others = a.factors
          .filter((g) => g.unit === f.unit && g !== f)
          .map((g) => `${g.convention} (×${g.perCanonical})`);
        issues.push(
          issue(
            'conversion-convention',
            `${a.id}: ${f.unit} → ${a.unit} used convention ${f.convention} (1 ${a.unit} = ${f.perCanonical} ${f.unit})` +
              (others.length ? `; other published: ${others.join(', ')}` : ''),
            {
              details: { analyte: a.id, convention: f.convention, perCanonical: f.perCanonical, ref: f.ref },
            },
          ),
        );
      }
      return { ok: true, r: { factor, conversion, issues } };
    }
    return undefined;
  };
  const first = attempt(from, []);
  if (first) return first;
  if (a.readUAsIU && !from.includes('[IU]') && HAS_U.test(from)) {
    const asIu = from.replace(ENZYME_U, '$1$2[IU]');
    if (asIu !== from) {
      const note = issue(
        'conversion-convention',
        `${a.id}: "${trimmed}" read as ${asIu} (U on hormone reports means international units)`,
        { details: { analyte: a.id, convention: U_AS_IU, from, readAs: asIu } },
      );
      const second = attempt(asIu, [note], U_AS_IU);
      if (second) return second;
    }
  }
  return {
    ok: false,
    result: declined([
      issue(
        'unit-unconvertible',
        `${a.id}: cannot convert ${from} to ${a.unit} (no sourced factor or molar mass)`,
        {
          details: { analyte: a.id, from, to: a.unit },
        },
      ),
    ]),
  };
}

function resolveCached(analyteId: string, unitText: string, convention: string | undefined): Resolution {
  const key = `${analyteId}\u0000${unitText}\u0000${convention ?? ''}`;
  let r = cache.get(key);
  if (!r) {
    const a = getTerminology().analyte(analyteId);
    r = a
      ? resolve(a, unitText, convention)
      : { ok: false, result: failed([issue('analyte-unknown', `unknown analyte id "${analyteId}"`)]) };
    if (cache.size > 10_000) cache.clear();
    cache.set(key, r);
  }
  return r;
}

/**
 * Convert `value` in `unitText` (as printed) to the canonical unit of `analyteId`.
 * `ok` → `{ value, unit, conversion }` (issues may include `conversion-convention`);
 * `declined` → `unit-missing` / `unit-unknown` / `unit-unconvertible`; `error` → unknown analyte
 * or a non-finite value.
 */
export function toCanonical(
  analyteId: string,
  value: number,
  unitText: string,
  opts: ConvertOptions = {},
): Result<CanonicalValue> {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return failed([issue('value-unparseable', `value ${String(value)} is not a finite number`)]);
  }
  const res = resolveCached(analyteId, typeof unitText === 'string' ? unitText : '', opts.convention);
  if (!res.ok) return res.result;
  return ok(
    { value: clean(value * res.r.factor), unit: res.r.conversion.to, conversion: res.r.conversion },
    res.r.issues,
  );
}

/** The inverse of {@link toCanonical}: a canonical value expressed in `unitText`. */
export function fromCanonical(
  analyteId: string,
  value: number,
  unitText: string,
  opts: ConvertOptions = {},
): Result<CanonicalValue> {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return failed([issue('value-unparseable', `value ${String(value)} is not a finite number`)]);
  }
  const res = resolveCached(analyteId, typeof unitText === 'string' ? unitText : '', opts.convention);
  if (!res.ok) return res.result;
  return ok(
    { value: clean(value / res.r.factor), unit: res.r.conversion.from, conversion: res.r.conversion },
    res.r.issues,
  );
}

export interface CanonicalRange {
  low?: number;
  high?: number;
  unit: string;
  conversion: Conversion;
}

/**
 * Convert a reference range's bounds with the same factor as the value (the lab's range is
 * printed in the lab's unit). A missing bound stays missing.
 */
export function convertRange(
  analyteId: string,
  range: { low?: number | undefined; high?: number | undefined },
  unitText: string,
  opts: ConvertOptions = {},
): Result<CanonicalRange> {
  for (const b of [range.low, range.high]) {
    if (b !== undefined && (typeof b !== 'number' || !Number.isFinite(b))) {
      return failed([issue('value-unparseable', `range bound ${String(b)} is not a finite number`)]);
    }
  }
  const res = resolveCached(analyteId, typeof unitText === 'string' ? unitText : '', opts.convention);
  if (!res.ok) return res.result;
  const out: CanonicalRange = { unit: res.r.conversion.to, conversion: res.r.conversion };
  if (range.low !== undefined) out.low = clean(range.low * res.r.factor);
  if (range.high !== undefined) out.high = clean(range.high * res.r.factor);
  return ok(out, res.r.issues);
}
