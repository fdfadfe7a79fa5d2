/**
 * @module pipeline/normalize/matcher-text
 * How a printed analyte name is read before naming: folded (case, accents, Arabic letter forms),
 * split into tokens (letters and digits apart: "FT4" → "ft 4", "17-OHP" → "17 ohp"), method labels
 * ("(ECLIA)", "Elecsys") taken out into `method`, specimen words ("serum", "sérum") taken out into
 * `specimen`, unit-like parentheses dropped, fillers ("level", "dosage de la") dropped, and the
 * qualifiers that separate near neighbours (free, total, ratio, 17-OH, post-prandial, non-…)
 * detected. Both naming stages and the matcher's features read this analysis, so a qualifier can
 * never be dropped by one stage and seen by the other.
 *
 * The tokenizer is a single pass over the characters (no regular expressions with quantifiers),
 * so its time is linear in the input; names are also capped at MAX_NAME_LENGTH.
 */
import type { AnalyteTerminology, Analyte } from '../../terminology/analytes.js';
import { foldText } from '../../terminology/text.js';
import { parseUnit } from '../../units/parse.js';

/** Names longer than this are cut: a lab-test name is short; the rest is not identity. */
export const MAX_NAME_LENGTH = 160;

export interface NameAnalysis {
  /** Tokens outside parentheses, after method/specimen/filler removal. */
  main: string[];
  /** Token lists of the parenthesised groups that were kept (not a method, unit or specimen). */
  groups: string[][];
  /** main + groups, in reading order: what the lexicon's full key and the matcher see. */
  all: string[];
  /** Method id from the terminology (`eclia`, `access`…), or null. */
  method: string | null;
  /** Specimen kind stated in the name (`serum`, `plasma`, `blood`, `semen`), or null. */
  specimen: string | null;
  /** Qualifier group ids present (`free`, `total`, `ratio`, …). */
  qualifiers: Set<string>;
}

interface RawToken {
  text: string;
  /** 0 outside parentheses; k for the k-th parenthesised group. */
  group: number;
}

// Single characters mapped before tokenizing (Greek letters used in steroid names).
const CHAR_MAP: Record<string, string> = { α: ' alpha ', β: ' beta ', γ: ' gamma ' };

/** One Unicode letter (any script); applied to single characters only, so it cannot backtrack. */
export const LETTER = /^\p{L}$/u;
const isLetter = (c: string): boolean => LETTER.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/**
 * Tokenize folded text: letters and digits form separate tokens; '/' and '+' are tokens of their
 * own (ratio "LH/FSH", motility "a+b"); brackets open and close groups; everything else separates.
 * Returns the tokens and, for each group, the raw text inside it (for unit detection).
 */
export function tokenize(folded: string): { tokens: RawToken[]; groupText: string[] } {
  const tokens: RawToken[] = [];
  const groupText: string[] = [''];
  let depth = 0;
  let group = 0;
  let groups = 0;
  let cur = '';
  let curKind: 'l' | 'd' | '' = '';
  const flush = (): void => {
    if (cur) tokens.push({ text: cur, group });
    cur = '';
    curKind = '';
  };
  for (const ch0 of folded) {
    const mapped = CHAR_MAP[ch0];
    const chars = mapped ?? ch0;
    for (const ch of chars) {
      if (depth > 0) groupText[group] += ch;
      if (ch === '(' || ch === '[') {
        flush();
        if (depth === 0) {
          groups += 1;
          group = groups;
          groupText[group] = '';
        }
        depth += 1;
        continue;
      }
      if (ch === ')' || ch === ']') {
        flush();
        if (depth > 0) {
          depth -= 1;
          if (depth === 0) {
            // drop the closing bracket captured above
            groupText[group] = groupText[group]!.slice(0, -1);
            group = 0;
          }
        }
        continue;
      }
      const kind = isDigit(ch) ? 'd' : isLetter(ch) ? 'l' : '';
      if (kind === '') {
        flush();
        if (ch === '/' || ch === '+' || ch === ':') tokens.push({ text: ch, group });
        continue;
      }
      if (kind !== curKind) flush();
      cur += ch;
      curKind = kind;
    }
  }
  flush();
  // A colon ends a label ("FSH:") or separates a quotient ("LH : FSH"): dropped at either end,
  // read as "/" between words.
  const out: RawToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text !== ':') out.push(t);
    else if (out.length && i < tokens.length - 1 && tokens[i + 1]!.text !== ':')
      out.push({ text: '/', group: t.group });
  }
  return { tokens: out, groupText };
}

