/**
 * @module kb/tokens
 * The token estimate used to size chunks. No tokenizer is bundled (the engine runs without a
 * model), so the count is an estimate that tracks BPE tokenizers closely enough for budgeting:
 *
 *   tokens(text) = ceil( Σ over whitespace-separated words of max(1.3, length / 4) )
 *
 * Ordinary prose averages ~1.3 tokens per English word (the usual "words × 1.3" rule), and a long
 * run without spaces — a URL, a DOI, a chemical name, a row of digits — costs about one token per
 * four characters, so it is counted by length instead of as one word.
 */

/** Estimated tokens of one whitespace-free word. */
export function wordTokens(word: string): number {
  return Math.max(1.3, word.length / 4);
}

/** Estimated tokens of `text` (see the module comment for the formula). */
export function estimateTokens(text: string): number {
  let sum = 0;
  for (const w of splitWords(text)) sum += wordTokens(w);
  // The epsilon keeps 10 × 1.3 = 13.000000000000002 from rounding up to 14.
  return ceilTokens(sum);
}

/** Round a float token sum up to whole tokens (never -0). */
export function ceilTokens(sum: number): number {
  return Math.max(0, Math.ceil(sum - 1e-9));
}

/** The words of `text`: maximal runs of non-whitespace (JavaScript's `\s`). */
export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}
