/**
 * @module pipeline/normalize/name-analyte
 * `nameAnalyte(rawName, ctx)`: which analyte a printed test name denotes, in two stages.
 *
 * 1. Lexicon: the name is read (matcher-text: folded, tokenized, method and specimen taken out,
 *    qualifiers detected) and looked up among the terminology's synonyms in six languages — by
 *    its full token sequence, without spaces, in sorted word order (never for "/" names: FSH/LH is
 *    the inverse of LH/FSH), and by its main part and parenthesised abbreviation when they agree.
 * 2. Matcher: a learned linear model over character n-grams, words and qualifier flags with a
 *    "none of these" class; a calibrated probability below the stored threshold gives `null`.
 *
 * Both stages pass the same guard: the analyte's required qualifiers present, no forbidden one,
 * specimen compatible. A lexicon hit that fails the guard is not a hit. Never throws on any input.
 */
import { getTerminology, type AnalyteTerminology } from '../../terminology/analytes.js';
import { toCanonical } from '../../units/convert.js';
import { parseUnit } from '../../units/parse.js';
import { currentMatcherToken, getMatcher, NONE } from './matcher-model.js';
import {
  analyzeName,
  guardFailure,
  specimenKind,
  textTables,
  withinOneEdit,
  type NameAnalysis,
} from './matcher-text.js';

export interface AnalyteNaming {
  /** Analyte id, or null when the name cannot be named with confidence. */
  analyte: string | null;
  /** Probability the naming is right: lexicon hits are near 1; for null, the best candidate's probability. */
  confidence: number;
  stage: 'lexicon' | 'matcher' | 'none';
  /** Method label id taken from the name (`eclia`, `clia`, `access`…), or null. */
  method: string | null;
  /** Matcher candidates (best first, at most 5, "none" excluded); empty for lexicon hits. */
  candidates: Array<{ analyte: string; p: number }>;
  /** Why a candidate was refused (guard or threshold), for the `unrecognized` entry. */
  reason?: string;
}

export interface NamingContext {
  /**
   * Unit printed on the line. Never used to choose an analyte; the matcher stage refuses a
   * candidate whose canonical unit this unit cannot be converted to ("Hemoglobin … pg" is MCH).
   */
  unit?: string;
  /** Specimen stated by the report section ("semen", "serum"); enables bare column headers. */
  specimen?: string;
}

/** Confidence given to a lexicon hit (an exact synonym that passed the guard). */
export const LEXICON_CONFIDENCE = 0.99;

interface Lexicon {
  full: Map<string, string>;
  context: Map<string, string>;
}

const lexicons = new WeakMap<AnalyteTerminology, Lexicon>();

/** Lookup keys of a token list: spaced, compact and (without "/") sorted. */
export function lexiconKeys(tokens: string[]): string[] {
  if (tokens.length === 0) return [];
  const keys = [tokens.join(' '), 's:' + tokens.join('')];
  if (!tokens.includes('/')) keys.push('o:' + [...tokens].sort().join(' '));
  return keys;
}

function addKeys(map: Map<string, string>, tokens: string[], id: string, where: string): void {
  for (const k of lexiconKeys(tokens)) {
    const prev = map.get(k);
    if (prev && prev !== id) {
      throw new Error(
        `analytes.yaml: synonym "${where}" of "${id}" reads the same as a synonym of "${prev}" (key "${k}")`,
      );
    }
    map.set(k, id);
  }
}

/** The lexicon of a terminology (built once; throws naming the two analytes on a collision). */
export function buildLexicon(term: AnalyteTerminology = getTerminology()): Lexicon {
  let lex = lexicons.get(term);
  if (lex) return lex;
  const full = new Map<string, string>();
  const context = new Map<string, string>();
  for (const a of term.analytes()) {
    const names = [a.id, a.name, ...Object.values(a.synonyms).flat()];
    for (const n of names) {
      const an = analyzeName(n, term);
      if (an.all.length) addKeys(full, an.all, a.id, n);
    }
  }
  for (const a of term.analytes()) {
    for (const n of a.contextSynonyms) {
      const an = analyzeName(n, term);
      if (!an.all.length) continue;
      // A context synonym must not shadow a general one.
      for (const k of lexiconKeys(an.all)) {
        const general = full.get(k);
        if (general && general !== a.id) {
          throw new Error(
            `analytes.yaml: context synonym "${n}" of "${a.id}" is a general synonym of "${general}"`,
          );
        }
      }
      addKeys(context, an.all, a.id, n);
    }
  }
  lex = { full, context };
  lexicons.set(term, lex);
  return lex;
}

/**
 * Anchors of an analyte: the identity-bearing words of its synonyms — tokens that are not
 * qualifiers or fillers, and adjacent pairs glued ("t 4" → "t4", "e 2" → "e2"). The matcher may
 * name an analyte only if the name shares an anchor with it (exactly, or within one edit for
 * words of five letters or more): a name with no word of the analyte ("Antibody screen" for
 * anti-thyroglobulin, "CMV IgG" for rubella IgG) is never named by resemblance alone.
 */
