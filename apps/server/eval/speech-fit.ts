// Refitting the delivery models (packages/cefr/src/delivery.ts for free answers, read-aloud.ts for
// read-aloud ones) the way their constants were set, and speaker-grouped cross-validation of that
// fit, for eval:speech. Evaluation only.
import {
  DELIVERY_SIGNS,
  DELIVERY_TRANSFORMS,
  deliveryExpertScale,
  deliveryZ,
  expertScaleToLevel,
  type DeliveryFeatures,
  type LinearModel,
} from '../../../packages/cefr/src/delivery.js';
import {
  READ_ALOUD_SIGNS,
  READ_ALOUD_TRANSFORMS,
  readAloudExpertScale,
  readAloudScaleToLevel,
  type ReadAloudFeatures,
} from '../../../packages/cefr/src/read-aloud.js';
import { pearson, r3, spearman } from '../../../packages/cefr/eval/metrics.js';
import { seededRandom } from '../../../packages/matching/eval/evaluate.js';

/** What fitting needs of a model: its features as read, the sign each weight is held to, and its scoring. */
export interface ModelKind<F, K extends string> {
  transforms: Record<K, (f: F) => number>;
  signs: Record<K, number>;
  expertScale(f: F, model: LinearModel<K>): number;
  toLevel(y: number): number;
}
export const FREE_ANSWER_KIND: ModelKind<DeliveryFeatures, keyof typeof DELIVERY_TRANSFORMS> = {
  transforms: DELIVERY_TRANSFORMS,
  signs: DELIVERY_SIGNS,
  expertScale: deliveryExpertScale,
  toLevel: expertScaleToLevel,
};
export const READ_ALOUD_KIND: ModelKind<ReadAloudFeatures, keyof typeof READ_ALOUD_TRANSFORMS> = {
  transforms: READ_ALOUD_TRANSFORMS,
  signs: READ_ALOUD_SIGNS,
  expertScale: readAloudExpertScale,
  toLevel: readAloudScaleToLevel,
};

/** The ridge penalty the delivery model was fitted with (on standardised features). */
export const RIDGE_LAMBDA = 1;

/**
 * Minimises |y - Z w|^2 + lambda |w|^2 with each weight held to its sign (DELIVERY_SIGNS), by
 * coordinate descent: the problem is convex, so the sweeps converge to its one minimum.
 */
function constrainedRidge(a: number[][], b: number[], signs: readonly number[]): number[] {
  const w = new Array<number>(b.length).fill(0);
  for (let sweep = 0; sweep < 5000; sweep++) {
    let moved = 0;
    for (let j = 0; j < w.length; j++) {
      let rest = b[j]!;
      for (let k = 0; k < w.length; k++) if (k !== j) rest -= a[j]![k]! * w[k]!;
      let next = rest / a[j]![j]!;
      if (signs[j]! > 0) next = Math.max(0, next);
      if (signs[j]! < 0) next = Math.min(0, next);
      moved = Math.max(moved, Math.abs(next - w[j]!));
      w[j] = next;
    }
    if (moved < 1e-10) break;
  }
  return w;
}

/**
 * Ridge regression of the experts' scores on the transformed features, standardised and clipped as
 * scoring does, each weight held to its sign.
 */
export function fitDelivery<F, K extends string>(
  kind: ModelKind<F, K>,
  features: readonly F[],
  experts: readonly number[],
  lambda = RIDGE_LAMBDA,
): LinearModel<K> {
  const NAMES = Object.keys(kind.transforms) as K[];
  const n = features.length;
  const raw = features.map((f) => NAMES.map((k) => kind.transforms[k](f)));
  const stats = NAMES.map((_, j) => {
    const mean = raw.reduce((s, r) => s + r[j]!, 0) / n;
    const sd = Math.sqrt(raw.reduce((s, r) => s + (r[j]! - mean) ** 2, 0) / n) || 1;
    return { mean, sd };
  });
  const z = raw.map((r) => r.map((v, j) => deliveryZ(v, stats[j]!)));
  const yMean = experts.reduce((s, v) => s + v, 0) / n;
  const p = NAMES.length;
  const a = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => z.reduce((s, r) => s + r[i]! * r[j]!, 0) + (i === j ? lambda : 0)),
  );
  const b = Array.from({ length: p }, (_, i) => z.reduce((s, r, k) => s + r[i]! * (experts[k]! - yMean), 0));
  const w = constrainedRidge(
    a,
    b,
    NAMES.map((k) => kind.signs[k]),
  );
  const model = { intercept: yMean, features: {} as LinearModel<K>['features'] };
  NAMES.forEach((k, j) => (model.features[k] = { mean: stats[j]!.mean, sd: stats[j]!.sd, weight: w[j]! }));
  return model;
}

/**
 * Speaker-grouped k-fold cross-validation: each fold's speakers are scored by a model fitted on the
 * other folds' speakers only, as held-out speakers would be. Averaged over `repeats` random
 * assignments of speakers to folds. Correlations are of the fluency sub-score (the CEFR scale the
 * product shows) with the experts' fluency.
 */
export function crossValidate<F, K extends string>(
  kind: ModelKind<F, K>,
  features: readonly F[],
  experts: readonly number[],
  speakers: readonly string[],
  options: { folds?: number; repeats?: number } = {},
): { spearman: number; pearson: number; folds: number; repeats: number } {
  const k = options.folds ?? 5;
  const repeats = options.repeats ?? 5;
  const unique = [...new Set(speakers)].sort();
  let sumS = 0;
  let sumP = 0;
  for (let rep = 0; rep < repeats; rep++) {
    // Seeded, so the folds are the same on every run.
    const rand = seededRandom(762 + rep);
    const order = unique.map((s) => [rand(), s] as const).sort((x, y) => x[0] - y[0]);
    const foldOf = new Map(order.map(([, s], i) => [s, i % k]));
    const predicted = new Array<number>(features.length);
    for (let fold = 0; fold < k; fold++) {
      const train = features.map((_, i) => i).filter((i) => foldOf.get(speakers[i]!) !== fold);
      const model = fitDelivery(
        kind,
        train.map((i) => features[i]!),
        train.map((i) => experts[i]!),
      );
      features.forEach((f, i) => {
        if (foldOf.get(speakers[i]!) === fold) predicted[i] = Math.round(100 * kind.toLevel(kind.expertScale(f, model))) / 100;
      });
    }
    sumS += spearman(predicted, experts);
    sumP += pearson(predicted, experts);
  }
  return { spearman: r3(sumS / repeats), pearson: r3(sumP / repeats), folds: k, repeats };
}
