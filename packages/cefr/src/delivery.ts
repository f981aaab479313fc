// Delivery measured from the audio alone: syllable nuclei found in the signal (the server's
// nuclei.ts, after de Jong & Wempe 2009) and the silences between them. No recognised word enters,
// so recognition errors, inserted words or fillers cannot move fluency.
//
// DELIVERY_MODEL was fitted (ridge regression on standardised features, speaker-grouped 5-fold
// cross-validation to choose it) on a 500-sentence sample of speechocean762's train split (read
// sentences by Mandarin-speaking learners, median of five experts' fluency scores, 0-10). Only the
// fitted numbers live here; `npm run eval:speech -- DIR` reads the recordings from outside the
// product and reproduces the figures. Other speakers of the corpus are held out to
// confirm it. The recordings are sentences read aloud, so "the time asked for" there is the
// sentence's syllables at 3.5 a second (eval/speech.ts); in the product it is the prompt's answer time.

/** A gap between nuclei longer than this is a pause (250 ms is the usual silent-pause floor; 500 ms separates hesitations from syllable rhythm). */
export const PAUSE_GAP_SEC = 0.5;
export const LONG_PAUSE_GAP_SEC = 1.0;
/** A nucleus stands for about this much sound on either side, so one syllable still has a span. */
const NUCLEUS_SEC = 0.125;

export interface DeliveryAnswer {
  /** Syllable nuclei found in the recording, seconds from its start. */
  syllableTimes: readonly number[];
  /** The answer time the prompt asked for: speaking much less than it counts as slow. */
  allottedSec?: number;
}

export interface DeliveryFeatures {
  syllables: number;
  /** From the first nucleus to the last, plus a nucleus's width, summed over answers. */
  spanSec: number;
  /** The time the prompts asked for (or the span, when longer), summed over answers. */
  askedSec: number;
  /** Syllables a second while speaking (over the span). */
  rateWhileSpeaking: number;
  /** Syllables a second over the span or the time asked for, whichever is longer: the speech-rate baseline. */
  speechRate: number;
  /** Mean, spread (standard deviation) and longest of the gaps between consecutive nuclei. */
  meanGapSec: number;
  gapSpreadSec: number;
  longestGapSec: number;
  /** Pauses (gaps over PAUSE_GAP_SEC) and long pauses (over LONG_PAUSE_GAP_SEC) per 10 syllables. */
  pausesPer10: number;
  longPausesPer10: number;
  /** Mean length of run: syllables between pauses. */
  meanLengthOfRun: number;
  /** Share of the span spent in pauses. */
  pauseShare: number;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
/** Span given to fewer than two nuclei: nothing to measure a rhythm on. */
const EMPTY_SPAN_SEC = 0.3;

export function measureDelivery(answers: readonly DeliveryAnswer[]): DeliveryFeatures {
  let syllables = 0;
  let spanSec = 0;
  let askedSec = 0;
  const gaps: number[] = [];
  let pauses = 0;
  let longPauses = 0;
  let pauseSec = 0;
  for (const a of answers) {
    const times = (Array.isArray(a?.syllableTimes) ? a.syllableTimes : [])
      .filter((t) => finite(t) && t >= 0 && t < 3600)
      .sort((x, y) => x - y);
    const allotted = finite(a?.allottedSec) && a.allottedSec > 0 && a.allottedSec < 3600 ? a.allottedSec : 0;
    syllables += times.length;
    const span = times.length >= 2 ? times[times.length - 1]! - times[0]! + 2 * NUCLEUS_SEC : times.length ? EMPTY_SPAN_SEC : 0;
    spanSec += span;
    askedSec += Math.max(span, allotted);
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      gaps.push(gap);
      if (gap > PAUSE_GAP_SEC) {
        pauses++;
        pauseSec += gap;
      }
      if (gap > LONG_PAUSE_GAP_SEC) longPauses++;
    }
  }
  if (!gaps.length) gaps.push(1);
  const meanGap = gaps.reduce((x, g) => x + g, 0) / gaps.length;
  const spread = Math.sqrt(gaps.reduce((x, g) => x + (g - meanGap) ** 2, 0) / gaps.length);
  const span = Math.max(spanSec, EMPTY_SPAN_SEC);
  return {
    syllables,
    spanSec,
    askedSec,
    rateWhileSpeaking: Math.max(syllables, 0.5) / span,
    speechRate: askedSec > 0 ? syllables / askedSec : 0,
    meanGapSec: meanGap,
    gapSpreadSec: spread,
    longestGapSec: Math.max(...gaps),
    pausesPer10: (10 * pauses) / Math.max(syllables, 1),
    longPausesPer10: (10 * longPauses) / Math.max(syllables, 1),
    meanLengthOfRun: syllables / (pauses + Math.max(1, answers.length)),
    pauseShare: pauseSec / span,
  };
}

