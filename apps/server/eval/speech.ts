// `npm run eval:speech [-- <folder> [--every N]]`: sends each recording of the learner speech set
// (../shared/data/speech, speechocean762; see its README) through the product's own audio path
// (sox FLAC to WAV, as the README says, then toWav, the analysis worker's decoding, voice activity
// and syllable nuclei, then the level engine, each file a read-aloud answer whose printed text is
// the corpus sentence, with no words) and prints one JSON line: Spearman and Pearson of the fluency
// sub-score with the experts' fluency, and of the same estimate with the experts' prosody, beside
// a speech-rate-only baseline, and the same figures for held-out speakers: speaker-grouped 5-fold
// cross-validation of the read-aloud model's fit (speech-fit.ts), with the coefficients of that
// fit on every file beside it (what read-aloud.ts holds); and, for comparison, the same files
// scored as free answers (delivery.ts, no text known). Evaluation
// only: the product never reads this data. --every N takes every N-th file, for quick runs while
// iterating; --save FILE writes each file's analysis (voice segments and syllable nuclei) to FILE,
// and --load FILE reads it back instead of analysing the audio again (keep FILE outside the repo;
// its figures then say "analysis": "loaded").
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { deliveryLevel, measureDelivery, measureReadAloud, readAloudExpertScale, scoreLevelTest, textSyllablesOf } from '@studymate/cefr';
import { mean, pearson, r3, spearman } from '../../../packages/cefr/eval/metrics.js';
import { analyseRecording } from '../src/platform/speech/analysis.js';
import { toWav } from '../src/platform/speech/decode.js';
import type { VoiceSegment } from '../src/platform/speech/vad.js';
import { READ_ALOUD_ANSWER_SEC } from '../src/modules/level-test/prompts.js';
import { crossValidate, fitDelivery, FREE_ANSWER_KIND, READ_ALOUD_KIND } from './speech-fit.js';

const run = promisify(execFile);

function parseArgs(argv: string[]) {
  let dir = process.env.SPEECH_DATA ?? resolve('../shared/data/speech');
  let every = 1;
  let save: string | undefined;
  let load: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--every') every = Math.max(1, Number(argv[++i] ?? 1));
    else if (argv[i] === '--save') save = resolve(argv[++i] ?? '');
    else if (argv[i] === '--load') load = resolve(argv[++i] ?? '');
    else if (argv[i]) dir = resolve(argv[i]!);
  }
  return { dir, every, save, load };
}

/** The time a sentence asks for when sent as a free answer (the comparison row): its syllables at an unhurried 3.5 a second. */
const ASKED_SYLLABLES_PER_SEC = 3.5;

interface Row {
  utt: string;
  speaker: string;
  text: string;
  fluency: number;
  prosodic: number;
}

/** What the analysis worker measured in one file: all the level engine reads of the audio. */
interface Analysed {
  durationSec: number;
  segments: VoiceSegment[];
  syllables: number[];
}

