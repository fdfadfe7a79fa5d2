/**
 * @module pipeline/understand/spelling
 * Conservative spelling correction of question words against the vocabulary the engine knows (the
 * knowledge bank's words and the terminology's synonyms): "fallopain" → "fallopian",
 * "asthenozoosperima" → "asthenozoospermia", "fertilite" → "fertility". Only words of 6+ letters
 * that the vocabulary does not contain are touched, and only when one known word is within
 * Damerau–Levenshtein distance 1 (6–9 letters) or 2 (10+ letters) and begins with the same letter;
 * ties go to the more frequent word. Invented drug names ("fertilozan") stay as they are — being
 * unknown is what lets the engine abstain on them.
 */

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions), capped. */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j]!;
    prev = cur;
  }
  return prev[b.length]!;
}

export class SpellingCorrector {
  private readonly known: ReadonlyMap<string, number>;
  private readonly byLength = new Map<number, string[]>();

  /** `words`: folded vocabulary words with their frequency. */
  constructor(words: ReadonlyMap<string, number>) {
    this.known = words;
    for (const w of words.keys()) {
      if (w.length < 5 || /\d/.test(w)) continue;
      const list = this.byLength.get(w.length) ?? [];
      list.push(w);
      this.byLength.set(w.length, list);
    }
  }

  has(word: string): boolean {
    return this.known.has(word);
  }

  // Corrections are deterministic per word; questions repeat words, so remember them (bounded).
  private readonly memo = new Map<string, string | null>();

  /** The corrected word, or null when the word is known, too short, or has no close neighbour. */
  correct(word: string): string | null {
    const hit = this.memo.get(word);
    if (hit !== undefined) return hit;
    const r = this.search(word);
    if (this.memo.size >= 20_000) this.memo.clear();
    this.memo.set(word, r);
    return r;
  }

  private search(word: string): string | null {
    if (word.length < 6 || this.known.has(word) || /\d/.test(word)) return null;
    const cap = word.length >= 10 ? 2 : 1;
    const first = word.charCodeAt(0);
    let best: string | null = null;
    let bestD = cap + 1;
    let bestF = -1;
    for (let len = word.length - cap; len <= word.length + cap; len++) {
      for (const w of this.byLength.get(len) ?? []) {
        // Typing slips seldom touch a word's first letter, while a different word often differs
        // there first: the French "gauche" is not the German "rauche", "lieber" is not "fieber".
        if (w.charCodeAt(0) !== first) continue;
        const d = editDistance(word, w, cap);
        const f = this.known.get(w)!;
        if (d < bestD || (d === bestD && d <= cap && f > bestF)) {
          best = w;
          bestD = d;
          bestF = f;
        }
      }
    }
    return bestD <= cap ? best : null;
  }
}
