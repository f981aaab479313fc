// Calibration only (reads ../shared/data): fits the anchor line of every feature and the combining
// weights, on the even-numbered NICT JLE interviews and on cefr-sp-wikiauto-train, and prints the
// constants kept in src/calibration.ts. Odd-numbered interviews and cefr-sp dev stay for checking.
//   node --import tsx packages/cefr/eval/calibrate.ts [dataDir]
import { resolve } from 'node:path';
import { computeFeatures } from '../src/features.js';
import { computeTextFeatures } from '../src/text.js';
import { combineLevels, scoreLevelTest, subScoreWeight } from '../src/score.js';
import { SPEECH_FEATURES, TEXT_FEATURES, type FeatureSpec } from '../src/calibration.js';
import { qwk } from './metrics.js';
import { transformValue, clampScore, robustCombine } from '../src/scale.js';
import { readCefrSp, readNict, SST_TO_SCORE } from './datasets.js';
import { linearFit, nnls } from './fit.js';

const dataDir = resolve(process.argv[2] ?? '../shared/data/cefr');

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

// Text: forward fits, non-negative weights on centred estimates, then the decision spread.
const sp = readCefrSp(resolve(dataDir, 'cefr-sp-wikiauto-train.tsv'));
const spRows = sp.map((s) => computeTextFeatures(s.sentence) as unknown as Record<string, number>);
const spTarget = sp.map((s) => (s.a + s.b) / 2 + 0.5);
const textKeys = Object.keys(TEXT_FEATURES) as Array<keyof typeof TEXT_FEATURES>;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const textFit: Record<string, { intercept: number; slope: number; weight: number }> = {};
const est: number[][] = spRows.map(() => []);
for (const k of textKeys) {
  const xs = spRows.map((r) => transformValue(TEXT_FEATURES[k].transform, r[k] ?? 0));
  const fit = linearFit(xs, spTarget);
  textFit[k] = { intercept: fit.intercept, slope: fit.slope, weight: 0 };
  xs.forEach((x, i) => est[i]?.push(clampScore(fit.intercept + fit.slope * x)));
}
const my = mean(spTarget);
const colMeans = textKeys.map((_, j) => mean(est.map((e) => e[j] ?? 0)));
const tw = nnls(
  est.map((e) => e.map((v, j) => v - (colMeans[j] ?? 0))),
  spTarget.map((y) => y - my),
);
textKeys.forEach((k, j) => {
  (textFit[k] as { weight: number }).weight = tw[j] ?? 0;
});
const bias = my - tw.reduce((a, w, j) => a + w * (colMeans[j] ?? 0), 0);
const raw = est.map((e) => bias + e.reduce((a, v, j) => a + v * (tw[j] ?? 0), 0));
const center = mean(raw);
const gold = sp.map((s) => Math.max(s.a, s.b));
let best = { objective: -Infinity, spread: 1, offset: 0 };
for (let spread = 0.8; spread <= 2.001; spread += 0.05)
  for (let offset = -0.5; offset <= 1.001; offset += 0.05) {
    const level = raw.map((r) => Math.min(6, Math.max(1, Math.floor(center + spread * (r - center) + offset))));
    const lenient = level.filter((l, i) => l === sp[i]?.a || l === sp[i]?.b).length / level.length;
    // Strict agreement with max(labelA, labelB) and lenient accuracy count equally.
    const objective = qwk(level, gold) + lenient;
    if (objective > best.objective) best = { objective, spread, offset };
  }
const r4 = (x: number): number => Number(x.toFixed(4));
const partMeans = { vocabularyRange: 0, grammaticalComplexity: 0 };
spRows.forEach((_, i) => {
  textKeys.forEach((k, j) => {
    partMeans[TEXT_FEATURES[k].group] += ((tw[j] ?? 0) * (est[i]?.[j] ?? 0)) / spRows.length;
  });
});
console.log(
  'text',
  JSON.stringify({
    fit: Object.fromEntries(
      Object.entries(textFit).map(([k, v]) => [k, { intercept: r4(v.intercept), slope: r4(v.slope), weight: r4(v.weight) }]),
    ),
    bias: r4(bias),
    partMeans: { vocabularyRange: r4(partMeans.vocabularyRange), grammaticalComplexity: r4(partMeans.grammaticalComplexity) },
    decision: { center: r4(center), spread: r4(best.spread), offset: r4(best.offset) },
  }),
);
