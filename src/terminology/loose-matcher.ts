/**
 * @module terminology/loose-matcher
 * Tolerant phrase matching for free-text symptom and topic descriptions, where people write
 * "vomiting" / "vomito" / "vómitos" or "douleur d'un seul côté" for "douleur d'un côté":
 *  - a phrase word of 5+ letters matches any word starting with its first 5 letters (a crude,
 *    language-independent stem: vomit-, sangr-, gonfl-, caill-), and a word of 10+ letters any
 *    word starting with all but its last 4 (a German compound is not its first part: "Brustschmerzen",
 *    chest pain, is not "Brustkrebs", breast cancer; "Eizellentnahme", egg collection, is not
 *    "Eizellen", eggs); a shorter word matches itself or its plural in -s;
 *  - the phrase's words must appear in order, with at most `maxGap` other words between two of them.
 * Deliberately looser than the terminology trie used for retrieval, and used only where missing a
 * description is worse than an occasional extra match (urgent signs, scope).
 */
import { foldTokens } from './text.js';

export interface LooseMatch {
  id: string;
  phrase: string;
  start: number;
  end: number;
}

interface Phrase {
  id: string;
  text: string;
  words: string[];
}

const STEM = 5;
/** Letters at the end of a long phrase word that may differ (its inflection). */
const LONG_WORD_ENDING = 4;

/** The start a token must have to match a phrase word of 5 letters or more. */
const stemOf = (phraseWord: string): string =>
  phraseWord.slice(0, Math.max(STEM, phraseWord.length - LONG_WORD_ENDING));

export function wordMatches(phraseWord: string, token: string): boolean {
  if (phraseWord.length >= STEM) return token.startsWith(stemOf(phraseWord));
  return token === phraseWord || token === phraseWord + 's';
}

const ARABIC_LETTER = /[\u0600-\u06FF]/;

/**
 * An Arabic token without the one-letter conjunction or preposition written onto its front (و and,
 * ف so, ب with) and without the article (ال, "الوجع الشديد" is "the severe pain"), or null when it
 * has neither or is too short to carry one (three letters: "وجع", pain, begins with و itself).
 */
export function withoutArabicProclitic(token: string): string | null {
  if (token.length <= 3 || !ARABIC_LETTER.test(token[0]!)) return null;
  let t = token.startsWith('و') || token.startsWith('ف') || token.startsWith('ب') ? token.slice(1) : token;
  if (t.startsWith('ال') && t.length >= 5) t = t.slice(2);
  return t === token ? null : t;
}

const NONE: readonly Phrase[] = Object.freeze([]);

export class LooseMatcher {
  // Phrases by what a token must look like to start them: the first 5 letters of a long first word,
  // or, for a short first word, the word itself and its plural (the only tokens it matches), so
  // that matching looks up each token instead of trying every short phrase on it.
  private readonly byStem = new Map<string, Phrase[]>();
  private readonly byWord = new Map<string, Phrase[]>();
  readonly maxGap: number;

  constructor(maxGap = 2) {
    this.maxGap = maxGap;
  }

  add(id: string, phrase: string): void {
    const words = foldTokens(phrase);
    if (words.length === 0) return;
    const p: Phrase = { id, text: phrase, words };
    const first = words[0]!;
    const push = (map: Map<string, Phrase[]>, key: string): void => {
      const list = map.get(key);
      if (list) list.push(p);
      else map.set(key, [p]);
    };
    if (first.length >= STEM) push(this.byStem, first.slice(0, STEM));
    else {
      push(this.byWord, first);
      push(this.byWord, first + 's');
    }
  }

  /** Phrases whose first word fits `token` (or its `bare` form): long-word phrases first, each list in insertion order. */
  #startingAt(token: string, bare: string | null): readonly Phrase[] {
    const own = this.#startingWith(token);
    if (bare === null) return own;
    const more = this.#startingWith(bare).filter((p) => !own.includes(p));
    if (more.length === 0) return own;
    const isLong = (p: Phrase): boolean => p.words[0]!.length >= STEM;
    const all = [...own, ...more];
    return [...all.filter(isLong), ...all.filter((p) => !isLong(p))];
  }

  /** Phrases whose first word fits `token` itself; the stored lists when one suffices (no copy per token). */
  #startingWith(token: string): readonly Phrase[] {
    const long = token.length >= STEM ? this.byStem.get(token.slice(0, STEM)) : undefined;
    const short = this.byWord.get(token);
    if (long && short) return [...long, ...short];
    return long ?? short ?? NONE;
  }

  /** Every phrase occurrence (overlaps allowed), each with the token span it covers. */
  match(tokens: readonly string[]): LooseMatch[] {
    const out: LooseMatch[] = [];
    // An Arabic word is also tried without the conjunction or preposition written onto it
    // ("وتستفرغ", and she vomits): a phrase word matches either form.
    // Worked out only for questions with Arabic words: the guards match every question many times.
    const bare = tokens.some((t) => ARABIC_LETTER.test(t[0] ?? ''))
      ? tokens.map(withoutArabicProclitic)
      : null;
    const fits = (phraseWord: string, j: number): boolean =>
      wordMatches(phraseWord, tokens[j]!) ||
      (bare !== null && bare[j] !== null && wordMatches(phraseWord, bare[j]!));
    for (let i = 0; i < tokens.length; i++) {
      const candidates = this.#startingAt(tokens[i]!, bare?.[i] ?? null);
      if (candidates.length === 0) continue;
      for (const p of candidates) {
        // The index finds phrases by their first 5 letters; a long first word needs more.
        if (p.words[0]!.length > STEM + LONG_WORD_ENDING && !fits(p.words[0]!, i)) continue;
        let pos = i;
        let ok = true;
        for (let w = 1; w < p.words.length && ok; w++) {
          let found = -1;
          for (let j = pos + 1; j <= Math.min(tokens.length - 1, pos + 1 + this.maxGap); j++) {
            if (fits(p.words[w]!, j)) {
              found = j;
              break;
            }
          }
          if (found < 0) ok = false;
          else pos = found;
        }
        if (ok) out.push({ id: p.id, phrase: p.text, start: i, end: pos + 1 });
      }
    }
    return out;
  }
}
