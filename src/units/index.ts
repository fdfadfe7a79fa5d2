/**
 * @module units
 * Unit parsing and conversion: `parseUnit` (report spelling → UCUM), `toCanonical` /
 * `fromCanonical` / `convertRange` (analyte-aware, UCUM first, sourced analyte factors where UCUM
 * cannot), all returning the domain `Result` type.
 */
export { parseUnit, foldUnit, type ParsedUnit } from './parse.js';
export {
  toCanonical,
  fromCanonical,
  convertRange,
  type CanonicalValue,
  type CanonicalRange,
  type ConvertOptions,
} from './convert.js';
export { isValidUcum, ucumScale } from './ucum.js';
