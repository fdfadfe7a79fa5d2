/**
 * @module units/ucum
 * The one place that talks to `@lhncbc/ucum-lhc` (NLM's UCUM implementation). Results are cached:
 * validation per unit string and scale factors per (from, to, molar mass), so the library's slow
 * paths run once per distinct pair, not once per lab line.
 */
import { createRequire } from 'node:module';

interface UcumUtils {
  validateUnitString(
    u: string,
    suggest?: boolean,
  ): { status: string; ucumCode: string | null; msg: string[] };
  convertUnitTo(
    from: string,
    val: number,
    to: string,
    opts?: { molecularWeight?: number },
  ): { status: string; toVal: number | null; msg: string[] };
}

// The package is CommonJS without type declarations; load it through require and type the two
// functions we use.
const require = createRequire(import.meta.url);
let utils: UcumUtils | undefined;
function ucum(): UcumUtils {
  if (!utils) {
    const pkg = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
    utils = pkg.UcumLhcUtils.getInstance();
  }
  return utils;
}

const validCache = new Map<string, boolean>();

/** Whether `code` is a valid UCUM expression (case-sensitive UCUM syntax). Cached. */
export function isValidUcum(code: string): boolean {
  let v = validCache.get(code);
  if (v === undefined) {
    try {
      const r = ucum().validateUnitString(code, false);
      v = r.status === 'valid' && r.ucumCode === code;
    } catch {
      v = false;
    }
    if (validCache.size > 5000) validCache.clear();
    validCache.set(code, v);
  }
  return v;
}

// Arbitrary units (UCUM's [IU], [arb'U]…) are never converted by ucum-lhc, even m[IU]/mL →
// [IU]/L, which is a pure decimal rescaling of the same arbitrary unit. When both sides carry the
// same arbitrary atom the same number of times, we substitute a non-arbitrary unit (gram) on both
// sides and let UCUM compute the prefix/volume scaling; any other arbitrary pair stays refused.
const ARBITRARY = /\[(?:IU|iU|arb'U)\]/g;

function arbitraryAtoms(code: string): string {
  return (code.match(ARBITRARY) ?? []).sort().join(',');
}

const scaleCache = new Map<string, number | null>();

/**
 * Multiplicative factor turning a value in `from` into `to` (UCUM codes), using the molar mass
 * (g/mol) for mass↔amount conversions; null when UCUM cannot convert them or the conversion is
 * not a pure scaling (special units such as pH are only converted to themselves). Cached.
 */
export function ucumScale(from: string, to: string, molarMass?: number): number | null {
  if (from === to) return 1;
  const key = `${from}\u0000${to}\u0000${molarMass ?? ''}`;
  const hit = scaleCache.get(key);
  if (hit !== undefined) return hit;
  let result: number | null = null;
  try {
    let f = from;
    let t = to;
    const af = arbitraryAtoms(from);
    const at = arbitraryAtoms(to);
    if (af || at) {
      if (af !== at) {
        result = null;
        scaleCache.set(key, result);
        return result;
      }
      f = from.replace(ARBITRARY, 'g');
      t = to.replace(ARBITRARY, 'g');
    }
    const opts = molarMass ? { molecularWeight: molarMass } : {};
    const one = ucum().convertUnitTo(f, 1, t, opts);
    const ten = ucum().convertUnitTo(f, 10, t, opts);
    if (
      one.status === 'succeeded' &&
      ten.status === 'succeeded' &&
      one.toVal !== null &&
      ten.toVal !== null
    ) {
      // Linear through zero, or it is not a factor (offset or logarithmic units).
      const linear = Math.abs(ten.toVal - 10 * one.toVal) <= 1e-9 * Math.max(1, Math.abs(ten.toVal));
      if (linear && Number.isFinite(one.toVal) && one.toVal > 0) result = one.toVal;
    }
  } catch {
    result = null;
  }
  if (scaleCache.size > 5000) scaleCache.clear();
  scaleCache.set(key, result);
  return result;
}