const anchorCache = new WeakMap<AnalyteTerminology, Map<string, Set<string>>>();

function nameAnchors(tokens: string[], qualifierTokens: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t !== '/' && t !== '+' && !qualifierTokens.has(t)) out.push(t);
    const next = tokens[i + 1];
    if (
      next !== undefined &&
      t !== '/' &&
      next !== '/' &&
      !qualifierTokens.has(t) &&
      !qualifierTokens.has(next)
    ) {
      const pair = t + next;
      if (pair.length <= 6) out.push(pair);
    }
  }
  return out.filter((t) => t.length >= 2);
}

function analyteAnchors(term: AnalyteTerminology): Map<string, Set<string>> {
  let m = anchorCache.get(term);
  if (m) return m;
  m = new Map();
  const qTokens = new Set(textTables(term).qualifierTokens.keys());
  const stop = new Set(term.anchorStopwords.flatMap((w) => analyzeName(w, term).all));
  for (const a of term.analytes()) {
    const set = new Set<string>();
    for (const n of [a.name, ...Object.values(a.synonyms).flat(), ...a.contextSynonyms]) {
      for (const t of nameAnchors(analyzeName(n, term).all, qTokens)) if (!stop.has(t)) set.add(t);
    }
    m.set(a.id, set);
  }
  anchorCache.set(term, m);
  return m;
}

const qualifierTokenSets = new WeakMap<AnalyteTerminology, Set<string>>();

function sharesAnchor(an: NameAnalysis, id: string, term: AnalyteTerminology): boolean {
  const anchors = analyteAnchors(term).get(id);
  if (!anchors) return false;
  let qTokens = qualifierTokenSets.get(term);
  if (!qTokens) {
    qTokens = new Set(textTables(term).qualifierTokens.keys());
    qualifierTokenSets.set(term, qTokens);
  }
  for (const t of nameAnchors(an.all, qTokens)) {
    if (anchors.has(t)) return true;
    if (t.length >= 5) for (const x of anchors) if (x.length >= 5 && withinOneEdit(t, x)) return true;
    // German compounds carry the head word at the end: "Nüchternglukose" → "glukose".
    if (t.length >= 9) for (const x of anchors) if (x.length >= 5 && t.endsWith(x)) return true;
  }
  return false;
}

function lookup(map: Map<string, string>, tokens: string[]): string | undefined {
  for (const k of lexiconKeys(tokens)) {
    const id = map.get(k);
    if (id) return id;
  }
  return undefined;
}

/** Bilingual names print the same test twice: "Prolactine / Prolactin". */
const BILINGUAL_SEPARATOR = ' / ';

