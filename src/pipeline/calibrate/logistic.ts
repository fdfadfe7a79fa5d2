/**
 * @module pipeline/calibrate/logistic
 * L2-regularised logistic regression fitted by Newton's method (IRLS). Small and exact for the
 * dozen features of the confidence model; no library needed. Features are standardised with the
 * training mean and deviation, which are stored with the weights.
 */

export interface LogisticModel {
  features: string[];
  mean: number[];
  std: number[];
  /** weights[0] is the intercept. */
  weights: number[];
  l2: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solve A x = b for a small symmetric positive-definite A (Gaussian elimination with pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]!;
    if (Math.abs(piv) < 1e-12)
      throw new Error('logistic regression: singular system (a feature is constant or duplicated)');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / piv;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / row[i]!);
}

export function fitLogistic(
  names: string[],
  X: number[][],
  y: number[],
  opts: { l2: number; iterations?: number } = { l2: 1 },
): LogisticModel {
  if (X.length === 0 || X.length !== y.length)
    throw new Error('logistic regression: need as many labels as rows, and at least one');
  const d = names.length;
  const mean = names.map((_, j) => X.reduce((s, r) => s + r[j]!, 0) / X.length);
  const std = names.map((_, j) => {
    const v = X.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / X.length;
    return v > 1e-12 ? Math.sqrt(v) : 1;
  });
  const Z = X.map((r) => [1, ...r.map((x, j) => (x - mean[j]!) / std[j]!)]);
  let w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < (opts.iterations ?? 50); it++) {
    const grad = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < Z.length; i++) {
      const z = Z[i]!;
      const p = sigmoid(z.reduce((s, x, j) => s + x * w[j]!, 0));
      const g = p - y[i]!;
      const h = p * (1 - p);
      for (let a = 0; a <= d; a++) {
        grad[a]! += g * z[a]!;
        for (let b = 0; b <= d; b++) H[a]![b]! += h * z[a]! * z[b]!;
      }
    }
    // Ridge on the weights, not the intercept.
    for (let a = 1; a <= d; a++) {
      grad[a]! += opts.l2 * w[a]!;
      H[a]![a]! += opts.l2;
    }
    H[0]![0]! += 1e-9;
    const step = solve(H, grad);
    w = w.map((x, j) => x - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { features: names, mean, std, weights: w, l2: opts.l2 };
}

export function predictLogistic(m: LogisticModel, x: readonly number[]): number {
  let z = m.weights[0]!;
  for (let j = 0; j < m.features.length; j++) z += m.weights[j + 1]! * ((x[j]! - m.mean[j]!) / m.std[j]!);
  return sigmoid(z);
}
