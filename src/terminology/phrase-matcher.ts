/**
 * @module terminology/phrase-matcher
 * Finds terminology phrases (multi-word synonyms in six languages) in free text: a token trie
 * over folded synonyms with greedy longest match, so "polycystic ovary syndrome" wins over
 * "ovary" and "free T4" over "T4". Linear in the text length; no regular expressions over
 * user text.
 */
import { englishTier } from './english-words.js';
import { foldTokens } from './text.js';

const ARABIC_LETTER = /[\u0600-\u06FF]/;
// Light Arabic stemming (after folding: alef forms unified, ta marbuta → ha, marks removed): the
// definite article and attached conjunctions/prepositions in front, common plural and feminine
// endings behind, so "التدخين" meets "تدخين" and "الحيوانات المنوية" meets "حيوانات منوي".
// Applied to synonyms and question words alike; it does not handle broken plurals.
const AR_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
const AR_SUFFIXES = ['ات', 'ون', 'ين', 'ها', 'هم', 'ه', 'ي', 'ا'];

/** Light-stem an Arabic token; other tokens are returned unchanged. */
export function arabicLight(token: string): string {
  if (!ARABIC_LETTER.test(token)) return token;
  let t = token;
  for (const p of AR_PREFIXES) {
    if (t.startsWith(p) && t.length - p.length >= 2) {
      t = t.slice(p.length);
      break;
    }
  }
  if (t.length > 3 && (t.startsWith('و') || t.startsWith('ب') || t.startsWith('ف'))) t = t.slice(1);
  // A second ending is taken off only if four letters remain: "الكافيين" (caffeine) stopped at "كاف",
  // which is also "كافي" (enough) with one ending off.
  for (let i = 0; i < 2; i++) {
    const s = AR_SUFFIXES.find((x) => t.endsWith(x) && t.length - x.length >= (i === 0 ? 3 : 4));
    if (!s) break;
    t = t.slice(0, -s.length);
  }
  return t;
}

/**
 * The light stem of an Arabic token read without a leading "ل" (for, to) or "ك" (as, like)
 * preposition — "لعدد" → "عدد" — or null. Not part of {@link arabicLight}, because many words
 * begin with these letters ("لبن", "كبد"): callers use it only when the token itself is unknown
 * and the stripped form is known.
 */
export function arabicWithoutPreposition(token: string): string | null {
  if (token.length < 4 || !(token.startsWith('ل') || token.startsWith('ك'))) return null;
  return arabicLight(token.slice(1));
}

/** Words that link the two nouns of a name ("concentration de spermatozoïdes", "Anzahl der Spermien"), folded. */
const LINKING_WORDS: readonly string[] = ['de', 'des', 'du', 'del', 'da', 'do', 'dos', 'das', 'der', 'of'];

export interface PhraseMatch {
  /** Terminology id (concept or analyte). */
  id: string;
  /** Token span in the folded text, [start, end). */
  start: number;
  end: number;
  /** The synonym as written in the data. */
  synonym: string;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  ids: Array<{ id: string; synonym: string }>;
}

const newNode = (): TrieNode => ({ next: new Map(), ids: [] });

/** A synonym written in capitals ("PROG", "POI", "AMH"): an abbreviation. */
const isAbbreviation = (synonym: string): boolean =>
  /\p{Lu}/u.test(synonym) && synonym === synonym.toUpperCase();

/** Four-letter German nouns that end compounds after a term: value, test, count, rate. */
const SHORT_COMPOUND_TAILS: ReadonlySet<string> = new Set(['wert', 'test', 'zahl', 'rate']);

export class PhraseMatcher {
  private readonly root = newNode();
  private phrases = 0;

  /** Add one synonym for `id`. Synonyms that fold to nothing are ignored. */
  add(id: string, synonym: string): void {
    const toks = foldTokens(synonym).map(arabicLight);
    if (toks.length === 0) return;
    let node = this.root;
    for (const t of toks) {
      let n = node.next.get(t);
      if (!n) {
        n = newNode();
        node.next.set(t, n);
      }
      node = n;
    }
    if (!node.ids.some((x) => x.id === id)) node.ids.push({ id, synonym });
    this.phrases++;
  }

  get size(): number {
    return this.phrases;
  }

  /**
   * German-style compounds: a long word that is not itself a phrase start is split where its first
   * part is a known word ("kinderwunschzentrum" → "kinderwunsch" + "zentrum"), allowing a linking
   * "s" ("schwangerschaftstest"). Longest known first part wins; the rest is split again. The first
   * part must be a synonym on its own, not only the first word of one: "collection" is not
   * "colle" (of "colle embryonnaire") + "ction". An ordinary English word is never split (English
   * does not build words this way: "programme" is not "PROG" + "ramme", "poisoning" not "POI" +
   * "soning", "stimulate" not "stim" + "ulate"), and neither an abbreviation nor a word of fewer
   * than five letters heads a compound ("progresión" is not progesterone, the Spanish "endodoncia"
   * not endometriosis).
   */
  private split(t: string, depth: number): string[] {
    if (t.length < 9 || depth > 2 || this.root.next.has(t)) return [t];
    if (depth === 0 && englishTier(t) !== null) return [t];
    const isSynonym = (w: string): boolean =>
      this.root.next.get(w)?.ids.some((x) => !isAbbreviation(x.synonym)) ?? false;
    for (let i = t.length - 4; i >= 5; i--) {
      const left = t.slice(0, i);
      const known = isSynonym(left)
        ? left
        : left.length > 5 && left.endsWith('s') && isSynonym(left.slice(0, -1))
          ? left.slice(0, -1)
          : null;
      // What follows must be a word of its own: a phrase start or five letters or more (German
      // compounds end in a noun), not a suffix ("folicular" is not "folic" + "ular"), or one of the
      // short nouns lab questions end compounds with ("Prolaktinwert", "AMH-Test", "Spermienzahl").
      const rest = t.slice(i);
      if (known && (rest.length >= 5 || SHORT_COMPOUND_TAILS.has(rest) || this.root.next.has(rest)))
        return [known, ...this.split(rest, depth + 1)];
    }
    return [t];
  }

