// The scoring job: from stored recordings to a result, and the verified level only when the
// result can be trusted (packages/cefr/src/trust.ts).
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { scoreLevelTest, type LevelTestResult as EngineResult, type PromptStage } from '@studymate/cefr';
import type { LevelTestPrompt, LevelTestResult } from '@studymate/contracts';
import { nowMs, toIso } from '../../platform/db/database.js';
import type { JobContext, JobRunner } from '../../platform/jobs/jobs.js';
import { analyseRecording } from '../../platform/speech/analysis.js';
import { toWav } from '../../platform/speech/decode.js';
import type { FeedbackProvider } from '../../platform/speech/feedback.js';
import { transcribeWithFallback, type Transcriber, type TranscriptWord } from '../../platform/speech/transcriber.js';
import type { VoiceSegment } from '../../platform/speech/vad.js';
import type { Storage } from '../../platform/storage/storage.js';
import type { DomainEvents } from '../events.js';
import type { ProfileService } from '../profile/service.js';
import { attemptOfJob } from './policy.js';
import { answerLimit } from './prompts.js';
import * as repo from './repository.js';
import type { AnswerRow, LevelTestTables } from './repository.js';

export const SCORE_JOB = 'level-test.score';
/** One answer, transcribed and measured as soon as it is uploaded, so finishing waits only for the last. */
export const ANALYSE_JOB = 'level-test.analyse';
/** How long scoring waits for answers whose own analysis jobs are still queued or running. */
const WAIT_FOR_ANSWERS_MS = 10 * 60_000;
const ANSWER_POLL_MS = 100;

/** What the scoring job keeps per answer, so a resumed job does not transcribe it again. */
export interface AnswerAnalysis {
  words: TranscriptWord[];
  confidence: number;
  provider: string;
  lowConfidence: boolean;
  failures: { provider: string; error: string }[];
  voiceSegments: VoiceSegment[];
  /** Syllable nuclei found in the audio (absent in analyses saved before they were measured). */
  syllables?: number[];
  speechSec: number;
  pauseCount: number;
  durationSec: number;
}

/** Recognisers that run on this server: their words are only trusted when they are sure of them. */
const BUILT_IN = new Set(['pocketsphinx', 'client-transcript']);
/**
 * Below this mean word confidence the built-in recogniser's words carry no vocabulary or grammar
 * evidence. On speechocean762 learners pocketsphinx got 22-23% of the words right (WER about
 * 105%, issue #15), so only a clearly sure transcript is used; an outside recogniser (Whisper) is.
 */
export const BUILT_IN_MIN_CONFIDENCE = 0.6;

