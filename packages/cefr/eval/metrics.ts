// Agreement measures for the evaluation script.

function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    for (let k = i; k <= j; k++) r[order[k]?.[1] ?? 0] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

export const spearman = (x: readonly number[], y: readonly number[]): number => pearson(ranks(x), ranks(y));

/**
 * Partial rank correlation of x and y with z held constant: how far x follows y beyond what z
 * (here log token count, the amount said) explains of both.
 */
export function partialSpearman(x: readonly number[], y: readonly number[], z: readonly number[]): number {
  const xy = spearman(x, y);
  const xz = spearman(x, z);
  const yz = spearman(y, z);
  const d = Math.sqrt((1 - xz * xz) * (1 - yz * yz));
  return d > 0 ? (xy - xz * yz) / d : 0;
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Quadratic weighted kappa over integer categories 1..k. */
export function qwk(pred: readonly number[], gold: readonly number[], k = 6): number {
  const O = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const hp = new Array<number>(k).fill(0);
  const hg = new Array<number>(k).fill(0);
  const n = pred.length;
  for (let i = 0; i < n; i++) {
    const p = Math.min(k, Math.max(1, pred[i] ?? 1)) - 1;
    const g = Math.min(k, Math.max(1, gold[i] ?? 1)) - 1;
    (O[p] as number[])[g] = ((O[p] as number[])[g] ?? 0) + 1;
    hp[p] = (hp[p] ?? 0) + 1;
    hg[g] = (hg[g] ?? 0) + 1;
  }
  let num = 0,
    den = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const w = (i - j) ** 2 / (k - 1) ** 2;
      num += w * (O[i]?.[j] ?? 0);
      den += (w * (hp[i] ?? 0) * (hg[j] ?? 0)) / n;
    }
  return den > 0 ? 1 - num / den : 0;
}

export const share = (xs: readonly boolean[]): number => (xs.length ? xs.filter(Boolean).length / xs.length : 0);
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;
