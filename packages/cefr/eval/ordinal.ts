// Cumulative-logit (proportional odds) model for ordered levels, fitted by full-batch gradient
// descent (Adam) with a ridge penalty on the slopes. Evaluation and calibration side only.
//   P(level <= k | x) = sigmoid(theta_k - x . beta),  k = 1 .. K-1

export interface OrdinalModel {
  beta: number[];
  /** Increasing cut points theta_1 .. theta_{K-1} on the latent scale. */
  thresholds: number[];
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Fits levels 1..K. Each row may carry a weight (e.g. 0.5 for each of two annotators' labels).
 * Columns should be standardised; `l2` is the ridge penalty per row.
 */
export function fitOrdinal(
  X: readonly number[][],
  y: readonly number[],
  opts: { K?: number; weights?: readonly number[]; l2?: number; iterations?: number; rate?: number; nonNegative?: boolean } = {},
): OrdinalModel {
  const K = opts.K ?? 6;
  const n = X.length;
  const p = X[0]?.length ?? 0;
  const l2 = opts.l2 ?? 1e-3;
  const iters = opts.iterations ?? 1500;
  const rate = opts.rate ?? 0.05;
  const wts = opts.weights ?? new Array<number>(n).fill(1);
  const totalW = wts.reduce((a, b) => a + b, 0);
  // Parameters: beta (p), theta_1, then log gaps (K-2).
  const beta = new Array<number>(p).fill(0);
  const counts = new Array<number>(K).fill(0);
  y.forEach((v, i) => (counts[v - 1] = (counts[v - 1] ?? 0) + (wts[i] ?? 1)));
  // Start the cut points at the logits of the cumulative shares.
  const theta: number[] = [];
  let acc = 0;
  for (let k = 0; k < K - 1; k++) {
    acc += counts[k] ?? 0;
    const q = Math.min(0.999, Math.max(0.001, acc / totalW));
    theta.push(Math.log(q / (1 - q)));
  }
  for (let k = 1; k < theta.length; k++) if ((theta[k] ?? 0) <= (theta[k - 1] ?? 0) + 0.05) theta[k] = (theta[k - 1] ?? 0) + 0.05;
  const gaps = theta.slice(1).map((t, k) => Math.log(t - (theta[k] ?? 0)));
  let first = theta[0] ?? 0;
  const params = (): number[] => [...beta, first, ...gaps];
  const m = new Array<number>(p + K - 1).fill(0);
  const v = new Array<number>(p + K - 1).fill(0);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let it = 1; it <= iters; it++) {
    const th: number[] = [first];
    for (const g of gaps) th.push((th[th.length - 1] ?? 0) + Math.exp(g));
    const gBeta = new Array<number>(p).fill(0);
    const gTheta = new Array<number>(K - 1).fill(0);
    for (let i = 0; i < n; i++) {
      const row = X[i] ?? [];
      let eta = 0;
      for (let j = 0; j < p; j++) eta += (row[j] ?? 0) * (beta[j] ?? 0);
      const k = (y[i] ?? 1) - 1;
      const upper = k < K - 1 ? sigmoid((th[k] ?? 0) - eta) : 1;
      const lower = k > 0 ? sigmoid((th[k - 1] ?? 0) - eta) : 0;
      const prob = Math.max(1e-12, upper - lower);
      const dU = k < K - 1 ? upper * (1 - upper) : 0;
      const dL = k > 0 ? lower * (1 - lower) : 0;
      const w = (wts[i] ?? 1) / totalW;
      // d(-log prob)/d eta = (dU - dL) / prob
      const dEta = (w * (dU - dL)) / prob;
      for (let j = 0; j < p; j++) gBeta[j] = (gBeta[j] ?? 0) + dEta * (row[j] ?? 0);
      if (k < K - 1) gTheta[k] = (gTheta[k] ?? 0) - (w * dU) / prob;
      if (k > 0) gTheta[k - 1] = (gTheta[k - 1] ?? 0) + (w * dL) / prob;
    }
    for (let j = 0; j < p; j++) gBeta[j] = (gBeta[j] ?? 0) + l2 * (beta[j] ?? 0);
    // Chain rule to (first, log gaps): theta_k = first + sum_{j<k} exp(gap_j).
    const gFirst = gTheta.reduce((a, b) => a + b, 0);
    const gGaps = gaps.map((g, j) => {
      let s = 0;
      for (let k = j + 1; k < K - 1; k++) s += gTheta[k] ?? 0;
      return s * Math.exp(g);
    });
    const grad = [...gBeta, gFirst, ...gGaps];
    const cur = params();
    for (let q = 0; q < grad.length; q++) {
      m[q] = b1 * (m[q] ?? 0) + (1 - b1) * (grad[q] ?? 0);
      v[q] = b2 * (v[q] ?? 0) + (1 - b2) * (grad[q] ?? 0) ** 2;
      const mh = (m[q] ?? 0) / (1 - b1 ** it);
      const vh = (v[q] ?? 0) / (1 - b2 ** it);
      cur[q] = (cur[q] ?? 0) - (rate * mh) / (Math.sqrt(vh) + 1e-8);
    }
    // Projected step: with nonNegative, every slope keeps the direction its feature was given.
    for (let j = 0; j < p; j++) beta[j] = opts.nonNegative ? Math.max(0, cur[j] ?? 0) : (cur[j] ?? 0);
    first = cur[p] ?? 0;
    for (let j = 0; j < gaps.length; j++) gaps[j] = cur[p + 1 + j] ?? 0;
  }
  const thresholds: number[] = [first];
  for (const g of gaps) thresholds.push((thresholds[thresholds.length - 1] ?? 0) + Math.exp(g));
  return { beta, thresholds };
}

export const latent = (model: OrdinalModel, row: readonly number[]): number => model.beta.reduce((a, b, j) => a + b * (row[j] ?? 0), 0);