async function analyse(dir: string, row: Row): Promise<Analysed> {
  const { stdout } = await run('sox', [resolve(dir, `${row.utt}.flac`), '-t', 'wav', '-b', '16', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  const maxSec = 60;
  const analysed = await analyseRecording(await toWav(stdout, 'audio/wav', { maxSec }), { maxSec });
  return { durationSec: analysed.durationSec, segments: analysed.voice.segments, syllables: analysed.syllables };
}

/**
 * One file as the product scores it: a read-aloud answer (stage 0) whose printed text is the
 * corpus sentence, with no words. Beside it, the same file's delivery measured as a free answer
 * (no text known), the path before read-aloud items, for comparison.
 */
function measure(row: Row, analysed: Analysed) {
  const result = scoreLevelTest({
    withholdLanguage: true,
    answers: [
      {
        stage: 0,
        words: [],
        voiceSegments: analysed.segments,
        durationSec: analysed.durationSec,
        allottedSec: READ_ALOUD_ANSWER_SEC,
        syllableTimes: analysed.syllables,
        readAloudText: row.text,
      },
    ],
  });
  const answer = { syllableTimes: analysed.syllables, voiceSegments: analysed.segments };
  const allottedSec = textSyllablesOf(row.text) / ASKED_SYLLABLES_PER_SEC;
  const free = measureDelivery([{ ...answer, allottedSec }]);
  return { fluency: result.subScores.fluency, rate: free.speechRate, free, reading: measureReadAloud(answer, row.text) };
}

const { dir, every, save, load } = parseArgs(process.argv.slice(2));
const rows: Row[] = readFileSync(resolve(dir, 'scores.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .map((c) => ({ utt: c[0]!, speaker: c[1]!, text: c[4]!, fluency: Number(c[7]), prosodic: Number(c[8]) }))
  .filter((_, i) => i % every === 0);

const started = Date.now();
const loaded = load ? (JSON.parse(readFileSync(load, 'utf8')) as Record<string, Analysed>) : undefined;
const analyses: Analysed[] = new Array(rows.length);
// Two at a time: the machine is shared, and each analysis runs in a worker thread of its own.
let next = 0;
await Promise.all(
  [0, 1].map(async () => {
    while (next < rows.length) {
      const i = next++;
      const cached = loaded?.[rows[i]!.utt];
      if (loaded && !cached) throw new Error(`${rows[i]!.utt} is not in ${load}`);
      analyses[i] = cached ?? (await analyse(dir, rows[i]!));
    }
  }),
);
if (save) writeFileSync(save, JSON.stringify(Object.fromEntries(rows.map((r, i) => [r.utt, analyses[i]!]))));
const measured = rows.map((row, i) => measure(row, analyses[i]!));
const fluencyScore = measured.map((m) => m.fluency);
const rate = measured.map((m) => m.rate);
const experts = rows.map((r) => r.fluency);
const prosody = rows.map((r) => r.prosodic);
const readings = measured.map((m) => m.reading);
const frees = measured.map((m) => m.free);
const speakers = rows.map((r) => r.speaker);
const refit = fitDelivery(READ_ALOUD_KIND, readings, experts);
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const freeLevel = frees.map((f) => deliveryLevel(f));
// The read-aloud estimate on the experts' scale, for setting its CEFR mapping (read-aloud.ts: READ_ALOUD_TO_CEFR).
const readingScale = readings.map((f) => readAloudExpertScale(f));
console.log(
  JSON.stringify({
    dataset: 'speechocean762 (../shared/data/speech)',
    files: rows.length,
    every,
    analysis: load ? 'loaded' : 'audio',
    // Each file a read-aloud answer with its corpus text: the fluency sub-score with the experts' fluency.
    fluency: { spearman: r3(spearman(fluencyScore, experts)), pearson: r3(pearson(fluencyScore, experts)) },
    // Held-out speakers: the read-aloud model refitted without them, five folds, five assignments.
    fluencyHeldOutSpeakers: crossValidate(READ_ALOUD_KIND, readings, experts, speakers),
    // The same files as free answers (no text known): the delivery model of free answers, as before read-aloud items.
    asFreeAnswers: {
      fluency: { spearman: r3(spearman(freeLevel, experts)), pearson: r3(pearson(freeLevel, experts)) },
      heldOutSpeakers: crossValidate(FREE_ANSWER_KIND, frees, experts, speakers),
    },
    prosody: { spearman: r3(spearman(fluencyScore, prosody)), pearson: r3(pearson(fluencyScore, prosody)) },
    baselineSpeechRate: {
      fluency: { spearman: r3(spearman(rate, experts)), pearson: r3(pearson(rate, experts)) },
      prosody: { spearman: r3(spearman(rate, prosody)), pearson: r3(pearson(rate, prosody)) },
    },
    // Halting readers (experts' fluency 0-3) must come out low: their mean fluency sub-score beside the fluent ones'.
    meanFluencySubScore: {
      experts0to3: r3(mean(fluencyScore.filter((_, i) => experts[i]! <= 3))),
      experts8to10: r3(mean(fluencyScore.filter((_, i) => experts[i]! >= 8))),
    },
    // The read-aloud estimate (0-10) of the readings the experts scored 0-3 and 9-10: what READ_ALOUD_TO_CEFR puts at 2.0 and 5.3.
    meanReadAloudEstimate: {
      experts0to3: r3(mean(readingScale.filter((_, i) => experts[i]! <= 3))),
      experts9to10: r3(mean(readingScale.filter((_, i) => experts[i]! >= 9))),
    },
    targets: { fluencySpearman: 0.74, aimSpearman: 0.78, aimPearson: 0.75 },
    // The read-aloud model fitted on these files the way read-aloud.ts's constants were set: compare it with them.
    refit: {
      intercept: round4(refit.intercept),
      features: Object.fromEntries(
        Object.entries(refit.features).map(([k, v]) => [k, { mean: round4(v.mean), sd: round4(v.sd), weight: round4(v.weight) }]),
      ),
    },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }),
);
