// The body of the thread analysis.ts starts for each recording: decoding and voice detection
// take hundreds of milliseconds for a long answer, which must not stall the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { detectSyllableNuclei } from './nuclei.js';
import { detectVoice } from './vad.js';
import { AudioFormatError, decodeWavAt, encodeWav } from './wav.js';
import { ANALYSIS_RATE, type AnalysisReply, type AnalysisRequest } from './analysis-protocol.js';

const { wav, maxSec } = workerData as AnalysisRequest;
let reply: AnalysisReply;
try {
  const decoded = decodeWavAt(Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength), ANALYSIS_RATE, maxSec);
  const pcm = { sampleRate: ANALYSIS_RATE, samples: decoded.samples, durationSec: decoded.durationSec };
  const voice = detectVoice(pcm);
  const syllables = detectSyllableNuclei(pcm, voice.segments).times;
  const speech = encodeWav(decoded.samples, ANALYSIS_RATE);
  reply = { ok: true, durationSec: decoded.durationSec, truncated: decoded.truncated, voice, syllables, speech };
} catch (error) {
  reply = { ok: false, message: error instanceof Error ? error.message : String(error), format: error instanceof AudioFormatError };
}
parentPort!.postMessage(reply, reply.ok ? [reply.speech.buffer as ArrayBuffer] : []);
