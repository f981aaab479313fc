// From feature values to levels: each feature has an anchor line (its typical value at each level),
// the estimates are combined by a weighted mean that clips outliers around the weighted median.

export type Transform = 'log' | 'log1p' | 'linear';

export interface FeatureAnchor {
  /** Feature value transformed: log(x), log(1 + x) or x. */
  transform: Transform;
  /** Transformed value typical of level L is intercept + slope * L (1 = A1 ... 6 = C2). */
  intercept: number;
  slope: number;
}

export const MIN_SCORE = 1;
export const MAX_SCORE = 6.99;
/** Estimates further than this from the weighted median are pulled in before averaging. */
export const CLIP_AROUND_MEDIAN = 1;

export const clampScore = (x: number): number => (Number.isFinite(x) ? Math.min(MAX_SCORE, Math.max(MIN_SCORE, x)) : MIN_SCORE);

export function transformValue(t: Transform, x: number): number {
  if (t === 'log') return Math.log(Math.max(x, 1e-3));
  if (t === 'log1p') return Math.log1p(Math.max(x, 0));
  return x;
}

/** The level a feature value suggests, or undefined when the value is unknown. */
export function featureLevel(anchor: FeatureAnchor, value: number | null | undefined): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || anchor.slope === 0) return undefined;
  return clampScore((transformValue(anchor.transform, value) - anchor.intercept) / anchor.slope);
}

/** The feature value typical of a level: used to tell a learner what the next level sounds like. */
export function typicalValue(anchor: FeatureAnchor, level: number): number {
  const t = anchor.intercept + anchor.slope * level;
  if (anchor.transform === 'log') return Math.exp(t);
  if (anchor.transform === 'log1p') return Math.expm1(t);
  return t;
}

export function weightedMedian(items: ReadonlyArray<{ value: number; weight: number }>): number {
  const sorted = [...items].filter((i) => i.weight > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((a, i) => a + i.weight, 0);
  let acc = 0;
  for (const item of sorted) {
    acc += item.weight;
    if (acc >= total / 2) return item.value;
  }
  return sorted[sorted.length - 1]?.value ?? NaN;
}

/** Weighted mean after pulling each estimate to within CLIP_AROUND_MEDIAN of the weighted median. */
export function robustCombine(items: ReadonlyArray<{ value: number; weight: number }>): number {
  const usable = items.filter((i) => Number.isFinite(i.value) && i.weight > 0);
  if (usable.length === 0) return NaN;
  const median = weightedMedian(usable);
  let sum = 0;
  let total = 0;
  for (const i of usable) {
    const v = Math.min(median + CLIP_AROUND_MEDIAN, Math.max(median - CLIP_AROUND_MEDIAN, i.value));
    sum += v * i.weight;
    total += i.weight;
  }
  return sum / total;
}
