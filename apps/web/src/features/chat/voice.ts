import { VOICE_WAVEFORM_BARS } from '@studymate/contracts';

/** m:ss, as players show a length. */
export const clock = (ms: number) => {
  const sec = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;
};

/**
 * A recorded note's length and loudness outline, decoded here because MediaRecorder's WebM
 * carries no duration (players showed 0:00 and could not seek). Falls back to the recording
 * clock, without an outline, where the browser cannot decode its own recording.
 */
export async function measureVoice(blob: Blob, recordedMs: number): Promise<{ durationMs: number; waveform?: string }> {
  try {
    const context = new OfflineAudioContext(1, 1, 8000);
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    const samples = audio.getChannelData(0);
    const per = Math.max(1, Math.floor(samples.length / VOICE_WAVEFORM_BARS));
    const levels = Array.from({ length: VOICE_WAVEFORM_BARS }, (_, bar) => {
      let sum = 0;
      for (let i = bar * per; i < Math.min(samples.length, (bar + 1) * per); i++) sum += samples[i]! * samples[i]!;
      return Math.sqrt(sum / per);
    });
    const loudest = Math.max(...levels, 1e-6);
    return {
      durationMs: Math.round(audio.duration * 1000),
      waveform: levels.map((l) => Math.min(9, Math.round((l / loudest) * 9))).join(''),
    };
  } catch {
    return { durationMs: recordedMs };
  }
}