  /**
   * Two-word synonyms whose words stand apart, in either order, with at most `maxGap` words between
   * them in one clause: "my tubes are blocked" (blocked tubes), "raised my prolactin", "my periods are
   * irregular" (not "miscarriages before it's called recurrent": four words apart). The words between must not belong
   * to a phrase `match` found ("sperm DNA fragmentation test" is not a sperm test); both words have three
   * letters or more and are not numbers. Ids `match` already reports are not repeated. Spans are the
   * later word's alone (for negation: a cue before it, within the negation window, covers both).
   */
  matchSeparated(
    tokens: readonly string[],
    opts: {
      maxGap: number;
      clauseStarts?: ReadonlySet<number>;
      /** What `match` found on the same tokens (the caller has it already). */
      contiguous: readonly PhraseMatch[];
    },
  ): PhraseMatch[] {
    const contiguous = opts.contiguous;
    const covered = new Set<number>();
    const found = new Set<string>();
    for (const m of contiguous) {
      found.add(m.id);
      for (let k = m.start; k < m.end; k++) covered.add(k);
    }
    const light = tokens.map(arabicLight);
    const clause: number[] = [];
    let c = 0;
    for (let k = 0; k < light.length; k++) {
      if (opts.clauseStarts?.has(k)) c++;
      clause.push(c);
    }
    const usable = (t: string): boolean => t.length >= 3 && !/^\d/.test(t);
    const out: PhraseMatch[] = [];
    for (let i = 0; i < light.length; i++) {
      const first = this.root.next.get(light[i]!);
      if (!first || !usable(light[i]!)) continue;
      for (
        let j = Math.max(0, i - opts.maxGap - 1);
        j <= Math.min(light.length - 1, i + opts.maxGap + 1);
        j++
      ) {
        if (j === i || j === i + 1 || clause[j] !== clause[i]) continue; // adjacent in order: `match`'s
        const second = first.next.get(light[j]!);
        if (!second || second.ids.length === 0 || !usable(light[j]!)) continue;
        let between = false;
        for (let k = Math.min(i, j) + 1; k < Math.max(i, j); k++) if (covered.has(k)) between = true;
        if (between) continue;
        for (const { id, synonym } of second.ids) {
          if (found.has(id)) continue;
          found.add(id);
          // The later word: a negation cue before it reaches back over both ("tubes are not blocked").
          const at = Math.max(i, j);
          out.push({ id, start: at, end: at + 1, synonym });
        }
      }
      // "A de B" names ("concentración de espermatozoides", "nombre de spermatozoïdes") said with
      // words before the "de" ("concentración mínima normal de espermatozoides"): A, then within the
      // gap the linking word and B, in that order.
      for (const link of LINKING_WORDS) {
        const linked = first.next.get(link);
        if (!linked) continue;
        for (let d = i + 2; d <= Math.min(light.length - 2, i + opts.maxGap + 1); d++) {
          if (light[d] !== link || clause[d] !== clause[i] || clause[d + 1] !== clause[i]) continue;
          const third = linked.next.get(light[d + 1]!);
          if (!third || third.ids.length === 0 || !usable(light[d + 1]!)) continue;
          let between = false;
          for (let k = i + 1; k <= d + 1; k++) if (covered.has(k)) between = true;
          if (between) continue;
          for (const { id, synonym } of third.ids) {
            if (found.has(id)) continue;
            found.add(id);
            out.push({ id, start: d + 1, end: d + 2, synonym });
          }
        }
      }
    }
    return out;
  }

  /**
   * All longest non-overlapping matches, left to right. When one phrase maps to several ids
   * (a synonym shared by two concepts), every id is reported for that span. `compounds: false`
   * leaves long words whole: French, Spanish, Portuguese and Arabic do not build words by joining
   * them, and their suffixes would otherwise split off a term ("thyroïdiennes" is not "thyroid" +
   * "iennes", "supplémentaires" not "supplement" + "aires").
   */
  match(text: string | string[], opts: { compounds?: boolean } = {}): PhraseMatch[] {
    const compounds = opts.compounds ?? true;
    // Compound parts keep the position of the word they came from, so spans refer to the caller's tokens.
    const toks: string[] = [];
    const origin: number[] = [];
    (typeof text === 'string' ? foldTokens(text) : text).forEach((t, k) => {
      let light = arabicLight(t);
      if (!this.root.next.has(light)) {
        // "لعدد الحيوانات المنوية" (for the sperm count): the preposition is attached to the phrase.
        const bare = arabicWithoutPreposition(light);
        if (bare !== null && this.root.next.has(bare)) light = bare;
      }
      for (const part of compounds ? this.split(light, 0) : [light]) {
        toks.push(part);
        origin.push(k);
      }
    });
    const out: PhraseMatch[] = [];
    let i = 0;
    while (i < toks.length) {
      let node: TrieNode | undefined = this.root;
      let best: { end: number; ids: TrieNode['ids'] } | null = null;
      for (let j = i; j < toks.length && node; j++) {
        node = node.next.get(toks[j]!);
        if (node && node.ids.length > 0) best = { end: j + 1, ids: node.ids };
      }
      if (best) {
        for (const { id, synonym } of best.ids)
          out.push({ id, start: origin[i]!, end: origin[best.end - 1]! + 1, synonym });
        i = best.end;
      } else {
        i++;
      }
    }
    return out;
  }
}