/** Stage 1 on an analysis: the lexicon's analyte, or undefined. */
function lexiconStage(
  an: NameAnalysis,
  stated: string | null,
  term: AnalyteTerminology,
  raw: string,
): string | undefined {
  const whole = lexiconSingle(an, stated, term);
  if (whole || !raw.includes(BILINGUAL_SEPARATOR)) return whole;
  // Each side named on its own; every side that names something must name the same analyte.
  // (A ratio such as "LH / FSH" is a synonym and was found above as a whole.)
  const found = new Set<string>();
  const parts = raw.split(BILINGUAL_SEPARATOR).slice(0, 3);
  for (const part of parts) {
    const id = lexiconSingle(analyzeName(part, term), stated, term);
    if (id) found.add(id);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

function lexiconSingle(
  an: NameAnalysis,
  stated: string | null,
  term: AnalyteTerminology,
): string | undefined {
  const lex = buildLexicon(term);
  const spec = stated ?? an.specimen;
  const tryMap = (map: Map<string, string>): string | undefined => {
    const whole = lookup(map, an.all);
    if (whole) return whole;
    // Main part and parenthesised abbreviations: all that are found must agree.
    const found = new Set<string>();
    const m = lookup(map, an.main);
    if (m) found.add(m);
    for (const g of an.groups) {
      const id = lookup(map, g);
      if (id) found.add(id);
    }
    return found.size === 1 ? [...found][0] : undefined;
  };
  const candidates: string[] = [];
  const general = tryMap(lex.full);
  if (general) candidates.push(general);
  else if (spec) {
    const ctxId = tryMap(lex.context);
    // Context synonyms need the specimen to be stated and to fit the analyte.
    const a = ctxId ? term.analyte(ctxId) : undefined;
    if (a && (term.specimenCompatibility[a.specimen] ?? []).includes(spec)) candidates.push(a.id);
  }
  for (const id of candidates) {
    const a = term.analyte(id);
    if (a && guardFailure(a, an, stated, term) === null) return id;
  }
  return undefined;
}

/** Stage 1 alone: the lexicon's analyte for a name (used to label training data consistently). */
export function lexiconName(rawName: string, ctx: NamingContext = {}): string | null {
  const term = getTerminology();
  const an = analyzeName(rawName, term);
  if (an.all.length === 0) return null;
  return lexiconStage(an, specimenKind(ctx.specimen, term), term, rawName.slice(0, 200)) ?? null;
}

/**
 * Name the analyte of a printed test name (see module doc). `ctx.specimen` is the specimen the
 * report states for the section ("semen" for a semen analysis), if any.
 */
export function nameAnalyte(rawName: string, ctx: NamingContext = {}): AnalyteNaming {
  // Reports repeat the same names: the answer for (name, specimen) is cached (bounded). The
  // result depends only on them, the terminology and the matcher, which a retrain replaces.
  const key = `${typeof rawName === 'string' ? rawName.slice(0, 200) : ''}\u0000${ctx.specimen ?? ''}\u0000${ctx.unit ?? ''}`;
  const hit = namingCache.get(key);
  if (hit && hit.matcher === currentMatcherToken()) return cloneNaming(hit.value);
  const value = nameUncached(rawName, ctx);
  if (namingCache.size >= NAMING_CACHE_SIZE) namingCache.clear();
  namingCache.set(key, { value, matcher: currentMatcherToken() });
  return cloneNaming(value);
}

const NAMING_CACHE_SIZE = 20_000;
const namingCache = new Map<string, { value: AnalyteNaming; matcher: unknown }>();

function cloneNaming(n: AnalyteNaming): AnalyteNaming {
  return { ...n, candidates: n.candidates.map((c) => ({ ...c })) };
}

/** Forget cached namings (benchmarks measure first-seen names with it). */
export function clearNamingCache(): void {
  namingCache.clear();
}

function nameUncached(rawName: string, ctx: NamingContext): AnalyteNaming {
  const term = getTerminology();
  const an = analyzeName(typeof rawName === 'string' ? rawName : '', term);
  const stated = specimenKind(ctx.specimen, term);
  if (an.all.length === 0) {
    return {
      analyte: null,
      confidence: 0,
      stage: 'none',
      method: an.method,
      candidates: [],
      reason: 'no name',
    };
  }
  // A stated specimen that is another fluid ("Urine") forbids every analyte as a word in the
  // name would: its qualifiers join the name's.
  if (ctx.specimen) for (const q of analyzeName(ctx.specimen, term).qualifiers) an.qualifiers.add(q);
  const raw = typeof rawName === 'string' ? rawName.slice(0, 200) : '';
  const hit = lexiconStage(an, stated, term, raw);
  if (hit)
    return {
      analyte: hit,
      confidence: LEXICON_CONFIDENCE,
      stage: 'lexicon',
      method: an.method,
      candidates: [],
    };
  if (raw.includes(BILINGUAL_SEPARATOR)) {
    // Two sides naming two different analytes ("Prolactine / FSH"): not a guess between them.
    const sides = new Set<string>();
    for (const part of raw.split(BILINGUAL_SEPARATOR).slice(0, 3)) {
      const id = lexiconSingle(analyzeName(part, term), stated, term);
      if (id) sides.add(id);
    }
    if (sides.size > 1) {
      const reason = `the name denotes several analytes (${[...sides].join(', ')})`;
      return { analyte: null, confidence: 0, stage: 'none', method: an.method, candidates: [], reason };
    }
  }

  const matcher = getMatcher();
  const p = matcher.probabilities(an);
  const ranked: Array<{ analyte: string; p: number }> = [];
  for (let k = 0; k < p.length; k++)
    if (matcher.classes[k] !== NONE) ranked.push({ analyte: matcher.classes[k]!, p: p[k]! });
  ranked.sort((x, y) => y.p - x.p);
  const candidates = ranked.slice(0, 5).map((c) => ({ analyte: c.analyte, p: Number(c.p.toFixed(4)) }));
  let reason: string | undefined;
  for (const c of ranked) {
    if (c.p < matcher.threshold) break;
    const a = term.analyte(c.analyte);
    if (!a) continue; // a class the terminology no longer has (stale model): never returned
    let why = guardFailure(a, an, stated, term);
    if (why === null && !sharesAnchor(an, a.id, term)) why = `no word of ${a.id} in the name`;
    if (why === null && ctx.unit && ctx.unit.trim() && parseUnit(ctx.unit).kind === 'ok') {
      const conv = toCanonical(a.id, 1, ctx.unit);
      if (conv.kind === 'declined' && conv.reasons.some((r) => r.code === 'unit-unconvertible')) {
        why = `unit "${ctx.unit}" does not fit ${a.id} (${a.unit})`;
      }
    }
    // Bare headers of some specimens ("pH", "a+b") are only names within that specimen's section.
    if (why === null && term.matcherNeedsSpecimen.includes(a.specimen) && (stated ?? an.specimen) === null) {
      why = `${a.specimen} analyte named only with the specimen stated`;
    }
    if (why === null) {
      return { analyte: a.id, confidence: c.p, stage: 'matcher', method: an.method, candidates };
    }
    reason ??= `${a.id}: ${why}`;
  }
  const best = ranked[0];
  reason ??= best
    ? `best candidate ${best.analyte} at ${best.p.toFixed(3)} is below the threshold ${matcher.threshold}`
    : 'no candidate';
  return { analyte: null, confidence: best?.p ?? 0, stage: 'none', method: an.method, candidates, reason };
}
