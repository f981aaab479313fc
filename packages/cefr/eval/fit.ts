// Small fitting helpers for the calibration script (evaluation side only).

export function linearFit(x: readonly number[], y: readonly number[]): { intercept: number; slope: number } {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] ?? 0) - mx) * ((y[i] ?? 0) - my);
    sxx += ((x[i] ?? 0) - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

/** Non-negative least squares by projected coordinate descent: y ~ X w, w >= 0. */
export function nnls(X: readonly number[][], y: readonly number[], iterations = 2000): number[] {
  const k = X[0]?.length ?? 0;
  const w = new Array<number>(k).fill(0);
  const resid = y.map((yi, i) => yi - (X[i] ?? []).reduce((a, v, j) => a + v * (w[j] ?? 0), 0));
  const colSq = Array.from({ length: k }, (_, j) => X.reduce((a, row) => a + (row[j] ?? 0) ** 2, 0));
  for (let it = 0; it < iterations; it++) {
    for (let j = 0; j < k; j++) {
      if ((colSq[j] ?? 0) === 0) continue;
      let g = 0;
      for (let i = 0; i < X.length; i++) g += (X[i]?.[j] ?? 0) * (resid[i] ?? 0);
      const old = w[j] ?? 0;
      const next = Math.max(0, old + g / (colSq[j] ?? 1));
      const delta = next - old;
      if (delta === 0) continue;
      w[j] = next;
      for (let i = 0; i < X.length; i++) resid[i] = (resid[i] ?? 0) - delta * (X[i]?.[j] ?? 0);
    }
  }
  return w;
}