type Spec = { transform: (f: DeliveryFeatures) => number; mean: number; sd: number; weight: number };
/**
 * Each feature as the model reads it (transformed), its mean and spread on the fitting data, and its
 * weight on the experts' 0-10 scale per standard deviation. Ridge (lambda 1) on all 500 recordings:
 * Spearman 0.722 and Pearson 0.774 with the experts' fluency; speaker-grouped 5-fold
 * cross-validation gave 0.706 and 0.739. Speech rate and the mean gap are strongly correlated,
 * so their two large weights partly cancel: read them together, not one by one. Features that
 * compare the time taken with the sentence's length were left out although they raised the
 * figures (to 0.735 cross-validated): on read sentences finishing early means reading fast, while
 * in the product's free answers it means saying less than asked.
 */
const DELIVERY_MODEL: { intercept: number; features: Record<string, Spec> } = {
  intercept: 7.2794,
  features: {
    rateWhileSpeaking: { transform: (f) => Math.log(f.rateWhileSpeaking), mean: 1.1628, sd: 0.3411, weight: 3.6092 },
    meanGapSec: { transform: (f) => Math.log(Math.max(f.meanGapSec, 0.01)), mean: -1.1389, sd: 0.3819, weight: 2.8929 },
    gapSpreadSec: { transform: (f) => Math.log(f.gapSpreadSec + 0.01), mean: -1.9436, sd: 0.727, weight: 0.4181 },
    longestGapSec: { transform: (f) => Math.log(Math.max(f.longestGapSec, 0.01)), mean: -0.5438, sd: 0.553, weight: -0.4578 },
    pausesPer10: { transform: (f) => Math.log1p(f.pausesPer10), mean: 0.6302, sd: 0.6754, weight: -0.7426 },
    longPausesPer10: { transform: (f) => Math.log1p(f.longPausesPer10), mean: 0.1659, sd: 0.3857, weight: -0.2234 },
    meanLengthOfRun: { transform: (f) => Math.log(Math.max(f.meanLengthOfRun, 0.5)), mean: 1.5064, sd: 0.6181, weight: -0.9651 },
    pauseShare: { transform: (f) => f.pauseShare, mean: 0.2572, sd: 0.338, weight: -0.6238 },
  },
};

/**
 * Saying far less than asked: below this share of the asked time spent speaking, delivery drops
 * by SHORTFALL_SLOPE points of the 0-10 scale per halving (natural log). No recording in the
 * speech set falls below it (every sentence was read out); it is for answers that stop early.
 */
const SHORTFALL_SHARE = 0.4;
/** Standardised features are clipped to this many spreads (costs nothing on the speech set: Spearman 0.721 against 0.722). */
const MAX_Z = 2;
const SHORTFALL_SLOPE = 3;

/**
 * The model's 0-10 estimate put on the CEFR score scale (1 = A1 ... 6 = C2), reading the corpus
 * rubric: experts' 0-3 "halting, very disfluent" (model mean 4.46 on the speech set) at the A1/A2
 * edge (2.0), 9-10 "fluent, no noticeable pauses" (model mean 8.34) at C1 (5.3). The model's
 * estimates are pulled towards the middle, as any regression's are, so the stretch is wider than
 * the rubric's own 0-10 to 1-6 mapping. Between them, 4-5 lands near A2/B1 and 6-7 near B2.
 */
const EXPERT_TO_CEFR = { intercept: -1.79, slope: 0.85 };

/** Delivery on the experts' 0-10 fluency scale (what eval:speech correlates); 0 without a syllable. */
export function deliveryExpertScale(f: DeliveryFeatures): number {
  // No syllable at all is no delivery. A single one is scored (a quiet recording may show only one
  // nucleus); the shortfall rule below keeps a one-syllable answer to a long prompt at the bottom.
  if (f.syllables === 0) return 0;
  let y = DELIVERY_MODEL.intercept;
  for (const spec of Object.values(DELIVERY_MODEL.features)) {
    // Kept within two spreads of the fitting data: a minute-long answer's runs are far longer than
    // a read sentence's, and a linear fit must not be stretched that far.
    const z = Math.min(MAX_Z, Math.max(-MAX_Z, (spec.transform(f) - spec.mean) / spec.sd));
    y += spec.weight * z;
  }
  const share = f.askedSec > 0 ? f.spanSec / f.askedSec : 1;
  if (share < SHORTFALL_SHARE) y -= SHORTFALL_SLOPE * Math.log(SHORTFALL_SHARE / Math.max(share, 1e-3));
  return Number.isFinite(y) ? Math.min(10, Math.max(0, y)) : 0;
}

/** The fluency sub-score from delivery (1..6.99). */
export function deliveryLevel(f: DeliveryFeatures): number {
  const y = deliveryExpertScale(f);
  return Math.min(6.99, Math.max(1, EXPERT_TO_CEFR.intercept + EXPERT_TO_CEFR.slope * y));
}
