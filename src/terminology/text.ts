/**
 * @module terminology/text
 * Text folding shared by every matcher over the terminology (lab names, questions, entries):
 * case-fold, strip diacritics (é→e, ü→u, Arabic harakat), unify Arabic letter variants, and split
 * into word tokens. Folding is deliberately the same everywhere so that a synonym written once in
 * the data matches in lab reports, questions and knowledge entries alike.
 */

const COMBINING_MARKS = /\p{M}+/gu;
// Arabic: alef with hamza/madda → bare alef; alef maqsura → ya; ta marbuta → ha; tatweel removed.
const ARABIC_FOLDS: ReadonlyArray<[RegExp, string]> = [
  [/[\u0622\u0623\u0625\u0671]/g, '\u0627'],
  [/\u0649/g, '\u064A'],
  [/\u0629/g, '\u0647'],
  [/\u0640/g, ''],
];
// Typographic variants that appear in reports and questions.
const CHAR_FOLDS: ReadonlyArray<[RegExp, string]> = [
  [/[\u2018\u2019\u02BC`´]/g, "'"],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/ß/g, 'ss'],
  [/œ/g, 'oe'],
  [/æ/g, 'ae'],
  [/µ|μ/g, 'u'],
];
const WORD = /[\p{L}\p{N}]+/gu;

// Plain ASCII other than the backtick: nothing to decompose or fold but letter case. Most English
// text is, and folding runs several times per question, so it skips the ten replacements.
const PLAIN_ASCII = /^[\t\n\r\x20-\x5f\x61-\x7e]*$/;

/** Lower-case, diacritic-free, Arabic-normalised form of `s` (same length semantics not guaranteed). */
export function foldText(s: string): string {
  return PLAIN_ASCII.test(s) ? s.toLowerCase() : foldUnicode(s);
}

/** {@link foldText} without the plain-ASCII shortcut (exported so that tests can compare the two). */
export function foldUnicode(s: string): string {
  // Lower case first, so that the letter folds below see "Œ" as "œ" (and the dot of "İ" is a mark).
  let t = s.normalize('NFKD').toLowerCase().replace(COMBINING_MARKS, '');
  for (const [re, to] of CHAR_FOLDS) t = t.replace(re, to);
  for (const [re, to] of ARABIC_FOLDS) t = t.replace(re, to);
  return t;
}

// Arabic-Indic (U+0660–0669) and Persian (U+06F0–06F9) digits, and the Arabic percent sign,
// decimal and thousands separators: each maps one to one onto ASCII. Lab lines (normalize/line)
// and questions (understand) are read through the same mapping.
const EASTERN_DIGIT = /[\u0660-\u066c\u06f0-\u06f9]/g;
const easternToAscii = (ch: string): string => {
  const c = ch.charCodeAt(0);
  if (c === 0x066b) return '.';
  if (c === 0x066c) return ',';
  if (c === 0x066a) return '%';
  return String(c >= 0x06f0 ? c - 0x06f0 : c - 0x0660);
};

/** `s` with Eastern Arabic and Persian digits written as ASCII digits ("٢٠٢١" → "2021"). */
export function asciiDigits(s: string): string {
  return s.replace(EASTERN_DIGIT, easternToAscii);
}

/** Word tokens of the folded text: letters and digits; hyphens and apostrophes split words. */
export function foldTokens(s: string): string[] {
  return foldText(s).match(WORD) ?? [];
}

/** Escape a literal for use inside a RegExp (valid in `u` mode, where `\-` is not allowed). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
