import workletUrl from './pcm-capture.worklet.js?url&no-inline';
import { encodeWav, resample, rms } from './wav';

export interface Capture {
  /** Ends the capture and returns the 16 kHz mono WAV and its length in seconds. */
  stop(): Promise<{ wav: Blob; durationSec: number }>;
  /** Ends the capture and throws the audio away. */
  cancel(): void;
}

/**
 * One open microphone for the whole test: the stream, one AudioContext, and an analyser for the
 * level meter. Recordings tap the same source, so switching questions never asks for the
 * microphone again.
 */
export class MicSession {
  private readonly context: AudioContext;
  private readonly source: MediaStreamAudioSourceNode;
  private readonly analyser: AnalyserNode;
  private readonly silent: GainNode;
  private readonly buffer: Float32Array<ArrayBuffer>;
  private workletReady: Promise<boolean> | null = null;

  private constructor(readonly stream: MediaStream) {
    this.context = new AudioContext();
    this.source = this.context.createMediaStreamSource(stream);
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
    // Capture nodes only run when they lead to the destination; a muted gain keeps the
    // speakers silent (no echo of the user's own voice).
    this.silent = this.context.createGain();
    this.silent.gain.value = 0;
    this.silent.connect(this.context.destination);
  }

  /** Asks for the microphone (a given device, or the default one). */
  static async open(deviceId?: string): Promise<MicSession> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
        channelCount: 1,
        echoCancellation: true,
        noiseSuppression: true,
        // Gain control would flatten the loudness changes the fluency measures rely on.
        autoGainControl: false,
      },
    });
    const session = new MicSession(stream);
    await session.context.resume();
    return session;
  }

  get deviceId(): string | undefined {
    return this.stream.getAudioTracks()[0]?.getSettings().deviceId;
  }

  /** Current RMS of the input, for the meter. */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.buffer);
    return rms(this.buffer);
  }

  private loadWorklet(): Promise<boolean> {
    this.workletReady ??= this.context.audioWorklet
      ? this.context.audioWorklet.addModule(workletUrl).then(
          () => true,
          () => false,
        )
      : Promise.resolve(false);
    return this.workletReady;
  }

  async capture(): Promise<Capture> {
    await this.context.resume();
    const blocks: Float32Array[] = [];
    const rate = this.context.sampleRate;
    const finish = () => {
      const samples = resample(blocks, rate);
      return { wav: encodeWav(samples), durationSec: samples.length / 16_000 };
    };

    if (await this.loadWorklet()) {
      const node = new AudioWorkletNode(this.context, 'studymate-pcm-capture', { numberOfInputs: 1, numberOfOutputs: 1 });
      let flushed: (() => void) | null = null;
      node.port.onmessage = (event: MessageEvent<Float32Array | string>) => {
        if (event.data === 'flushed') flushed?.();
        else if (typeof event.data !== 'string') blocks.push(event.data);
      };
      this.source.connect(node);
      node.connect(this.silent);
      const detach = () => {
        this.source.disconnect(node);
        node.disconnect();
        node.port.close();
      };
      return {
        stop: async () => {
          // Collect the samples still sitting in the processor's block before detaching it.
          await new Promise<void>((resolve) => {
            flushed = resolve;
            node.port.postMessage('flush');
            setTimeout(resolve, 500);
          });
          detach();
          return finish();
        },
        cancel: detach,
      };
    }

    // Browsers without AudioWorklet (older Safari) still have the deprecated ScriptProcessor.
    const processor = this.context.createScriptProcessor(4096, 1, 1);
    processor.onaudioprocess = (event) => blocks.push(event.inputBuffer.getChannelData(0).slice());
    this.source.connect(processor);
    processor.connect(this.silent);
    const detach = () => {
      this.source.disconnect(processor);
      processor.disconnect();
      processor.onaudioprocess = null;
    };
    return {
      stop: async () => {
        detach();
        return finish();
      },
      cancel: detach,
    };
  }

  close(): void {
    for (const track of this.stream.getTracks()) track.stop();
    void this.context.close();
  }
}

/** The audio inputs the browser will name (labels appear once permission is granted). */
export async function listMicrophones(): Promise<MediaDeviceInfo[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'audioinput' && d.deviceId);
}

export const canRecord = () => typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && 'AudioContext' in window;