/** Feedback that rests on delivery alone, kept when the words were withheld or the result is provisional. */
const DELIVERY_FEEDBACK = new Set(['NO_SPEECH', 'FLUENCY_SLOW', 'FLUENCY_STEADY']);

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** True when vocabulary and grammar must not be read from these transcripts. */
export function withholdLanguage(analyses: AnswerAnalysis[]): boolean {
  const words = analyses.reduce((n, a) => n + a.words.length, 0);
  if (!analyses.length || words === 0) return true;
  if (!analyses.every((a) => BUILT_IN.has(a.provider))) return false;
  const confidence = analyses.reduce((s, a) => s + a.confidence * a.words.length, 0) / words;
  return confidence < BUILT_IN_MIN_CONFIDENCE;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The learner-facing result: a provisional one shows its range and delivery only. */
export function presentResult(
  attemptId: string,
  prompts: LevelTestPrompt[],
  analyses: Map<string, AnswerAnalysis>,
  engine: EngineResult,
  extra: {
    feedback: { kind: 'strength' | 'improve'; ko: string; en: string }[];
    source: string | null;
    providers: string[];
    scoredAt: number;
  },
): LevelTestResult {
  const verified = engine.trust.verified;
  const languageShown = verified && !engine.trust.reasons.includes('language-withheld');
  const engineFeedback = engine.feedback.filter((f) => languageShown || DELIVERY_FEEDBACK.has(f.code));
  return {
    attemptId,
    language: 'en',
    verified,
    reasons: verified ? [] : engine.trust.reasons,
    level: engine.level,
    score: round2(engine.score),
    range: engine.range,
    confidence: round2(engine.confidence),
    subScores: {
      fluency: engine.subScores.fluency,
      vocabularyRange: languageShown ? engine.subScores.vocabularyRange : null,
      grammaticalComplexity: languageShown ? engine.subScores.grammaticalComplexity : null,
      coherence: languageShown ? engine.subScores.coherence : null,
      taskAchievement: engine.subScores.taskAchievement,
    },
    feedback: [
      ...engineFeedback.map((f) => ({ kind: f.kind, code: f.code, ko: f.ko, en: f.en, source: 'engine' })),
      ...(languageShown ? extra.feedback : []).map((f, i) => ({
        kind: f.kind,
        code: `coach-${i + 1}`,
        ko: f.ko,
        en: f.en,
        source: extra.source!,
      })),
    ],
    answers: prompts
      .filter((p) => analyses.has(p.id))
      .map((p) => {
        const a = analyses.get(p.id)!;
        return {
          promptId: p.id,
          stage: p.stage,
          transcript: a.words.map((w) => w.text).join(' '),
          words: a.words.map((w) => ({ text: w.text, start: w.start ?? null, end: w.end ?? null })),
          provider: a.provider,
          transcriptConfidence: a.confidence,
          lowConfidence: a.lowConfidence,
          durationSec: a.durationSec,
          speechSec: a.speechSec,
          pauseCount: a.pauseCount,
        };
      }),
    providers: extra.providers,
    scoredAt: toIso(extra.scoredAt)!,
  };
}

export function createScoring(deps: {
  db: Kysely<LevelTestTables>;
  storage: Storage;
  profile: Pick<ProfileService, 'setVerifiedLevel'>;
  jobs: JobRunner;
  transcribers: Transcriber[];
  feedback?: FeedbackProvider | null;
  log?: { warn(obj: object, msg: string): void };
  events?: DomainEvents;
}) {
  const { db, storage } = deps;

  /** Transcribes one answer and measures its voice activity; the slow part of scoring. */
  async function analyse(answer: AnswerRow, signal: AbortSignal): Promise<AnswerAnalysis> {
    const stored = await storage.get(answer.storage_key);
    // The recording was stored before its row was written; losing it is a broken invariant.
    if (!stored) throw new Error(`the recording of ${answer.prompt_id} is missing from storage`);
    // Bounded even for a recording kept from before the length limit: only its allowed part is analysed.
    const { maxSec } = answerLimit(answer.prompt_id);
    const wav = await toWav(await readAll(stored.body), answer.content_type, { maxSec, signal });
    const analysed = await analyseRecording(wav, { maxSec, signal });
    const voice = analysed.voice;
    // The analysed 16 kHz mono 16-bit copy, whatever was uploaded: whisper.cpp's server reads no
    // other WAV (it answers "failed to read WAV file"), and it is the smallest upload to any recogniser.
    const transcript = await transcribeWithFallback(deps.transcribers, analysed.speech, {
      durationSec: analysed.durationSec,
      clientTranscript: answer.client_transcript,
      signal,
      speech: analysed.speech,
    });
    return {
      words: transcript.words,
      confidence: transcript.confidence,
      provider: transcript.provider,
      lowConfidence: transcript.lowConfidence,
      failures: transcript.failures,
      voiceSegments: voice.segments,
      syllables: analysed.syllables,
      speechSec: voice.speechSec,
      pauseCount: voice.pauses.length,
      durationSec: Math.round(analysed.durationSec * 1000) / 1000,
    };
  }

  /** Advice from the optional feedback provider; any failure means none, never a failed score. */
  async function extraFeedback(level: string, answers: { task: string; transcript: string }[], signal: AbortSignal) {
    if (!deps.feedback) return [];
    try {
      return (await deps.feedback.suggest({ level, answers }, signal)) ?? [];
    } catch (error) {
      if (signal.aborted) throw error;
      deps.log?.warn({ err: error }, 'level-test feedback provider failed; scoring without it');
      return [];
    }
  }

  /**
   * Transcribe and measure each answer (saving each as it is done, so a restart resumes where it
   * stopped), score, set the verified level when the result is verified, then mark the attempt
   * scored. Run again after a crash, every step is safe to repeat.
   */
  async function scoreAttempt(payload: { attemptId: string }, context: JobContext) {
    const id = attemptOfJob(payload.attemptId);
    const attempt = await repo.findAttempt(db, id);
    // Gone with its account, or already scored by an earlier run of this job.
    if (!attempt || attempt.status === 'scored' || attempt.status === 'draft') return;
    await repo.moveAttempt(db, id, ['submitted', 'scoring', 'failed'], { status: 'scoring', error: null });
    const prompts = repo.promptsOf(attempt);
    // Answers analysed by their own jobs are ready; wait for those still being analysed rather
    // than do them twice (bounded: a job that never ends is done here instead).
    const waitUntil = Date.now() + WAIT_FOR_ANSWERS_MS;
    let answers = await repo.answersOf(db, id);
    while (
      answers.some((a) => !a.analysis) &&
      Date.now() < waitUntil &&
      (await deps.jobs.hasUnfinished(ANALYSE_JOB, JSON.stringify({ attemptId: id }).slice(1, -1)))
    ) {
      await new Promise((r) => setTimeout(r, ANSWER_POLL_MS));
      context.signal.throwIfAborted();
      answers = await repo.answersOf(db, id);
    }
    const analyses = new Map<string, AnswerAnalysis>();
    for (const answer of answers) {
      let analysis = answer.analysis ? (JSON.parse(answer.analysis) as AnswerAnalysis) : null;
      if (!analysis) {
        context.signal.throwIfAborted();
        analysis = await analyse(answer, context.signal);
        await repo.saveAnalysisOf(db, id, answer.prompt_id, answer.storage_key, JSON.stringify(analysis), nowMs());
      }
      analyses.set(answer.prompt_id, analysis);
    }
    const answered = prompts.filter((p) => analyses.has(p.id));
    // Delivery comes from the audio when every answer's syllables were measured.
    const audioDelivery = answered.every((p) => Array.isArray(analyses.get(p.id)!.syllables));
    const engine = scoreLevelTest({
      // The reading's words are the printed text's: they neither give nor withhold language evidence.
      withholdLanguage: withholdLanguage(answered.filter((p) => !p.readAloudText).map((p) => analyses.get(p.id)!)),
      answers: answered.map((p) => {
        const a = analyses.get(p.id)!;
        return {
          stage: p.stage as PromptStage,
          words: a.words,
          voiceSegments: a.voiceSegments,
          durationSec: a.durationSec,
          allottedSec: p.answerSec,
          ...(audioDelivery ? { syllableTimes: a.syllables } : {}),
          // A read-aloud answer is measured against its printed text, and its words are not the learner's own.
          ...(p.readAloudText ? { readAloudText: p.readAloudText } : {}),
        };
      }),
    });
    const providers = [...new Set(answered.map((p) => analyses.get(p.id)!.provider))];
    // Coaching reads the words: only asked for when they count.
    const extra = engine.trust.verified
      ? await extraFeedback(
          engine.level,
          answered
            .filter((p) => !p.readAloudText)
            .map((p) => ({
              task: p.instruction.en,
              transcript: analyses
                .get(p.id)!
                .words.map((w) => w.text)
                .join(' '),
            })),
          context.signal,
        )
      : [];
    if (extra.length) providers.push(deps.feedback!.name);
    const scoredAt = nowMs();
    const result = presentResult(id, prompts, analyses, engine, {
      feedback: extra,
      source: deps.feedback?.name ?? null,
      providers,
      scoredAt,
    });
    context.signal.throwIfAborted();
    // The verified level follows the newest handed-in verified test: re-scoring an older one leaves it be.
    const newer = (await repo.attemptsOf(db, attempt.user_id)).some(
      (a) =>
        a.id !== id &&
        a.status === 'scored' &&
        repo.resultOf(a)?.verified !== false &&
        Number(a.submitted_at ?? 0) > Number(attempt.submitted_at ?? 0),
    );
    // The level first: if the node dies between the two writes, the rerun sets it again.
    // A provisional result never touches it.
    if (result.verified && !newer) await deps.profile.setVerifiedLevel(attempt.user_id, 'en', engine.level, 'level-test');
    // Before the attempt is marked scored, with the attempt's id as the event's: a rerun publishes the same event again, which progress keeps once.
    await deps.events?.publish(
      db,
      'level-test.scored',
      {
        userId: attempt.user_id,
        testId: id,
        level: engine.level,
        verified: result.verified && !newer,
        language: 'en',
        at: toIso(scoredAt)!,
      },
      `level-test.scored:${id}`,
    );
    await repo.moveAttempt(db, id, ['scoring'], {
      status: 'scored',
      scored_at: scoredAt,
      result: JSON.stringify(result),
      providers: providers.join(',').slice(0, 200),
      error: null,
    });
  }

  /** The per-answer job: analyses the recording named in its payload, unless it was replaced or done already. */
  async function analyseAnswer(payload: { attemptId: string; promptId: string; storageKey: string }, context: JobContext) {
    const id = attemptOfJob(payload.attemptId);
    const answer = await repo.findAnswer(db, id, payload.promptId);
    if (!answer || answer.storage_key !== payload.storageKey || answer.analysis) return;
    const analysis = await analyse(answer, context.signal);
    await repo.saveAnalysisOf(db, id, answer.prompt_id, answer.storage_key, JSON.stringify(analysis), nowMs());
  }

  // Analysis failures are retried by the runner; after the last one, scoring analyses the answer itself.
  deps.jobs.register(ANALYSE_JOB, { run: analyseAnswer });

  deps.jobs.register(SCORE_JOB, {
    run: scoreAttempt,
    async onGiveUp(payload: { attemptId: string }, error: string) {
      await repo.moveAttempt(db, attemptOfJob(payload.attemptId), ['submitted', 'scoring'], {
        status: 'failed',
        error: `Scoring failed: ${error}`.slice(0, 500),
      });
    },
  });

  return { analyse };
}