/** Compiled, folded word lists from the terminology (built once per terminology). */
export interface TextTables {
  methodPhrases: Array<{ tokens: string[]; id: string }>;
  /** Method phrases by their first token. */
  methodByFirst: Map<string, Array<{ tokens: string[]; id: string }>>;
  /** Qualifier phrases by their first token. */
  qualifierPhraseByFirst: Map<string, Array<{ tokens: string[]; id: string }>>;
  /** Qualifier tokens long enough to be recognised with one typo. */
  fuzzyQualifierTokens: Array<[string, string[]]>;
  specimenWord: Map<string, { kind: string; keep: boolean }>;
  fillers: Set<string>;
  qualifierTokens: Map<string, string[]>;
  qualifierPhrases: Array<{ tokens: string[]; id: string }>;
  qualifierStems: Array<{ stem: string; id: string }>;
  /** Raw (accent-sensitive) words → qualifier ids. */
  qualifierRaw: Map<string, string[]>;
}

/** Fold and tokenize a data-file word or phrase the same way names are (so data matches text). */
export function foldWords(s: string): string[] {
  return tokenize(foldText(s)).tokens.map((t) => t.text);
}

const tablesCache = new WeakMap<AnalyteTerminology, TextTables>();

/** The folded tables for a terminology, cached. */
export function textTables(term: AnalyteTerminology): TextTables {
  let t = tablesCache.get(term);
  if (t) return t;
  const methodPhrases: TextTables['methodPhrases'] = [];
  for (const m of term.methods()) {
    for (const n of [m.label, ...m.names]) {
      const toks = foldWords(n);
      if (toks.length) methodPhrases.push({ tokens: toks, id: m.id });
    }
  }
  // Longest phrase first so "gen ii elisa" wins over "elisa".
  methodPhrases.sort((a, b) => b.tokens.length - a.tokens.length);
  const specimenWord = new Map<string, { kind: string; keep: boolean }>();
  for (const [kind, words] of Object.entries(term.specimens)) {
    for (const w of words) {
      for (const tok of foldWords(w))
        specimenWord.set(tok, { kind, keep: term.keepSpecimenWords.includes(kind) });
    }
  }
  const fillers = new Set(term.fillers.flatMap((f) => foldWords(f)));
  const qualifierTokens = new Map<string, string[]>();
  const qualifierPhrases: TextTables['qualifierPhrases'] = [];
  const qualifierStems: TextTables['qualifierStems'] = [];
  const qualifierRaw = new Map<string, string[]>();
  for (const [id, q] of Object.entries(term.qualifiers)) {
    for (const tok of q.tokens) {
      // A token entry written with punctuation ("/") is kept as is; others are folded.
      const folded = tok === '/' || tok === '+' ? [tok] : foldWords(tok);
      if (folded.length === 1)
        qualifierTokens.set(folded[0]!, [...(qualifierTokens.get(folded[0]!) ?? []), id]);
      else if (folded.length > 1) qualifierPhrases.push({ tokens: folded, id });
    }
    for (const p of q.phrases) qualifierPhrases.push({ tokens: p.flatMap((w) => foldWords(w)), id });
    for (const s of q.stems) qualifierStems.push({ stem: foldText(s), id });
    for (const w of q.raw) qualifierRaw.set(w, [...(qualifierRaw.get(w) ?? []), id]);
  }
  const byFirst = (
    xs: Array<{ tokens: string[]; id: string }>,
  ): Map<string, Array<{ tokens: string[]; id: string }>> => {
    const m = new Map<string, Array<{ tokens: string[]; id: string }>>();
    for (const x of xs) m.set(x.tokens[0]!, [...(m.get(x.tokens[0]!) ?? []), x]);
    return m;
  };
  t = {
    methodPhrases,
    methodByFirst: byFirst(methodPhrases),
    qualifierPhraseByFirst: byFirst(qualifierPhrases),
    fuzzyQualifierTokens: [...qualifierTokens].filter(([q]) => q.length >= FUZZY_QUALIFIER_LENGTH),
    specimenWord,
    fillers,
    qualifierTokens,
    qualifierPhrases,
    qualifierStems,
    qualifierRaw,
  };
  tablesCache.set(term, t);
  return t;
}

function matchAt(tokens: string[], i: number, phrase: string[]): boolean {
  if (i + phrase.length > tokens.length) return false;
  for (let k = 0; k < phrase.length; k++) if (tokens[i + k] !== phrase[k]) return false;
  return true;
}

/** Levenshtein distance ≤ 1 (one insertion, deletion or substitution); linear, no allocation. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // compare the tails after skipping one character in one or both strings
  const da = la >= lb ? 1 : 0;
  const db = lb >= la ? 1 : 0;
  let x = i + da;
  let y = i + db;
  while (x < la && y < lb) {
    if (a.charCodeAt(x) !== b.charCodeAt(y)) return false;
    x++;
    y++;
  }
  return true;
}

/** Qualifier words this long are also recognised with one typo ("fassting", "postprandail"). */
const FUZZY_QUALIFIER_LENGTH = 6;

