/**
 * @module units/patterns
 * Every regular expression the unit parser uses, in one place, each anchored or a plain character
 * class with no nested quantifiers, so that matching time is linear in the input (checked by a
 * catastrophic-backtracking test in patterns.test.ts). Inputs are also length-capped before use.
 */

/** Unit strings longer than this are not units (a whole line pasted into the unit cell). */
export const MAX_UNIT_LENGTH = 40;

/** Power-of-ten count factors as written on reports: 10^6, 10*6, 10e6, x10E6, ×10⁶ (NFKC'd), 10(6). */
export const TEN_POWER = /^(?:x|\*)?10(?:\^|\*\*|\*|e)?\(?([0-9]{1,2})\)?$/;

/** Characters dropped from a unit before table lookup (spaces, dots used as multiplication, quotes). */
export const UNIT_NOISE = /[\s'"`·•]+/g;

/** Micro sign variants after NFKC (U+00B5 becomes U+03BC). */
export const MICRO = /[\u00b5\u03bc]/g;

/** A string that is already written in UCUM syntax (brackets, braces or an asterisk exponent). */
export const LOOKS_UCUM = /[[\]{}*]/;

/** Splits a unit into numerator and denominator at the first slash or " per ". */
export const PER_WORD = /\bper\b/g;

/** The multiplication sign used in "×10⁶/mL". */
export const TIMES_SIGN = /×/g;

/** "mc" micro prefix after a slash ("ng/mcl" is rare but "mcg" is common; handled at the start). */
export const SLASH_MC = /\/mc/g;

/** A UCUM bracket atom on its own ("[pH]", "[iu]"), which must keep its brackets. */
export const BRACKET_ATOM = /^\[[a-z']+\]$/;

/** UCUM enzyme unit atoms with an optional prefix (U, mU, uU…), not inside a bracket atom. */
export const ENZYME_U = /(^|[^a-zA-Z[])([kmunp]?)U(?![a-zA-Z\]])/g;

/** Whether a UCUM code mentions U at all (cheap pre-check before ENZYME_U). */
export const HAS_U = /U/;
