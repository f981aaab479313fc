// Calibration only (reads ../shared/data): fits the anchor line of every feature and the combining
// weights, on the even-numbered NICT JLE interviews and on cefr-sp-wikiauto-train, and prints the
// constants kept in src/calibration.ts. Odd-numbered interviews and cefr-sp dev stay for checking.
//   node --import tsx packages/cefr/eval/calibrate.ts [dataDir] [--text]
import { resolve } from 'node:path';
import { computeFeatures } from '../src/features.js';
import { computeTextFeatures } from '../src/text.js';
import { crossValidate, fitTextModel, textMetrics } from './text-fit.js';
import { combineLevels, scoreLevelTest, subScoreWeight } from '../src/score.js';
import { SPEECH_FEATURES, type FeatureSpec } from '../src/calibration.js';
import { transformValue, clampScore, robustCombine } from '../src/scale.js';
import { readCefrSp, readNict, SST_TO_SCORE } from './datasets.js';
import { linearFit, nnls } from './fit.js';

const textOnly = process.argv.includes('--text');
const dataDir = resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '../shared/data/cefr');

function fitSet<K extends string>(specs: Record<K, FeatureSpec>, rows: Array<Record<K, number>>, target: number[]): unknown {
  // Features that may not steer the level (synthetic on this data) get no anchor from it.
  const keys = (Object.keys(specs) as K[]).filter((k) => specs[k].useInOverall);
  const anchors: Record<string, { intercept: number; slope: number }> = {};
  const estimates: number[][] = rows.map(() => []);
  for (const k of keys) {
    const spec = specs[k];
    const xs: number[] = [];
    const ys: number[] = [];
    rows.forEach((r, i) => {
      if (Number.isFinite(r[k])) {
        xs.push(transformValue(spec.anchor.transform, r[k]));
        ys.push(target[i] ?? 0);
      }
    });
    // Reverse regression (feature on level) gives the typical value at each level.
    const fit = linearFit(ys, xs);
    anchors[k] = fit;
    rows.forEach((r, i) => {
      const v = Number.isFinite(r[k]) ? (transformValue(spec.anchor.transform, r[k]) - fit.intercept) / fit.slope : NaN;
      estimates[i]?.push(Number.isFinite(v) ? clampScore(v) : 0);
    });
  }
  const X = estimates;
  const w = nnls(X, target);
  const total = w.reduce((a, b) => a + b, 0);
  const weights = Object.fromEntries(keys.map((k, j) => [k, Number(((w[j] ?? 0) / total).toFixed(3))]));
  const round = (x: number): number => Number(x.toFixed(4));
  // The combined estimate is then stretched onto the target scale.
  const combined = X.map((row) => robustCombine(row.map((v, j) => ({ value: v, weight: (w[j] ?? 0) / total }))));
  const stretch = linearFit(combined, target);
  return {
    fit: Object.fromEntries(
      keys.map((k) => [k, { intercept: round(anchors[k]?.intercept ?? 0), slope: round(anchors[k]?.slope ?? 0), weight: weights[k] }]),
    ),
    stretch: { intercept: round(stretch.intercept), slope: round(stretch.slope) },
  };
}

// Speech (slow: the whole NICT file); skipped with --text.
if (!textOnly) {
  const nict = readNict(resolve(dataDir, 'nict-jle-dev.tsv')).filter((iv) => Number(iv.id) % 2 === 0);
  const nictRows = nict.map((iv) => computeFeatures(iv.input) as unknown as Record<string, number>);
  console.log(
    'speech',
    JSON.stringify(
      fitSet(
        SPEECH_FEATURES,
        nictRows,
        nict.map((iv) => SST_TO_SCORE[iv.sst] ?? 0),
      ),
    ),
  );

  // Sub-scores: each group's combined feature level (as score.ts combines it with the fitted
  // anchors and weights above, once they are in calibration.ts), stretched onto the level by least
  // squares like the overall estimate: SUBSCORE_STRETCH.
  const subScoreGroups = ['fluency', 'vocabularyRange', 'grammaticalComplexity', 'coherence', 'taskAchievement'] as const;
  const nictTarget = nict.map((iv) => SST_TO_SCORE[iv.sst] ?? 0);
  const nictLevels = nict.map((iv) => scoreLevelTest(iv.input).featureLevels);
  console.log(
    'subscores',
    JSON.stringify(
      Object.fromEntries(
        subScoreGroups.map((g) => {
          const fit = linearFit(
            nictLevels.map((l) => combineLevels(SPEECH_FEATURES, l, subScoreWeight(g))),
            nictTarget,
          );
          return [g, { intercept: Number(fit.intercept.toFixed(4)), slope: Number(fit.slope.toFixed(4)) }];
        }),
      ),
    ),
  );
}

// Text: a non-negative cumulative-logit fit on wikiauto-train, and five-fold cross-validation of
// the same procedure on train (wikiauto-dev stays for eval:cefr).
const sp = readCefrSp(resolve(dataDir, 'cefr-sp-wikiauto-train.tsv'));
const spFeatures = sp.map((s) => computeTextFeatures(s.sentence));
const textModel = fitTextModel(spFeatures, sp);
const r4 = (x: number): number => Number(x.toFixed(4));
console.log(
  'text',
  JSON.stringify({
    fit: Object.fromEntries(
      Object.entries(textModel.features).map(([k, v]) => [k, { mean: r4(v.mean), sd: r4(v.sd), weight: r4(v.weight) }]),
    ),
    thresholds: textModel.thresholds.map(r4),
    decision: { spread: r4(textModel.decision.spread), offset: r4(textModel.decision.offset), decode: textModel.decision.decode },
    partSlopes: {
      vocabularyRange: r4(textModel.partSlopes.vocabularyRange),
      grammaticalComplexity: r4(textModel.partSlopes.grammaticalComplexity),
    },
    train: textMetrics(textModel, spFeatures, sp),
    crossValidated5Fold: crossValidate(spFeatures, sp),
    // The other decoding, for the choice between them (the most probable band instead of the expected level).
    crossValidated5FoldMostProbableBand: crossValidate(spFeatures, sp, 5, 1500, 'mode'),
  }),
);
