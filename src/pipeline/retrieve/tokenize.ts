/**
 * @module pipeline/retrieve/tokenize
 * The lexical analyzer: text → index terms. Two steps, so that callers can look at the words
 * before they are stemmed (the answer engine's concept expansion matches terminology phrases on
 * them):
 *
 * 1. `tokenize(text, options)` → surface tokens: Unicode NFKC, case-folded, accents removed,
 *    Greek letters spelled out (α → alpha), numbers with units split ("1.2ng/ml" → "1.2", "ng/ml"),
 *    hyphenated words kept joined and split ("IL-6" → "il6", "il", "6"). Stop words are kept.
 * 2. `toTerms(tokens, options)` → index terms: stop words removed, English stemming (Porter2).
 *
 * `mode: 'simple'` is the baseline the ablation starts from (lower-cased runs of letters and
 * digits, nothing else); `mode: 'biomedical'` is everything above.
 */
import { porter2 } from './porter2.js';
import { americanSpelling } from './spelling.js';
import { stopWordSet, type StopWordList } from './stopwords.js';

/** How text becomes terms. Recorded with every search result (no silent defaults). */
export interface AnalyzerOptions {
  /** `biomedical`: the full normalization above; `simple`: lower-cased letter/digit runs only. */
  mode: 'biomedical' | 'simple';
  /** Stop-word list removed from the terms (not from the surface tokens). */
  stopWords: StopWordList;
  /** `porter2`: Snowball English; `none`: no stemming. */
  stem: 'porter2' | 'none';
}

/**
 * Tokens longer than this are dropped: no word is that long, and a 100 KB run of letters
 * (a pasted sequence, an attack) should not become one giant dictionary key.
 */
export const MAX_TOKEN_LENGTH = 64;

const GREEK: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ϵ: 'epsilon',
  ζ: 'zeta',
  η: 'eta',
  θ: 'theta',
  ϑ: 'theta',
  ι: 'iota',
  κ: 'kappa',
  ϰ: 'kappa',
  λ: 'lambda',
  μ: 'mu',
  ν: 'nu',
  ξ: 'xi',
  ο: 'omicron',
  π: 'pi',
  ρ: 'rho',
  σ: 'sigma',
  ς: 'sigma',
  τ: 'tau',
  υ: 'upsilon',
  φ: 'phi',
  ϕ: 'phi',
  χ: 'chi',
  ψ: 'psi',
  ω: 'omega',
};
const GREEK_RE = new RegExp(`[${Object.keys(GREEK).join('')}]`, 'g');

/** Letters that Unicode decomposition does not reduce to ASCII. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');

const ALNUM = /[\p{L}\p{N}]/u;

/**
 * A unit of measure as written in biomedical text: an optional SI prefix and a base unit, then
 * one or more "/denominator" parts ("ng/ml", "mmol/l", "mg/kg/d", "ml/min/1.73m2", "iu/l").
 * Used to keep "ng/ml" as one token instead of splitting it like "and/or".
 */
const UNIT_PART =
  '(?:[pnumcdk]|mc|mi)?(?:g|l|mol|iu|u|eq|osm|m|s|h|hr|min|d|day|wk|kg|m2|1\\.73m2|dl|ml|cell|cells)\\d?';
const UNIT_WITH_SLASH = new RegExp(`^${UNIT_PART}(?:\\/${UNIT_PART})+$`);
/** A unit right after a number in one chunk ("10mg", "28wk", "1.2ng/ml"). */
const UNIT_ANY = new RegExp(`^(?:${UNIT_PART}(?:\\/${UNIT_PART})*|%)$`);
const NUMBER_THEN_REST = /^(\d+(?:\.\d+)?)([a-z%].*)$/;
const NUMERIC = /^\d+(?:\.\d+)?$/;

/**
 * Chunks: runs of letters and digits joined by connectors that belong inside a term
 * (hyphens, slashes, dots, apostrophes, underscores). The en dash is not one: "10–20" is a range.
 */
