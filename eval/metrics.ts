/**
 * @module eval/metrics
 * Ranking metrics as BEIR computes them (through pytrec_eval, i.e. trec_eval's definitions):
 * nDCG@k with linear gain (the grade itself) and a log2(rank + 1) discount, and Recall@k over
 * the documents judged relevant (grade > 0). Negative grades count as 0.
 */

/** Relevance judgments: query id → document id → grade. */
export type Qrels = Map<string, Map<string, number>>;

/** nDCG@k of one ranking (document ids, best first) against one query's judgments; 0 if nothing is relevant. */
export function ndcgAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    const g = Math.max(0, judged.get(ranked[i]!) ?? 0);
    if (g > 0) dcg += g / Math.log2(i + 2);
  }
  const ideal = [...judged.values()]
    .map((g) => Math.max(0, g))
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  let idcg = 0;
  ideal.forEach((g, i) => (idcg += g / Math.log2(i + 2)));
  return idcg > 0 ? dcg / idcg : 0;
}

/** Recall@k: the fraction of relevant documents (grade > 0) found in the first k; 0 if none is relevant. */
export function recallAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let relevant = 0;
  for (const g of judged.values()) if (g > 0) relevant++;
  if (relevant === 0) return 0;
  let found = 0;
  const seen = new Set<string>();
  for (const id of ranked.slice(0, k)) {
    // A ranking that repeats a document must not count it twice.
    if (seen.has(id)) continue;
    seen.add(id);
    if ((judged.get(id) ?? 0) > 0) found++;
  }
  return found / relevant;
}

/** Mean of per-query values (0 for an empty list). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

/** The q-quantile (0…1) of a list of numbers, nearest-rank method; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
