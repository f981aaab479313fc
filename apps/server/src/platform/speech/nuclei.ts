// Syllable nuclei from the signal, after de Jong & Wempe (2009, "Praat script to detect syllable
// nuclei and measure speech rate automatically"): peaks of intensity that stand out from the dips
// around them, above a threshold set from the recording's own loudness, and voiced (a periodic
// signal at a speaking pitch). No word is recognised, so recognition errors cannot move it.
import type { Pcm } from './wav.js';
import type { VoiceSegment } from './vad.js';

const HOP_SEC = 0.01;
const WINDOW_SEC = 0.032;
/** A peak must rise this far above the lowest point since the last kept peak (de Jong & Wempe: 2 dB). */
const MIN_DIP_DB = 2;
/** The threshold sits this far below the loud end of the recording (de Jong & Wempe: 25 dB under the 0.99 quantile). */
const BELOW_LOUDEST_DB = 25;
/** Two nuclei closer than this are one syllable (no one says more than about 14 syllables a second). */
const MIN_GAP_SEC = 0.07;
/** Pitch range searched for voicing: 75-400 Hz covers children's and adults' speaking voices. */
const MIN_PITCH_HZ = 75;
const MAX_PITCH_HZ = 400;
/** A normalised autocorrelation peak at least this high marks a periodic, voiced frame (Praat's default voicing threshold is 0.45). */
const VOICING_THRESHOLD = 0.45;

export interface SyllableNuclei {
  /** Times of the nuclei, seconds from the start. */
  times: number[];
}

/** Intensity in dB of each 10 ms hop over a 32 ms window, DC removed. */
function intensityContour(pcm: Pcm): Float64Array {
  const hop = Math.max(1, Math.round(pcm.sampleRate * HOP_SEC));
  const win = Math.max(hop, Math.round(pcm.sampleRate * WINDOW_SEC));
  const frames = Math.max(0, Math.floor((pcm.samples.length - win) / hop) + 1);
  const out = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const base = f * hop;
    let mean = 0;
    for (let i = 0; i < win; i++) mean += pcm.samples[base + i]!;
    mean /= win;
    let sum = 0;
    for (let i = 0; i < win; i++) {
      const s = pcm.samples[base + i]! - mean;
      sum += s * s;
    }
    out[f] = 10 * Math.log10(sum / win + 1e-12);
  }
  return out;
}

/** True when the signal around `center` (samples) is periodic at a speaking pitch. */
function voicedAt(pcm: Pcm, center: number): boolean {
  const rate = pcm.sampleRate;
  const minLag = Math.floor(rate / MAX_PITCH_HZ);
  const maxLag = Math.ceil(rate / MIN_PITCH_HZ);
  // Two periods of the lowest pitch.
  const len = 2 * maxLag;
  const start = Math.max(0, Math.min(pcm.samples.length - len - maxLag, center - Math.floor(len / 2)));
  if (start < 0) return false;
  const x = pcm.samples;
  let mean = 0;
  for (let i = 0; i < len + maxLag; i++) mean += x[start + i]!;
  mean /= len + maxLag;
  let best = 0;
  let e0 = 0;
  for (let i = 0; i < len; i++) e0 += (x[start + i]! - mean) ** 2;
  if (e0 <= 1e-12) return false;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let cross = 0;
    let e1 = 0;
    for (let i = 0; i < len; i++) {
      const a = x[start + i]! - mean;
      const b = x[start + i + lag]! - mean;
      cross += a * b;
      e1 += b * b;
    }
    const r = cross / Math.sqrt(e0 * e1 + 1e-12);
    if (r > best) best = r;
  }
  return best >= VOICING_THRESHOLD;
}

/**
 * Finds syllable nuclei inside the voice-activity segments: local intensity maxima above the
 * threshold that rise at least MIN_DIP_DB above the dip since the previous nucleus, and are voiced.
 */
export function detectSyllableNuclei(pcm: Pcm, segments: readonly VoiceSegment[]): SyllableNuclei {
  const db = intensityContour(pcm);
  if (db.length < 3) return { times: [] };
  const hop = Math.max(1, Math.round(pcm.sampleRate * HOP_SEC));
  const win = Math.max(hop, Math.round(pcm.sampleRate * WINDOW_SEC));
  const timeOf = (f: number) => (f * hop + win / 2) / pcm.sampleRate;
  // Light smoothing (three hops) so a single noisy frame is not a peak.
  const smooth = new Float64Array(db.length);
  for (let f = 0; f < db.length; f++) smooth[f] = (db[Math.max(0, f - 1)]! + db[f]! + db[Math.min(db.length - 1, f + 1)]!) / 3;
  const sorted = [...smooth].sort((a, b) => a - b);
  const loudest = sorted[Math.floor(0.99 * (sorted.length - 1))]!;
  const median = sorted[Math.floor(0.5 * (sorted.length - 1))]!;
  const threshold = Math.max(loudest - BELOW_LOUDEST_DB, median);
  const inSpeech = (t: number) => segments.some((s) => t >= s.start && t <= s.end);

  const times: number[] = [];
  let dip = Infinity;
  let lastKept = -Infinity;
  let lastPeakDb = -Infinity;
  for (let f = 1; f < smooth.length - 1; f++) {
    const v = smooth[f]!;
    if (v < dip) dip = v;
    const isPeak = v >= smooth[f - 1]! && v > smooth[f + 1]!;
    if (!isPeak || v < threshold) continue;
    const t = timeOf(f);
    if (!inSpeech(t)) continue;
    const rises = v - dip >= MIN_DIP_DB;
    if (!rises || t - lastKept < MIN_GAP_SEC) {
      // Not a new syllable; a louder peak of the same syllable moves it.
      if (times.length && t - lastKept < MIN_GAP_SEC * 2 && v > lastPeakDb && !rises) lastPeakDb = v;
      continue;
    }
    if (!voicedAt(pcm, Math.round(t * pcm.sampleRate))) continue;
    times.push(Math.round(t * 1000) / 1000);
    lastKept = t;
    lastPeakDb = v;
    dip = v;
  }
  return { times };
}
