/**
 * @module pipeline/pack
 * Packing (issue 5 item 4): the best evidence within a token budget, deduplicated, chunks with
 * their parent context counted once, and an ordering for model context that keeps the strongest
 * evidence at the edges (first and last), where long-context models attend best.
 */
import type { Evidence } from '../../domain/evidence.js';
import { estimateTokens } from '../../kb/tokens.js';
import { foldTokens } from '../../terminology/text.js';

export interface PackOptions {
  /** Token budget for all packed evidence text (title + text + parent context). */
  tokenBudget: number;
  /** Upper bound on pieces of evidence, whatever the budget. */
  maxItems: number;
  /** Two statements whose word sets overlap more than this (Jaccard) are duplicates. */
  duplicateJaccard: number;
}

export interface Packed {
  evidence: Evidence[];
  tokens: number;
  dropped: Array<{ key: string; reason: 'duplicate' | 'budget' | 'max-items' }>;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 0 : inter / union;
}

// Every answer packs from the same bank texts: each text's word set and token estimate are worked
// out once (bounded, so memory stays flat; the sets are never modified).
const TEXT_CACHE_LIMIT = 20_000;
const wordSetCache = new Map<string, ReadonlySet<string>>();
const tokenCache = new Map<string, number>();

function wordSet(text: string): ReadonlySet<string> {
  let w = wordSetCache.get(text);
  if (!w) {
    if (wordSetCache.size >= TEXT_CACHE_LIMIT) wordSetCache.clear();
    wordSetCache.set(text, (w = new Set(foldTokens(text))));
  }
  return w;
}

function tokensOf(text: string): number {
  let n = tokenCache.get(text);
  if (n === undefined) {
    if (tokenCache.size >= TEXT_CACHE_LIMIT) tokenCache.clear();
    tokenCache.set(text, (n = estimateTokens(text)));
  }
  return n;
}

/** Take evidence in the given (ranked) order until the budget is used. */
export function pack(ranked: readonly Evidence[], opts: PackOptions): Packed {
  const out: Evidence[] = [];
  const dropped: Packed['dropped'] = [];
  const seenKeys = new Set<string>();
  const seenParents = new Set<string>();
  const wordSets: Array<ReadonlySet<string>> = [];
  let tokens = 0;
  for (const e of ranked) {
    if (seenKeys.has(e.key)) {
      dropped.push({ key: e.key, reason: 'duplicate' });
      continue;
    }
    const words = wordSet(e.text);
    if (wordSets.some((w) => jaccard(w, words) > opts.duplicateJaccard)) {
      dropped.push({ key: e.key, reason: 'duplicate' });
      continue;
    }
    if (out.length >= opts.maxItems) {
      dropped.push({ key: e.key, reason: 'max-items' });
      continue;
    }
    const parentKey = e.parentText && e.context ? e.context.join(' > ') : null;
    const cost =
      tokensOf(e.title) +
      tokensOf(e.text) +
      (parentKey && !seenParents.has(parentKey) ? tokensOf(e.parentText!) : 0);
    if (tokens + cost > opts.tokenBudget && out.length > 0) {
      dropped.push({ key: e.key, reason: 'budget' });
      continue;
    }
    out.push(e);
    seenKeys.add(e.key);
    wordSets.push(words);
    if (parentKey) seenParents.add(parentKey);
    tokens += cost;
  }
  return { evidence: out, tokens, dropped };
}

/**
 * Order for a model's context: ranks 1,3,5,… from the front and 2,4,6,… from the back, so the two
 * strongest pieces sit at the edges and the weakest in the middle. Returns indexes into `items`.
 */
export function edgeOrder(count: number): number[] {
  const front: number[] = [];
  const back: number[] = [];
  for (let i = 0; i < count; i++) (i % 2 === 0 ? front : back).push(i);
  return [...front, ...back.reverse()];
}
