/**
 * @module terminology/phrase-matcher
 * Finds terminology phrases (multi-word synonyms in six languages) in free text: a token trie
 * over folded synonyms with greedy longest match, so "polycystic ovary syndrome" wins over
 * "ovary" and "free T4" over "T4". Linear in the text length; no regular expressions over
 * user text.
 */
import { foldTokens } from './text.js';

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

export class PhraseMatcher {
  private readonly root = newNode();
  private phrases = 0;

  /** Add one synonym for `id`. Synonyms that fold to nothing are ignored. */
  add(id: string, synonym: string): void {
    const toks = foldTokens(synonym);
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
   * All longest non-overlapping matches, left to right. When one phrase maps to several ids
   * (a synonym shared by two concepts), every id is reported for that span.
   */
  match(text: string | string[]): PhraseMatch[] {
    const toks = typeof text === 'string' ? foldTokens(text) : text;
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
        for (const { id, synonym } of best.ids) out.push({ id, start: i, end: best.end, synonym });
        i = best.end;
      } else {
        i++;
      }
    }
    return out;
  }
}
