import type { Pcm } from './wav.js';

export interface VoiceSegment {
  start: number;
  end: number;
}

export interface VoiceActivity {
  segments: VoiceSegment[];
  /** Seconds of speech. */
  speechSec: number;
  /** Silent gaps of at least `minPauseSec` between speech segments. */
  pauses: VoiceSegment[];
  /** Estimated background level, dBFS. */
  noiseFloorDb: number;
}

const FRAME_SEC = 0.02;
/** Speech must rise this far above the background to count (a common energy-VAD margin). */
const MARGIN_DB = 9;
/** Below this nothing is speech, however quiet the room: digital silence reads -inf. */
const ABSOLUTE_FLOOR_DB = -60;
/** Gaps shorter than this are stop closures and breaths inside a word run, not pauses. */
const BRIDGE_SEC = 0.15;
/** Bursts shorter than this are clicks, not syllables. */
const MIN_SPEECH_SEC = 0.06;

/**
 * Energy-based voice activity with an adaptive noise floor: the floor follows quiet frames
 * quickly and loud ones very slowly, so a steady hum or a gain change shifts it while speech does
 * not drag it up. Frames well above the floor are speech; short gaps are bridged and clicks dropped.
 */
export function detectVoice(pcm: Pcm, options: { minPauseSec?: number } = {}): VoiceActivity {
  const frameLen = Math.max(1, Math.round(pcm.sampleRate * FRAME_SEC));
  const frames = Math.floor(pcm.samples.length / frameLen);
  const energies = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    let mean = 0;
    const base = f * frameLen;
    for (let i = 0; i < frameLen; i++) mean += pcm.samples[base + i]!;
    mean /= frameLen;
    // Remove DC so an offset microphone does not read as constant speech.
    for (let i = 0; i < frameLen; i++) {
      const s = pcm.samples[base + i]! - mean;
      sum += s * s;
    }
    energies[f] = 10 * Math.log10(sum / frameLen + 1e-12);
  }
  // Start from a low percentile so a recording that opens with speech still finds its floor.
  const sorted = [...energies].sort((a, b) => a - b);
  let floor = sorted.length ? sorted[Math.floor(sorted.length * 0.1)]! : ABSOLUTE_FLOOR_DB;
  const speech = new Uint8Array(frames);
  for (let f = 0; f < frames; f++) {
    const e = energies[f]!;
    speech[f] = e > floor + MARGIN_DB && e > ABSOLUTE_FLOOR_DB ? 1 : 0;
    // Fast down, slow up; frames judged speech barely move it.
    if (e < floor) floor = 0.7 * floor + 0.3 * e;
    else floor += (speech[f] ? 0.0005 : 0.02) * (e - floor);
  }

  const raw: VoiceSegment[] = [];
  let open = -1;
  for (let f = 0; f <= frames; f++) {
    const on = f < frames && speech[f] === 1;
    if (on && open < 0) open = f;
    if (!on && open >= 0) {
      raw.push({ start: open * FRAME_SEC, end: f * FRAME_SEC });
      open = -1;
    }
  }
  const merged: VoiceSegment[] = [];
  for (const s of raw) {
    const last = merged[merged.length - 1];
    if (last && s.start - last.end < BRIDGE_SEC) last.end = s.end;
    else merged.push({ ...s });
  }
  const segments = merged.filter((s) => s.end - s.start >= MIN_SPEECH_SEC).map((s) => ({ start: round(s.start), end: round(s.end) }));
  const minPause = options.minPauseSec ?? 0.25;
  const pauses: VoiceSegment[] = [];
  for (let i = 1; i < segments.length; i++) {
    const gap = { start: segments[i - 1]!.end, end: segments[i]!.start };
    if (gap.end - gap.start >= minPause) pauses.push(gap);
  }
  return {
    segments,
    speechSec: round(segments.reduce((sum, s) => sum + s.end - s.start, 0)),
    pauses,
    noiseFloorDb: Math.round(floor * 10) / 10,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
