// Whether a level test result is trustworthy enough to become someone's verified level.
//
// Three things must all hold, and the confidence is their product (each 0..1):
// - amount: enough speech. Seconds of voice the detector heard across the test, full at
//   SPEECH_FOR_FULL_AMOUNT_SEC. The four prompts allow 30-90 s each (prompts.ts), so a learner who
//   speaks a third of the time they were given reaches it; the untrustworthy results
//   (confidence 0.16-0.32) came from a few seconds of speech or from silence.
// - recognition: the mean recogniser confidence of the words (Whisper's exp(avg_logprob), the
//   pocketsphinx posterior); the browser's own transcript counts 0.4 (transcriber.ts).
// - agreement: delivery (fluency, from the audio) and language (vocabulary and grammar, from the
//   words) should point at the same band. A band apart costs nothing (real learners' profiles are
//   uneven, and delivery is measured on its own scale from the audio); each further band costs
//   0.4 (AGREEMENT_SLACK, AGREEMENT_PER_BAND): three bands apart in one test is more likely a
//   recognition failure than a profile.
// The result is verified when the confidence reaches VERIFY_AT and the language evidence was
// usable (a level from delivery alone is not a CEFR level). VERIFY_AT is set so that the stand-in
// recogniser's confidence (0.82) on a test spoken for a minute or more passes, the browser
// transcript (0.4) never does, and neither do the 0.16-0.32 results; re-check it against
// real STUDYMATE results once there are some.
import type { SubScores } from './types.js';

export const SPEECH_FOR_FULL_AMOUNT_SEC = 60;
/** Below this much speech nothing is verified, whatever else holds. */
export const MIN_SPEECH_FOR_VERIFIED_SEC = 30;
/** Pruned words a verified result needs at least (half a minute at a slow A2 pace). */
export const MIN_WORDS_FOR_VERIFIED = 50;
export const VERIFY_AT = 0.55;
const AGREEMENT_SLACK = 1;
const AGREEMENT_PER_BAND = 0.4;

/** Why a result stayed provisional; the web turns each into advice for the retake. */
export type TrustReason = 'little-speech' | 'unclear-recording' | 'estimates-disagree' | 'language-withheld';

export interface Trust {
  verified: boolean;
  /** 0..1, the product of amount, recognition and agreement. */
  confidence: number;
  amount: number;
  recognition: number;
  agreement: number;
  speechSec: number;
  reasons: TrustReason[];
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const round2 = (x: number) => Math.round(x * 100) / 100;

export function judgeTrust(input: {
  speechSec: number;
  prunedWords: number;
  recognition: number;
  subScores: Pick<SubScores, 'fluency' | 'vocabularyRange' | 'grammaticalComplexity'>;
  /** False when vocabulary and grammar were withheld (the recogniser was too unsure). */
  languageUsed: boolean;
}): Trust {
  const amount = clamp01(input.speechSec / SPEECH_FOR_FULL_AMOUNT_SEC);
  const recognition = clamp01(input.recognition);
  const language = (input.subScores.vocabularyRange + input.subScores.grammaticalComplexity) / 2;
  const gap = Math.abs(input.subScores.fluency - language);
  const agreement = input.languageUsed ? clamp01(1 - Math.max(0, gap - AGREEMENT_SLACK) * AGREEMENT_PER_BAND) : 0.5;
  const confidence = round2(amount * recognition * agreement);
  const reasons: TrustReason[] = [];
  if (input.speechSec < MIN_SPEECH_FOR_VERIFIED_SEC || input.prunedWords < MIN_WORDS_FOR_VERIFIED || amount < 0.75)
    reasons.push('little-speech');
  if (recognition < 0.7) reasons.push('unclear-recording');
  if (!input.languageUsed) reasons.push('language-withheld');
  else if (agreement < 0.75) reasons.push('estimates-disagree');
  const hardStop = input.speechSec < MIN_SPEECH_FOR_VERIFIED_SEC || input.prunedWords < MIN_WORDS_FOR_VERIFIED || !input.languageUsed;
  const verified = !hardStop && confidence >= VERIFY_AT;
  // A verified result may still carry a mild reason; an unverified one always names at least one.
  if (!verified && reasons.length === 0) reasons.push(amount < 1 ? 'little-speech' : 'unclear-recording');
  return {
    verified,
    confidence,
    amount: round2(amount),
    recognition: round2(recognition),
    agreement: round2(agreement),
    speechSec: round2(input.speechSec),
    reasons,
  };
}
