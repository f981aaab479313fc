import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DomainEvents } from '../events.js';
import type {
  LevelTestAnswerSummary,
  LevelTestAttempt,
  LevelTestHistory,
  LevelTestProgress,
  LevelTestPrompt,
  LevelTestResult,
  LevelTestStatus,
} from '@studymate/contracts';
import type { SignedLinks } from '../../platform/auth/signed-links.js';
import { nowMs, toIso } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import { sniffContentType } from '../../platform/http/sniff.js';
import type { JobRunner } from '../../platform/jobs/jobs.js';
import { decodableAudioTypes, recordingSeconds } from '../../platform/speech/decode.js';
import type { FeedbackProvider } from '../../platform/speech/feedback.js';
import type { Transcriber } from '../../platform/speech/transcriber.js';
import { AudioFormatError } from '../../platform/speech/wav.js';
import type { Storage } from '../../platform/storage/storage.js';
import type { ProfileService } from '../profile/service.js';
import { EXPORT_VALID_MS, type AccountParticipant } from '../users/service.js';
import {
  attemptOfRecordingLink,
  authorizeAttempt,
  authorizeAttemptForAdmin,
  levelTestOffered,
  mayChangeAnswers,
  mayRescore,
  ownAttempt,
  recordingLinkQuery,
  type AuthorizedAttemptId,
} from './policy.js';
import { ANSWER_MARGIN_SEC, answerLimit, drawPrompts, type AnswerLimit } from './prompts.js';
import * as repo from './repository.js';
import type { AnswerRow, AttemptRow, LevelTestTables } from './repository.js';
import { ANALYSE_JOB, createScoring, SCORE_JOB, type AnswerAnalysis } from './scoring.js';

export { SCORE_JOB };
/** Limits what a browser may send as its own transcript of one answer. */
export const MAX_CLIENT_TRANSCRIPT = 5000;

const notFound = () => refuse<never>('NOT_FOUND', 'No such level test.');

/** File name extensions of the recordings people can download (the types an answer may be stored as). */
const AUDIO_EXTENSIONS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
};

/** What the person said in an answer: the analysed transcript, else what their browser heard, else nothing yet. */
function transcriptOf(answer: AnswerRow): string | null {
  if (answer.analysis) return (JSON.parse(answer.analysis) as AnswerAnalysis).words.map((w) => w.text).join(' ');
  return answer.client_transcript;
}

const tooLong = (limit: AnswerLimit, what: string, details: Record<string, number>) =>
  refuse<never>(
    'LEVEL_TEST_ANSWER_TOO_LONG',
    `${what}; an answer to this prompt may be at most ${limit.maxSec} s (${limit.speakingSec} s to speak plus ${ANSWER_MARGIN_SEC} s).`,
    { maxSeconds: limit.maxSec, maxBytes: limit.maxBytes, ...details },
  );

/** The first gate on an answer, from its size alone (no recording of the allowed length is bigger); null when it passes. */
function checkAnswerSize(promptId: string, bytes: number): Result<never> | null {
  const limit = answerLimit(promptId);
  if (bytes <= limit.maxBytes) return null;
  return tooLong(limit, `This recording is ${(bytes / 1e6).toFixed(1)} MB, more than ${limit.maxSec} s of 16-bit mono audio at 48 kHz`, {
    bytes,
  });
}

function presentAnswer(a: AnswerRow): LevelTestAnswerSummary {
  return {
    promptId: a.prompt_id,
    durationMs: Number(a.duration_ms),
    contentType: a.content_type,
    hasClientTranscript: !!a.client_transcript,
    uploadedAt: toIso(a.uploaded_at)!,
  };
}

function presentAttempt(row: AttemptRow, answers: AnswerRow[]): LevelTestAttempt {
  return {
    id: row.id,
    language: 'en',
    status: row.status,
    prompts: repo.promptsOf(row),
    answers: answers.map(presentAnswer),
    startedAt: toIso(row.started_at)!,
    submittedAt: toIso(row.submitted_at),
    scoredAt: toIso(row.scored_at),
  };
}

export type LevelTestService = ReturnType<typeof createLevelTestService>;

