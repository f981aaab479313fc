import type { LevelTestAnswerSummary, LevelTestAttempt, LevelTestHistory, LevelTestProgress, LevelTestResult } from '@studymate/contracts';
import i18n from '../../i18n';
import { apiError, http, httpStatus } from '../../lib/http';

const BASE = '/level-test/attempts';

export async function fetchHistory(): Promise<LevelTestHistory> {
  return (await http.get<LevelTestHistory>(BASE)).data;
}

/** Starts a test, or returns the one not handed in yet. */
export async function startAttempt(): Promise<LevelTestAttempt> {
  return (await http.post<LevelTestAttempt>(BASE)).data;
}

export async function fetchAttempt(id: string): Promise<LevelTestAttempt> {
  return (await http.get<LevelTestAttempt>(`${BASE}/${id}`)).data;
}

export async function uploadAnswer(
  id: string,
  promptId: string,
  wav: Blob,
  transcript: string | null,
  onProgress: (fraction: number) => void,
): Promise<LevelTestAnswerSummary> {
  const form = new FormData();
  // The server reads the fields in any order; the transcript first keeps it small in memory anyway.
  if (transcript) form.append('transcript', transcript);
  form.append('audio', wav, `${promptId}.wav`);
  const reply = await http.put<LevelTestAnswerSummary>(`${BASE}/${id}/answers/${promptId}`, form, {
    onUploadProgress: (e) => onProgress(e.total ? e.loaded / e.total : 0),
  });
  return reply.data;
}

export async function finishAttempt(id: string): Promise<void> {
  await http.post(`${BASE}/${id}/finish`);
}

export async function fetchProgress(id: string): Promise<LevelTestProgress> {
  return (await http.get<LevelTestProgress>(`${BASE}/${id}/status`)).data;
}

export async function fetchResult(id: string): Promise<LevelTestResult> {
  return (await http.get<LevelTestResult>(`${BASE}/${id}/result`)).data;
}

/** The retry time the server sends with LEVEL_TEST_COOLDOWN, if this error is one. */
export function cooldownUntil(error: unknown): string | null {
  const body = apiError(error);
  if (body?.code !== 'LEVEL_TEST_COOLDOWN') return null;
  const retryAt = (body.details as { retryAt?: unknown } | undefined)?.retryAt;
  return typeof retryAt === 'string' ? retryAt : null;
}

/** A translation key (in the levelTest namespace) or the server's own words for a failure. */
export function problemOf(error: unknown): { key: string } | { text: string } {
  const status = httpStatus(error);
  if (status === null) return { key: 'errors.network' };
  if (status === 404) return { key: 'errors.notFound' };
  const body = apiError(error);
  // Codes the whole app knows (rate limits, outages) are already translated in its catalog.
  if (body && i18n.exists(`errors.${body.code}`, { ns: 'translation' })) return { key: `translation:errors.${body.code}` };
  return body ? { text: body.message } : { key: 'errors.generic' };
}
