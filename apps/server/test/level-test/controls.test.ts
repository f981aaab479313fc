import { describe, expect, it } from 'vitest';
import { scoreLevelTest, type AnswerInput, type PromptStage } from '@studymate/cefr';
import { PROMPT_BANK } from '../../src/modules/level-test/prompts.js';
import { analyseRecording } from '../../src/platform/speech/analysis.js';
import { ESPEAK, ESPEAK_MISSING, silentWav, speak, synth } from './helpers.js';

// Controls through the product's audio path: espeak-ng speech decoded and measured by the same
// analysis worker the server runs (voice activity, syllable nuclei), scored by the same engine,
// with the words a recogniser would give (the script, timed evenly as the local STT stand-in does).

const A1 = [
  'My name is Tom. I am ten. I live in a big house. I have a cat and a dog. I like my cat. It is black and white.',
  'On Sunday I play with my dog. We go to the park. I eat an apple. My mum and dad come too. It is fun and I am happy.',
  'I like school. I like my teacher. She is nice. I do not like tests. They are hard. I want to play. I like to draw and sing.',
  'I want a red car. I want a big house. I want a dog and a cat. I like the sea. I want to go to the sea with my mum and dad.',
];
const C1 = [
  'Although I originally trained as an architect, I eventually moved into urban planning, which allows me to influence entire neighbourhoods.',
  'Whenever deadlines accumulate, I deliberately prioritise the tasks whose consequences would be most severe, even if that means postponing enjoyable projects.',
  'Admittedly, remote education offers considerable flexibility; nevertheless, I suspect it undermines the spontaneous collaboration that genuinely motivates students.',
  'If automation continues accelerating, governments would probably need to reconsider taxation, since conventional employment might no longer sustain public services.',
];
const STAGES: PromptStage[] = [1, 2, 3, 4];
const ALLOTTED = [30, 45, 60, 75];
/** The read-aloud item every test opens with (a sentence of the prompt bank), read in the same voice. */
const READING = PROMPT_BANK.find((p) => p.stage === 0)!;

/** Syllables of a text (vowel groups per word), to read different words at the same syllable pace. */
const syllablesOf = (text: string) =>
  (text.toLowerCase().match(/[a-z']+/g) ?? []).reduce((n, w) => n + Math.max(1, (w.match(/[aeiouy]+/g) ?? []).length), 0);

/**
 * espeak-ng's rate is in words a minute; "read the same way" means the same syllables a second
 * and the same pausing, so the rate is set from the script's syllables per word, and punctuation
 * (where espeak-ng pauses) is left out of what it reads. The words scored keep their punctuation.
 */
async function answer(script: string, stage: PromptStage, allottedSec: number, voice: { sps: number; gap: number }): Promise<AnswerInput> {
  const words = script.split(/\s+/).length;
  const rate = Math.round((voice.sps * 60 * words) / syllablesOf(script));
  const spoken = script.replace(/[.,;:!?]/g, '');
  const analysed = await analyseRecording(speak(spoken, { rate, gap: voice.gap }), { maxSec: allottedSec + 15 });
  const tokens = script.split(/\s+/);
  const step = (analysed.durationSec - 0.2) / tokens.length;
  return {
    stage,
    words: tokens.map((text, i) => ({ text, start: 0.1 + i * step, end: 0.1 + (i + 0.9) * step, confidence: 0.9 })),
    voiceSegments: analysed.voice.segments,
    durationSec: analysed.durationSec,
    allottedSec,
    syllableTimes: analysed.syllables,
    ...(stage === 0 ? { readAloudText: script } : {}),
  };
}

async function takeTest(scripts: string[], voice: { sps: number; gap: number }) {
  const answers = await Promise.all([
    answer(READING.readAloudText!, 0, READING.answerSec, voice),
    ...scripts.map((s, i) => answer(`${s} ${s}`, STAGES[i]!, ALLOTTED[i]!, voice)),
  ]);
  return scoreLevelTest({ answers });
}

/** Syllables a second and espeak-ng's gap between words (10 ms units). */
const FLUENT = { sps: 4, gap: 0 };
const HALTING = { sps: 2.5, gap: 60 };

describe.skipIf(!ESPEAK)(`controls through the audio path${ESPEAK ? '' : ` (skipped: ${ESPEAK_MISSING})`}`, () => {
  it(
    'the same words said fluently and haltingly differ in fluency by a band or more, and not in vocabulary or grammar',
    { timeout: 120_000 },
    async () => {
      const fluent = await takeTest(C1, FLUENT);
      const halting = await takeTest(C1, HALTING);
      expect(fluent.subScores.fluency - halting.subScores.fluency).toBeGreaterThanOrEqual(1);
      expect(Math.abs(fluent.subScores.vocabularyRange - halting.subScores.vocabularyRange)).toBeLessThan(0.5);
      expect(Math.abs(fluent.subScores.grammaticalComplexity - halting.subScores.grammaticalComplexity)).toBeLessThan(0.5);
    },
  );

  it(
    'A1 and C1 words read the same way differ in vocabulary and grammar by a band or more, and not in fluency',
    { timeout: 120_000 },
    async () => {
      const a1 = await takeTest(A1, FLUENT);
      const c1 = await takeTest(C1, FLUENT);
      expect(c1.subScores.vocabularyRange - a1.subScores.vocabularyRange).toBeGreaterThanOrEqual(1);
      expect(c1.subScores.grammaticalComplexity - a1.subScores.grammaticalComplexity).toBeGreaterThanOrEqual(1);
      expect(Math.abs(c1.subScores.fluency - a1.subScores.fluency)).toBeLessThan(1);
    },
  );

  it('the printed sentence read fluently and haltingly differs in fluency by a band or more', { timeout: 60_000 }, async () => {
    const read = async (voice: { sps: number; gap: number }) =>
      scoreLevelTest({ answers: [await answer(READING.readAloudText!, 0, READING.answerSec, voice)], withholdLanguage: true }).subScores
        .fluency;
    const fluent = await read(FLUENT);
    const halting = await read(HALTING);
    expect(fluent - halting).toBeGreaterThanOrEqual(1);
  });

  it('silence and a noisy room are never verified', { timeout: 60_000 }, async () => {
    for (const wav of [silentWav(20), synth([{ sec: 20 }], { noise: 0.05 }).wav]) {
      const analysed = await analyseRecording(wav, { maxSec: 45 });
      // What a recogniser might make up from noise.
      const words = ['I', 'am', 'not', 'sure', 'what', 'to', 'say'].map((text, i) => ({ text, start: i, end: i + 0.8, confidence: 0.3 }));
      const answers = STAGES.map((stage, i) => ({
        stage,
        words,
        voiceSegments: analysed.voice.segments,
        durationSec: analysed.durationSec,
        allottedSec: ALLOTTED[i]!,
        syllableTimes: analysed.syllables,
      }));
      const result = scoreLevelTest({ answers });
      expect(result.trust.verified).toBe(false);
      expect(result.subScores.fluency).toBeLessThan(2);
    }
  });
});
