/**
 * @module eval/calibration-metrics
 * Metrics for confidence: expected calibration error with equal-width bins, reliability bins,
 * AUROC (probability a right answer gets more confidence than a wrong one, ties half), and the
 * coverage / selective-accuracy curve.
 */

export interface Scored {
  confidence: number;
  right: boolean;
}

export interface Bin {
  lo: number;
  hi: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

export function reliabilityBins(xs: readonly Scored[], bins = 10): Bin[] {
  const out: Bin[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    const inBin = xs.filter(
      (x) => (x.confidence >= lo && x.confidence < hi) || (b === bins - 1 && x.confidence === 1),
    );
    out.push({
      lo,
      hi,
      n: inBin.length,
      meanConfidence: inBin.length ? inBin.reduce((s, x) => s + x.confidence, 0) / inBin.length : 0,
      accuracy: inBin.length ? inBin.filter((x) => x.right).length / inBin.length : 0,
    });
  }
  return out;
}

/** ECE = Σ over bins of (n_bin / N) · |accuracy − mean confidence|. */
export function expectedCalibrationError(xs: readonly Scored[], bins = 10): number {
  if (xs.length === 0) return 0;
  return reliabilityBins(xs, bins).reduce(
    (s, b) => s + (b.n / xs.length) * Math.abs(b.accuracy - b.meanConfidence),
    0,
  );
}

export function auroc(xs: readonly Scored[]): number | null {
  const pos = xs.filter((x) => x.right).map((x) => x.confidence);
  const neg = xs.filter((x) => !x.right).map((x) => x.confidence);
  if (pos.length === 0 || neg.length === 0) return null;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** For each threshold on p(answer supported): share answered (coverage) and share of those right. */
export function coverageCurve(
  rows: ReadonlyArray<{ p: number; answerRight: boolean }>,
  thresholds: readonly number[],
): Array<{ threshold: number; coverage: number; selectiveAccuracy: number | null }> {
  return thresholds.map((t) => {
    const answered = rows.filter((r) => r.p >= t);
    return {
      threshold: t,
      coverage: rows.length ? answered.length / rows.length : 0,
      selectiveAccuracy: answered.length
        ? answered.filter((r) => r.answerRight).length / answered.length
        : null,
    };
  });
}