/** Qualifier groups present in a token list. */
export function detectQualifiers(tokens: string[], tables: TextTables): Set<string> {
  const found = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    for (const id of tables.qualifierTokens.get(tok) ?? []) found.add(id);
    if (tok.length >= FUZZY_QUALIFIER_LENGTH && !tables.qualifierTokens.has(tok)) {
      for (const [q, ids] of tables.qualifierTokens) {
        if (q.length >= FUZZY_QUALIFIER_LENGTH && withinOneEdit(tok, q)) for (const id of ids) found.add(id);
      }
    }
    for (const p of tables.qualifierPhrases)
      if (tok === p.tokens[0] && matchAt(tokens, i, p.tokens)) found.add(p.id);
    if (tok.length >= 5) for (const s of tables.qualifierStems) if (tok.startsWith(s.stem)) found.add(s.id);
  }
  return found;
}

/** Read a printed analyte name (see module doc). Never throws. */
export function analyzeName(raw: string, term: AnalyteTerminology): NameAnalysis {
  const tables = textTables(term);
  const folded = foldText(typeof raw === 'string' ? raw.slice(0, MAX_NAME_LENGTH) : '');
  const { tokens: rawTokens, groupText } = tokenize(folded);
  // Groups that are units ("(ng/mL)", "(%)") carry no identity.
  const unitGroups = new Set<number>();
  for (let g = 1; g < groupText.length; g++) {
    const txt = groupText[g]!.trim();
    if (txt && parseUnit(txt).kind === 'ok') unitGroups.add(g);
  }
  let toks = rawTokens.filter((t) => !unitGroups.has(t.group));
  // Methods: remove every method phrase, remember the first.
  let method: string | null = null;
  const words = toks.map((t) => t.text);
  const drop = new Array<boolean>(toks.length).fill(false);
  for (let i = 0; i < words.length; i++) {
    if (drop[i]) continue;
    for (const p of tables.methodByFirst.get(words[i]!) ?? []) {
      if (matchAt(words, i, p.tokens)) {
        // A method phrase must not straddle a group boundary.
        const g = toks[i]!.group;
        let same = true;
        for (let k = 0; k < p.tokens.length; k++) if (toks[i + k]!.group !== g) same = false;
        if (!same) continue;
        method ??= p.id;
        for (let k = 0; k < p.tokens.length; k++) drop[i + k] = true;
        break;
      }
    }
  }
  toks = toks.filter((_, i) => !drop[i]);
  let specimen: string | null = null;
  const kept: RawToken[] = [];
  for (const t of toks) {
    const sp = tables.specimenWord.get(t.text);
    if (sp) {
      specimen ??= sp.kind;
      if (!sp.keep) continue;
    }
    if (tables.fillers.has(t.text)) continue;
    kept.push(t);
  }
  const main = kept.filter((t) => t.group === 0).map((t) => t.text);
  const byGroup = new Map<number, string[]>();
  for (const t of kept) if (t.group > 0) byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), t.text]);
  const groups = [...byGroup.values()].filter((g) => g.some((x) => x !== '/' && x !== '+'));
  const all = kept.map((t) => t.text);
  const qualifiers = detectQualifiers(all, tables);
  if (tables.qualifierRaw.size) {
    // Raw words: split the unfolded text on anything that is not a letter (single pass).
    let word = '';
    const check = (): void => {
      for (const id of tables.qualifierRaw.get(word) ?? []) qualifiers.add(id);
      word = '';
    };
    for (const ch of typeof raw === 'string' ? raw.slice(0, MAX_NAME_LENGTH) : '') {
      if (LETTER.test(ch)) word += ch;
      else check();
    }
    check();
  }
  return { main, groups, all, method, specimen, qualifiers };
}

/** Map a caller-stated specimen ("Serum", "semen", "sperme") to a specimen kind, or null. */
export function specimenKind(text: string | undefined, term: AnalyteTerminology): string | null {
  if (!text) return null;
  const tables = textTables(term);
  const kinds = Object.keys(term.specimens);
  for (const tok of foldWords(text)) {
    if (kinds.includes(tok)) return tok;
    const sp = tables.specimenWord.get(tok);
    if (sp) return sp.kind;
  }
  return null;
}

/**
 * The qualifier and specimen guard: may this analysis name this analyte? Every required
 * qualifier present, no forbidden one (the analyte's and the global ones), and a stated
 * specimen compatible with the analyte's. Returns the reason it may not, or null.
 */
export function guardFailure(
  a: Analyte,
  analysis: NameAnalysis,
  statedSpecimen: string | null,
  term: AnalyteTerminology,
): string | null {
  for (const q of a.requires) if (!analysis.qualifiers.has(q)) return `requires qualifier "${q}"`;
  for (const q of a.forbids) if (analysis.qualifiers.has(q)) return `qualifier "${q}" names another analyte`;
  for (const q of term.globalForbids)
    if (analysis.qualifiers.has(q)) return `qualifier "${q}" (not this test)`;
  // Both the caller's specimen and one named in the name must fit ("Plasma hemoglobin" is not
  // blood hemoglobin even in a blood section).
  const ok = term.specimenCompatibility[a.specimen] ?? [];
  for (const spec of [statedSpecimen, analysis.specimen]) {
    if (spec && !ok.includes(spec)) return `specimen "${spec}" does not fit ${a.id} (${a.specimen})`;
  }
  return null;
}
