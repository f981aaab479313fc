import type { VoiceActivity } from './vad.js';

/** The rate recordings are analysed at: the one the recognisers and the web app's recorder use. */
export const ANALYSIS_RATE = 16_000;

export interface AnalysisRequest {
  wav: Uint8Array;
  maxSec: number;
}

export type AnalysisReply =
  | { ok: true; durationSec: number; truncated: boolean; voice: VoiceActivity; syllables: number[]; speech: Uint8Array }
  | { ok: false; message: string; format: boolean };