export function createLevelTestService(deps: {
  db: Kysely<LevelTestTables>;
  storage: Storage;
  profile: Pick<ProfileService, 'setVerifiedLevel' | 'partnerProfiles'>;
  jobs: JobRunner;
  transcribers: Transcriber[];
  cooldownSeconds: number;
  feedback?: FeedbackProvider | null;
  log?: { warn(obj: object, msg: string): void };
  events?: DomainEvents;
  /** Signs the recording links of a data export; without it, the export lists answers without links. */
  links?: SignedLinks;
}) {
  const { db, storage, jobs } = deps;

  createScoring({
    db,
    storage,
    profile: deps.profile,
    jobs,
    transcribers: deps.transcribers,
    feedback: deps.feedback,
    log: deps.log,
    events: deps.events,
  });

  /** The test assesses English speaking: it is for people who learn English, not for its native speakers. */
  async function offeredTo(userId: string): Promise<boolean> {
    const me = (await deps.profile.partnerProfiles([userId])).get(userId);
    return levelTestOffered(me?.native ?? null);
  }

  async function owned(userId: string, attemptId: string) {
    return authorizeAttempt(db, userId, attemptId);
  }

  /**
   * When this person may start again: the cool-down runs from their last verified result. A
   * provisional one (too little speech, an unclear recording) may be retaken at once.
   */
  function nextAttemptAt(attempts: AttemptRow[]): number | null {
    const lastScored = attempts
      .filter((a) => a.status === 'scored' && repo.resultOf(a)?.verified !== false)
      .reduce((m, a) => Math.max(m, Number(a.scored_at ?? 0)), 0);
    const next = lastScored ? lastScored + deps.cooldownSeconds * 1000 : 0;
    return next > nowMs() ? next : null;
  }

  /** A data export's link to one answer's recording, valid until `expires` (ms). */
  const recordingLink = (links: SignedLinks, answer: AnswerRow, expires: number) =>
    `/api/v1/level-test/attempts/${answer.attempt_id}/answers/${answer.prompt_id}/recording/link?${recordingLinkQuery(links, answer.attempt_id, answer.prompt_id, expires)}`;

  const participant: AccountParticipant = {
    name: 'level-test',
    /** Every attempt and its result, with each answer's prompt, transcript, scored part and recording (a link valid for a day). */
    async exportData(userId) {
      const rows = await repo.attemptsOf(db, userId, 1000);
      const answers = await repo.answersOfOwnAttempts(
        db,
        rows.map((r) => r.id),
      );
      const linksExpire = Date.now() + EXPORT_VALID_MS;
      const { links } = deps;
      return rows.map((r) => {
        const prompts = new Map(repo.promptsOf(r).map((p) => [p.id, p]));
        const result = repo.resultOf(r);
        return {
          id: r.id,
          status: r.status,
          startedAt: toIso(r.started_at),
          submittedAt: toIso(r.submitted_at),
          scoredAt: toIso(r.scored_at),
          answers: answers
            .filter((a) => a.attempt_id === r.id)
            .map((a) => ({
              promptId: a.prompt_id,
              stage: a.stage,
              prompt: prompts.get(a.prompt_id)?.title ?? a.prompt_id,
              instruction: prompts.get(a.prompt_id)?.instruction ?? null,
              durationMs: Number(a.duration_ms),
              recordedAt: toIso(a.uploaded_at),
              transcript: transcriptOf(a),
              result: result?.answers.find((scored) => scored.promptId === a.prompt_id) ?? null,
              // The recording itself is kept for re-scoring; the export links to it rather than carrying it.
              recording: {
                contentType: a.content_type,
                url: links ? recordingLink(links, a, linksExpire) : null,
                linkExpiresAt: links ? new Date(linksExpire).toISOString() : null,
              },
            })),
          result,
        };
      });
    },
    async erase(accountTx, userId) {
      // The recordings are personal data: their rows go in the transaction, the files after it.
      const tx = accountTx as unknown as Kysely<LevelTestTables>;
      const keys = (await repo.storageKeysOfUser(tx, userId)).map((r) => r.storage_key);
      await repo.eraseAttemptsOf(tx, userId);
      return async () => {
        await Promise.allSettled(keys.map((k) => storage.delete(k)));
      };
    },
  };

  return {
    participant,

    /** Starts a test, or returns the one still being recorded; refused during the cool-down. */
    async startAttempt(userId: string): Promise<Result<{ attempt: LevelTestAttempt; created: boolean }>> {
      if (!(await offeredTo(userId)))
        return refuse(
          'LEVEL_TEST_NOT_OFFERED',
          'The level test assesses English speaking, and English is your native language; there is no English level to place.',
          { language: 'en' },
        );
      const resume = async (draft: AttemptRow) => {
        const mine = ownAttempt(userId, draft)!;
        return ok({ attempt: presentAttempt(draft, await repo.answersOf(db, mine.id)), created: false });
      };
      const attempts = await repo.attemptsOf(db, userId);
      const draft = attempts.find((a) => a.status === 'draft');
      if (draft) return resume(draft);
      if (attempts.some((a) => a.status === 'submitted' || a.status === 'scoring'))
        return refuse('CONFLICT', 'Your last level test is still being scored; wait for its result.');
      const next = nextAttemptAt(attempts);
      if (next) return refuse('LEVEL_TEST_COOLDOWN', `You can take the level test again after ${toIso(next)}.`, { retryAt: toIso(next) });
      const previous = new Set(attempts[0] ? repo.promptsOf(attempts[0]).map((p) => p.id) : []);
      const row: AttemptRow = {
        id: randomUUID(),
        user_id: userId,
        language: 'en',
        status: 'draft',
        prompts: JSON.stringify(drawPrompts(previous)),
        started_at: nowMs(),
        submitted_at: null,
        scored_at: null,
        result: null,
        providers: null,
        error: null,
        draft_of: userId,
      };
      try {
        await repo.insertAttempt(db, row);
      } catch (error) {
        // Another start for this person won the race (the unique draft_of): resume that draft.
        const winner = (await repo.attemptsOf(db, userId)).find((a) => a.status === 'draft');
        if (!winner) throw error;
        return resume(winner);
      }
      return ok({ attempt: presentAttempt(row, []), created: true });
    },

    async getAttempt(userId: string, attemptId: string): Promise<Result<LevelTestAttempt>> {
      const mine = await owned(userId, attemptId);
      if (!mine) return notFound();
      return ok(presentAttempt(mine.row, await repo.answersOf(db, mine.id)));
    },

    async prompts(userId: string, attemptId: string): Promise<Result<{ items: LevelTestPrompt[] }>> {
      const mine = await owned(userId, attemptId);
      if (!mine) return notFound();
      return ok({ items: repo.promptsOf(mine.row) });
    },

    checkAnswerSize,

    /** One answer's recording through a signed link of a data export, whoever holds it, until the link expires. */
    async readLinkedRecording(attemptId: string, promptId: string, expires: number, sig: string) {
      const attempt = deps.links && attemptOfRecordingLink(deps.links, attemptId, promptId, expires, sig);
      if (!attempt) return null;
      const answer = await repo.findAnswer(db, attempt, promptId);
      const stored = answer && (await storage.get(answer.storage_key));
      if (!stored) return null;
      const extension = AUDIO_EXTENSIONS[answer.content_type] ?? 'audio';
      return { ...stored, fileName: `level-test-${attemptId.slice(0, 8)}-stage-${answer.stage}-${promptId}.${extension}` };
    },

    /**
     * Keeps one recorded answer. The bytes must sniff as audio this server can decode, and be no
     * longer than the prompt's speaking window plus a margin (answerLimit), checked from their size
     * and the WAV header before anything is stored. A re-recording replaces the earlier one.
     */
    async uploadAnswer(
      userId: string,
      attemptId: string,
      promptId: string,
      bytes: Buffer,
      clientTranscript: string | null,
    ): Promise<Result<LevelTestAnswerSummary>> {
      const mine = await owned(userId, attemptId);
      if (!mine) return notFound();
      if (!mayChangeAnswers(mine.row)) return refuse('CONFLICT', 'This level test has been handed in; its answers can no longer change.');
      const prompt = repo.promptsOf(mine.row).find((p) => p.id === promptId);
      if (!prompt) return refuse('NOT_FOUND', 'No such prompt in this level test.');
      if (clientTranscript && clientTranscript.length > MAX_CLIENT_TRANSCRIPT)
        return refuse('VALIDATION_FAILED', `transcript must be at most ${MAX_CLIENT_TRANSCRIPT} characters`, [
          { field: '/transcript', message: `must be at most ${MAX_CLIENT_TRANSCRIPT} characters` },
        ]);
      const contentType = sniffContentType(bytes);
      const accepted = decodableAudioTypes();
      if (!contentType || !accepted.includes(contentType))
        return refuse(
          'UNSUPPORTED_MEDIA_TYPE',
          contentType?.startsWith('audio/')
            ? `This server cannot decode ${contentType}; record 16 kHz mono WAV instead.`
            : 'Send the answer as a WAV recording (16 kHz mono PCM).',
          { accepted },
        );
      const oversized = checkAnswerSize(promptId, bytes.length);
      if (oversized) return oversized;
      // The length comes from the WAV header (no sample is decoded here); decoding waits for scoring.
      const limit = answerLimit(promptId);
      let durationSec: number;
      try {
        durationSec = await recordingSeconds(bytes, contentType, limit.maxSec);
      } catch (error) {
        if (error instanceof AudioFormatError) return refuse('UNSUPPORTED_MEDIA_TYPE', `The recording cannot be read: ${error.message}.`);
        throw error;
      }
      if (durationSec > limit.maxSec) return tooLong(limit, `This recording is ${durationSec.toFixed(1)} s long`, { durationSec });
      const key = `level-test/${mine.id}/${randomUUID()}`;
      await storage.put(key, bytes, contentType);
      const previous = await repo.findAnswer(db, mine.id, promptId);
      const row: AnswerRow = {
        attempt_id: mine.id,
        prompt_id: promptId,
        stage: prompt.stage,
        storage_key: key,
        content_type: contentType,
        duration_ms: Math.round(durationSec * 1000),
        client_transcript: clientTranscript?.trim() || null,
        uploaded_at: nowMs(),
        analysis: null,
        analysed_at: null,
      };
      // Analysed at once in a job of its own (durable, like scoring), so finishing waits only for the last answer.
      await db.transaction().execute(async (tx) => {
        await repo.putAnswer(tx, row);
        await jobs.enqueue(ANALYSE_JOB, { attemptId: mine.id, promptId, storageKey: key }, tx);
      });
      jobs.kick();
      if (previous) await storage.delete(previous.storage_key).catch(() => undefined);
      return ok(presentAnswer(row));
    },

    /** Hands the test in and queues its scoring in the same transaction; repeating it is harmless. */
    async finish(userId: string, attemptId: string): Promise<Result<{ id: string; status: LevelTestStatus }>> {
      const mine = await owned(userId, attemptId);
      if (!mine) return notFound();
      if (mine.row.status !== 'draft') return ok({ id: mine.id, status: mine.row.status });
      const prompts = repo.promptsOf(mine.row);
      const answered = new Set((await repo.answersOf(db, mine.id)).map((a) => a.prompt_id));
      const missing = prompts.filter((p) => !answered.has(p.id)).map((p) => p.id);
      if (missing.length)
        return refuse('CONFLICT', `Record an answer to every prompt first (missing: ${missing.join(', ')}).`, { missing });
      const moved = await db.transaction().execute(async (tx) => {
        const done = await repo.moveAttempt(tx, mine.id, ['draft'], { status: 'submitted', submitted_at: nowMs(), draft_of: null });
        if (done) await jobs.enqueue(SCORE_JOB, { attemptId: mine.id }, tx);
        return done;
      });
      if (moved) jobs.kick();
      const now = (await repo.findAttempt(db, mine.id))!;
      return ok({ id: mine.id, status: now.status });
    },

    async progress(userId: string, attemptId: string): Promise<Result<LevelTestProgress>> {
      const mine = await owned(userId, attemptId);
      if (!mine) return notFound();
      const answers = await repo.answersOf(db, mine.id);
      return ok({
        id: mine.id,
        status: mine.row.status,
        progress: {
          transcribed: answers.filter((a) => a.analysed_at != null).length,
          total: repo.promptsOf(mine.row).length,
        },
        error: mine.row.error,
      });
    },

    async result(userId: string, attemptId: string): Promise<Result<LevelTestResult>> {
      const mine = await owned(userId, attemptId);
      if (!mine) return notFound();
      if (mine.row.status !== 'scored' || !mine.row.result)
        return refuse('CONFLICT', `This level test is not scored yet (status: ${mine.row.status}).`, { status: mine.row.status });
      return ok(repo.resultOf(mine.row)!);
    },

    async history(userId: string): Promise<LevelTestHistory> {
      const rows = await repo.attemptsOf(db, userId);
      const next = nextAttemptAt(rows);
      return {
        items: rows.map((r) => {
          const result = repo.resultOf(r);
          return {
            id: r.id,
            status: r.status,
            level: result?.level ?? null,
            score: result?.score ?? null,
            // Results from before provisional ones existed were all written as verified.
            verified: result ? result.verified !== false : null,
            startedAt: toIso(r.started_at)!,
            scoredAt: toIso(r.scored_at),
          };
        }),
        nextAttemptAt: toIso(next),
      };
    },

    /**
     * Administrators score a handed-in attempt again from its recordings (after a provider or
     * engine change): transcripts are made afresh, and the verified level follows the new result
     * unless a newer test has been scored since.
     */
    async rescore(attemptId: string): Promise<Result<{ id: string; status: LevelTestStatus }>> {
      const found = await authorizeAttemptForAdmin(db, attemptId);
      if (!found) return notFound();
      if (!mayRescore(found.row)) return refuse('CONFLICT', 'Only a handed-in level test can be scored again.');
      const id: AuthorizedAttemptId = found.id;
      await db.transaction().execute(async (tx) => {
        await repo.clearAnalyses(tx, id);
        await repo.updateAttempt(tx, id, { status: 'submitted', result: null, scored_at: null, error: null });
        await jobs.enqueue(SCORE_JOB, { attemptId: id }, tx);
      });
      jobs.kick();
      return ok({ id, status: 'submitted' as const });
    },
  };
}
