// `npm run eval:speech [-- <folder> [--every N]]`: sends each recording of the learner speech set
// (../shared/data/speech, speechocean762; see its README) through the product's own audio path
// (sox FLAC to WAV, as the README says, then toWav, the analysis worker's decoding, voice activity
// and syllable nuclei, then the level engine with no words) and prints one JSON line: Spearman and
// Pearson of the fluency sub-score with the experts' fluency, and of the same delivery estimate
// with the experts' prosody, beside a speech-rate-only baseline. Evaluation only: the product
// never reads this data. --every N takes every N-th file, for quick runs while iterating.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { measureDelivery, scoreLevelTest } from '@studymate/cefr';
import { mean, pearson, r3, spearman } from '../../../packages/cefr/eval/metrics.js';
import { analyseRecording } from '../src/platform/speech/analysis.js';
import { toWav } from '../src/platform/speech/decode.js';

const run = promisify(execFile);

function parseArgs(argv: string[]) {
  let dir = process.env.SPEECH_DATA ?? resolve('../shared/data/speech');
  let every = 1;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--every') every = Math.max(1, Number(argv[++i] ?? 1));
    else if (argv[i]) dir = resolve(argv[i]!);
  }
  return { dir, every };
}

/** Syllables in the sentence the learner was asked to read: vowel groups per word, a silent final e dropped. */
function syllablesOf(text: string): number {
  let n = 0;
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) {
    let groups = (word.match(/[aeiouy]+/g) ?? []).length;
    if (word.endsWith('e') && !word.endsWith('le') && groups > 1) groups--;
    n += Math.max(1, groups);
  }
  return n;
}
/** The time a sentence asks for: its syllables at an unhurried reading pace of 3.5 a second. */
const ASKED_SYLLABLES_PER_SEC = 3.5;

interface Row {
  utt: string;
  text: string;
  fluency: number;
  prosodic: number;
}

async function measure(dir: string, row: Row) {
  const { stdout } = await run('sox', [resolve(dir, `${row.utt}.flac`), '-t', 'wav', '-b', '16', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  const maxSec = 60;
  const analysed = await analyseRecording(await toWav(stdout, 'audio/wav', { maxSec }), { maxSec });
  const allottedSec = syllablesOf(row.text) / ASKED_SYLLABLES_PER_SEC;
  const result = scoreLevelTest({
    withholdLanguage: true,
    answers: [
      {
        stage: 1,
        words: [],
        voiceSegments: analysed.voice.segments,
        durationSec: analysed.durationSec,
        allottedSec,
        syllableTimes: analysed.syllables,
      },
    ],
  });
  const rate = measureDelivery([{ syllableTimes: analysed.syllables, allottedSec }]).speechRate;
  return { fluency: result.subScores.fluency, rate };
}

const { dir, every } = parseArgs(process.argv.slice(2));
const rows: Row[] = readFileSync(resolve(dir, 'scores.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .map((c) => ({ utt: c[0]!, text: c[4]!, fluency: Number(c[7]), prosodic: Number(c[8]) }))
  .filter((_, i) => i % every === 0);

const started = Date.now();
const measured: { fluency: number; rate: number }[] = new Array(rows.length);
// Two at a time: the machine is shared, and each analysis runs in a worker thread of its own.
let next = 0;
await Promise.all(
  [0, 1].map(async () => {
    while (next < rows.length) {
      const i = next++;
      measured[i] = await measure(dir, rows[i]!);
    }
  }),
);
const fluencyScore = measured.map((m) => m.fluency);
const rate = measured.map((m) => m.rate);
const experts = rows.map((r) => r.fluency);
const prosody = rows.map((r) => r.prosodic);
console.log(
  JSON.stringify({
    dataset: 'speechocean762 (../shared/data/speech)',
    files: rows.length,
    every,
    fluency: { spearman: r3(spearman(fluencyScore, experts)), pearson: r3(pearson(fluencyScore, experts)) },
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
    targets: { fluencySpearman: 0.74, aimSpearman: 0.78, aimPearson: 0.75 },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }),
);
