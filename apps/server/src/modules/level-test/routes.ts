import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  LevelTestAnswerSummary,
  LevelTestAttempt,
  LevelTestHistory,
  LevelTestProgress,
  LevelTestPrompts,
  LevelTestResult,
  LevelTestScoringAccepted,
  SignedLinkQuery,
} from '@studymate/contracts';
import { requireAdmin } from '../../platform/auth/guard.js';
import { AppError, unwrap } from '../../platform/http/errors.js';
import { sendStoredFile } from '../../platform/http/downloads.js';
import { readUpload } from '../../platform/http/uploads.js';
import type { LevelTestService } from './service.js';

const AttemptParams = Type.Object({ attemptId: Type.String({ format: 'uuid' }) });
const AnswerParams = Type.Object({ attemptId: Type.String({ format: 'uuid' }), promptId: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }) });
const tags = ['level-test'];
/** Multipart boundaries, part headers and the transcript field (at most 5,000 characters). */
const MULTIPART_OVERHEAD = 64 * 1024;
export function levelTestRoutes(app: FastifyInstance, levelTest: LevelTestService, limits: { uploadsPerMinute: number }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/level-test';

  r.post(
    `${base}/attempts`,
    {
      schema: {
        tags,
        summary: 'Start a level test (201), or get the one I have not handed in yet (200); 429 LEVEL_TEST_COOLDOWN after a recent result',
        response: { 200: LevelTestAttempt, 201: LevelTestAttempt },
      },
    },
    async (request, reply) => {
      const { attempt, created } = unwrap(await levelTest.startAttempt(request.auth.sub));
      return reply.status(created ? 201 : 200).send(attempt);
    },
  );
  r.get(
    `${base}/attempts`,
    { schema: { tags, summary: 'My level tests, newest first, and when I may start the next', response: { 200: LevelTestHistory } } },
    async (request) => levelTest.history(request.auth.sub),
  );
  r.get(
    `${base}/attempts/:attemptId`,
    {
      schema: {
        tags,
        summary: 'One of my level tests with its prompts and answers',
        params: AttemptParams,
        response: { 200: LevelTestAttempt },
      },
    },
    async (request) => unwrap(await levelTest.getAttempt(request.auth.sub, request.params.attemptId)),
  );
  r.get(
    `${base}/attempts/:attemptId/prompts`,
    { schema: { tags, summary: 'The prompts of one of my level tests', params: AttemptParams, response: { 200: LevelTestPrompts } } },
    async (request) => unwrap(await levelTest.prompts(request.auth.sub, request.params.attemptId)),
  );
  r.put(
    `${base}/attempts/:attemptId/answers/:promptId`,
    {
      config: { rateLimit: { max: limits.uploadsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary:
          'Upload (or re-record) my answer to a prompt: multipart field "audio" (WAV, at most 10 MB and the prompt\'s answerSec + 15 s, else 413 LEVEL_TEST_ANSWER_TOO_LONG) and optional "transcript" (what the browser heard)',
        params: AnswerParams,
        consumes: ['multipart/form-data'],
        response: { 200: LevelTestAnswerSummary },
      },
    },
    async (request) => {
      // Refused before the body is read when it announces more than any allowed answer (less the form's own overhead).
      const announced = Number(request.headers['content-length'] ?? 0) - MULTIPART_OVERHEAD;
      const oversized = levelTest.checkAnswerSize(request.params.promptId, announced);
      if (oversized) unwrap(oversized);
      const { bytes, fields } = await readUpload(request, 'audio', ['transcript']);
      const transcript = fields.transcript ?? null;
      return unwrap(await levelTest.uploadAnswer(request.auth.sub, request.params.attemptId, request.params.promptId, bytes, transcript));
    },
  );
  r.get(
    `${base}/attempts/:attemptId/answers/:promptId/recording/link`,
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Download the recording of one answer through a signed link of a data export, until it expires',
        // The signature in the link is the credential: a data export is opened outside the app.
        security: [],
        params: AnswerParams,
        querystring: SignedLinkQuery,
      },
    },
    async (request, reply) => {
      const { attemptId, promptId } = request.params;
      const file = await levelTest.readLinkedRecording(attemptId, promptId, request.query.expires, request.query.sig);
      if (!file) throw new AppError('NOT_FOUND', 'No such recording, or the link has expired.');
      return sendStoredFile(reply, file, { cacheControl: 'private, no-store' });
    },
  );
  r.post(
    `${base}/attempts/:attemptId/finish`,
    {
      schema: {
        tags,
        summary: 'Hand in my level test; scoring runs in the background (202); poll its status',
        params: AttemptParams,
        response: { 202: LevelTestScoringAccepted },
      },
    },
    async (request, reply) => reply.status(202).send(unwrap(await levelTest.finish(request.auth.sub, request.params.attemptId))),
  );
  r.get(
    `${base}/attempts/:attemptId/status`,
    {
      schema: {
        tags,
        summary: 'Scoring progress: answers transcribed of all',
        params: AttemptParams,
        response: { 200: LevelTestProgress },
      },
    },
    async (request) => unwrap(await levelTest.progress(request.auth.sub, request.params.attemptId)),
  );
  r.get(
    `${base}/attempts/:attemptId/result`,
    {
      schema: {
        tags,
        summary: 'The result of my scored level test (409 while it is not scored)',
        params: AttemptParams,
        response: { 200: LevelTestResult },
      },
    },
    async (request) => unwrap(await levelTest.result(request.auth.sub, request.params.attemptId)),
  );
  r.post(
    `${base}/admin/attempts/:attemptId/rescore`,
    {
      schema: {
        tags,
        summary: 'Administrators: score a level test again from its recordings (202)',
        params: AttemptParams,
        response: { 202: LevelTestScoringAccepted },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      return reply.status(202).send(unwrap(await levelTest.rescore(request.params.attemptId)));
    },
  );
}