const CHUNK_RE = /[\p{L}\p{N}]+(?:[-‐/._'’][\p{L}\p{N}]+)*/gu;
const SIMPLE_RE = /[\p{L}\p{N}]+/gu;
/** A chunk of letters only (any script): nothing in it to split. */
const PLAIN_WORD = /^\p{L}+$/u;

/**
 * Normalize text before splitting: NFKC (full-width forms, ligatures, superscripts), lower case,
 * accents removed, micro sign before a unit → "u", Greek letters spelled out, and the decimal
 * comma and thousands separators of numbers made uniform.
 */
export function normalizeText(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  // Accents: decompose and drop the combining marks (é → e, ü → u, ά → α).
  s = s.normalize('NFD').replace(/\p{M}+/gu, '');
  s = s.replace(SPECIAL_RE, (c) => SPECIAL_LETTERS[c] ?? c);
  // µg, μmol/l, μm: the micro prefix of a unit is written "u" in ASCII unit notation (UCUM).
  s = s.replace(/μ(?=(?:g|l|m|mol|iu|u|eq)(?![a-z]))/g, 'u');
  // Greek letters become words; where one touches a letter or digit ("ifnγ", "β2"), a hyphen is
  // put in so that the hyphen rule below indexes both the joined and the split form.
  s = s.replace(GREEK_RE, (c: string, at: number, whole: string) => {
    const name = GREEK[c] ?? c;
    // A Greek letter before this one already put in the hyphen between them.
    const prev = whole[at - 1] ?? '';
    const before = at > 0 && ALNUM.test(prev) && GREEK[prev] === undefined ? '-' : '';
    const after = at + 1 < whole.length && ALNUM.test(whole[at + 1] ?? '') ? '-' : '';
    return before + name + after;
  });
  // "5,183" → "5183"; "8,57" → "8.57" (decimal comma, as in French or German lab reports).
  s = s.replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/(?<![\d,])(\d+),(\d{1,2})(?![\d,])/g, '$1.$2');
  return s;
}

function pushToken(out: string[], t: string): void {
  if (t.length > 0 && t.length <= MAX_TOKEN_LENGTH) out.push(t);
}

/** Hyphenated words: each part, and the joined form unless every part is a number (a range). */
function pushHyphenated(out: string[], piece: string): void {
  const parts = piece.split(/[-‐_]/).filter((p) => p.length > 0);
  if (parts.length <= 1) {
    pushToken(out, parts[0] ?? '');
    return;
  }
  if (!parts.every((p) => NUMERIC.test(p))) pushToken(out, parts.join(''));
  for (const p of parts) pushToken(out, p);
}

function pushPart(out: string[], part: string): void {
  if (part.length === 0) return;
  // A number glued to its unit: "1.2ng/ml" → "1.2", "ng/ml".
  const m = NUMBER_THEN_REST.exec(part);
  if (m !== null && UNIT_ANY.test(m[2]!)) {
    pushToken(out, m[1]!);
    if (m[2] !== '%') pushToken(out, m[2]!);
    return;
  }
  if (part.includes('/')) {
    if (UNIT_WITH_SLASH.test(part)) {
      pushToken(out, part);
      return;
    }
    for (const piece of part.split('/')) pushHyphenated(out, piece);
    return;
  }
  pushHyphenated(out, part);
}

/** Text → surface tokens (normalized words, stop words kept, not stemmed). */
export function tokenize(text: string, options: Pick<AnalyzerOptions, 'mode'>): string[] {
  const out: string[] = [];
  if (options.mode === 'simple') {
    for (const m of text.normalize('NFKC').toLowerCase().matchAll(SIMPLE_RE)) pushToken(out, m[0]);
    return out;
  }
  for (const m of normalizeText(text).matchAll(CHUNK_RE)) {
    // Fast path: most chunks are plain words, with nothing to split.
    if (PLAIN_WORD.test(m[0])) {
      pushToken(out, m[0]);
      continue;
    }
    // Possessive "'s" goes; other apostrophes join ("o'neill" → "oneill").
    const chunk = m[0].replace(/['’]s$/, '').replace(/['’]/g, '');
    // Dots split words ("e.g", "cells.the") but not numbers ("1.25").
    for (const part of chunk.split(/(?<!\d)\.|\.(?!\d)/)) pushPart(out, part);
  }
  return out;
}

/**
 * Spelling and stemming are deterministic per word, so their result is cached, one cache per
 * combination of options; each cache is bounded so that an adversarial stream of distinct words
 * cannot grow memory without limit.
 */
const termCaches = new Map<string, Map<string, string>>();
const TERM_CACHE_LIMIT = 200_000;

function termCache(us: boolean, stem: AnalyzerOptions['stem']): Map<string, string> {
  const key = `${us ? 'us' : 'as-written'}/${stem}`;
  let cache = termCaches.get(key);
  if (cache === undefined) termCaches.set(key, (cache = new Map()));
  return cache;
}

/**
 * Surface tokens → index terms: stop words out, then (biomedical mode) British spellings made
 * American, then stemming.
 */
export function toTerms(tokens: readonly string[], options: AnalyzerOptions): string[] {
  const stop = stopWordSet(options.stopWords);
  const us = options.mode === 'biomedical';
  if (!us && options.stem === 'none') return tokens.filter((t) => !stop.has(t));
  const cache = termCache(us, options.stem);
  const out: string[] = [];
  for (const t of tokens) {
    if (stop.has(t)) continue;
    let term = cache.get(t);
    if (term === undefined) {
      const w = us ? americanSpelling(t) : t;
      term = options.stem === 'porter2' ? porter2(w) : w;
      if (cache.size >= TERM_CACHE_LIMIT) cache.clear();
      cache.set(t, term);
    }
    out.push(term);
  }
  return out;
}

/** Text → index terms (`toTerms(tokenize(text))`). */
export function analyze(text: string, options: AnalyzerOptions): string[] {
  return toTerms(tokenize(text, options), options);
}
