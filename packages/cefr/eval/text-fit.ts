// Fitting the text model (calibration.ts: TEXT_FIT, TEXT_THRESHOLDS, TEXT_DECISION) on CEFR-SP
// sentences, and cross-validating the whole procedure. Calibration side only.
import { TEXT_FEATURES } from '../src/calibration.js';
import { textParts, textScoreOf, type TextModel } from '../src/score.js';
import { transformValue } from '../src/scale.js';
import type { TextFeatures } from '../src/types.js';
import type { CefrSpSentence } from './datasets.js';
import { qwk, share } from './metrics.js';
import { fitOrdinal } from './ordinal.js';

const KEYS = Object.keys(TEXT_FEATURES) as Array<keyof TextFeatures>;
/** Ridge penalty of the ordinal fit; 1e-3 and 1e-2 gave the same five-fold figures on train. */
export const TEXT_L2 = 1e-3;

export interface TextScores {
  lenient: number;
  qwk: number;
  exact: number;
}

export function textMetrics(model: TextModel, features: TextFeatures[], sentences: CefrSpSentence[]): TextScores {
  const level = features.map((f) => {
    const p = textParts(f, model);
    return Math.floor(textScoreOf(p.vocabularyRange + p.grammaticalComplexity, model));
  });
  const gold = sentences.map((s) => Math.max(s.a, s.b));
  return {
    lenient: share(level.map((l, i) => l === sentences[i]?.a || l === sentences[i]?.b)),
    qwk: qwk(level, gold),
    exact: share(level.map((l, i) => l === gold[i])),
  };
}

/** How the level is read off the fitted model (score.ts: textScoreOf); chosen by five-fold CV on train. */
export type TextDecode = TextModel['decision']['decode'];

export function fitTextModel(
  features: TextFeatures[],
  sentences: CefrSpSentence[],
  iterations = 1500,
  decode: TextDecode = 'expected',
): TextModel {
  const stats = KEYS.map((k) => {
    const xs = features.map((f) => transformValue(TEXT_FEATURES[k].transform, f[k]));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
    return { mean, sd };
  });
  const X: number[][] = [];
  const y: number[] = [];
  features.forEach((f, i) => {
    const row = KEYS.map(
      (k, j) => (TEXT_FEATURES[k].direction * (transformValue(TEXT_FEATURES[k].transform, f[k]) - stats[j]!.mean)) / stats[j]!.sd,
    );
    // Both annotators' labels, each once: the model learns how far apart readers put a sentence.
    X.push(row, row);
    y.push(sentences[i]!.a, sentences[i]!.b);
  });
  const fit = fitOrdinal(X, y, { nonNegative: true, l2: TEXT_L2, iterations, rate: 0.05 });
  const specs = Object.fromEntries(
    KEYS.map((k, j) => [k, { ...TEXT_FEATURES[k], mean: stats[j]!.mean, sd: stats[j]!.sd, weight: fit.beta[j] ?? 0 }]),
  ) as TextModel['features'];
  // The decision: stretch and shift for QWK against the higher label plus lenient accuracy, on the fitted file.
  let best = { objective: -Infinity, spread: 1, offset: 0 };
  for (let spread = 1; spread <= 2.001; spread += 0.1)
    for (let offset = -1.5; offset <= 1.501; offset += 0.1) {
      const m = textMetrics(
        {
          features: specs,
          thresholds: fit.thresholds,
          decision: { spread, offset, decode },
          partSlopes: { vocabularyRange: 1, grammaticalComplexity: 1 },
        },
        features,
        sentences,
      );
      if (m.qwk + m.lenient > best.objective) best = { objective: m.qwk + m.lenient, spread, offset };
    }
  return {
    features: specs,
    thresholds: fit.thresholds,
    decision: { spread: best.spread, offset: best.offset, decode },
    partSlopes: partSlopes(specs, features),
  };
}

/** Least-squares slope of the whole latent on each part alone (calibration.ts: TEXT_PART_SLOPES). */
export function partSlopes(specs: TextModel['features'], features: TextFeatures[]): TextModel['partSlopes'] {
  const probe: TextModel = {
    features: specs,
    thresholds: [0, 0, 0, 0, 0],
    decision: { spread: 1, offset: 0, decode: 'mode' },
    partSlopes: { vocabularyRange: 1, grammaticalComplexity: 1 },
  };
  const parts = features.map((f) => textParts(f, probe));
  const slope = (g: keyof TextModel['partSlopes']) => {
    let xy = 0;
    let xx = 0;
    for (const p of parts) {
      xy += p[g] * (p.vocabularyRange + p.grammaticalComplexity);
      xx += p[g] ** 2;
    }
    return xx > 0 ? xy / xx : 1;
  };
  return { vocabularyRange: slope('vocabularyRange'), grammaticalComplexity: slope('grammaticalComplexity') };
}

/** k-fold cross-validation of the whole fitting procedure (sentence i goes to fold i mod k). */
export function crossValidate(
  features: TextFeatures[],
  sentences: CefrSpSentence[],
  k = 5,
  iterations = 1500,
  decode: TextDecode = 'expected',
): TextScores {
  const out: TextScores = { lenient: 0, qwk: 0, exact: 0 };
  for (let fold = 0; fold < k; fold++) {
    const tr = sentences.map((_, i) => i).filter((i) => i % k !== fold);
    const te = sentences.map((_, i) => i).filter((i) => i % k === fold);
    const model = fitTextModel(
      tr.map((i) => features[i]!),
      tr.map((i) => sentences[i]!),
      iterations,
      decode,
    );
    const m = textMetrics(
      model,
      te.map((i) => features[i]!),
      te.map((i) => sentences[i]!),
    );
    out.lenient += m.lenient / k;
    out.qwk += m.qwk / k;
    out.exact += m.exact / k;
  }
  return out;
}
