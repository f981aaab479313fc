import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallKind } from '@studymate/contracts';
import { CALLS_NS } from '../i18n';

export type MediaProblem = 'denied' | 'noDevice' | 'busy' | 'unknown';

/** What went wrong starting a camera or microphone, in the words a person can act on. */
export function mediaProblem(error: unknown): MediaProblem {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'noDevice';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
  return 'unknown';
}

/** The microphone's loudness, 0..1, for the level meter (and for tests that read it). */
export function useMicLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
    }, 100);
    return () => {
      clearInterval(timer);
      void context.close();
    };
  }, [stream]);
  return level;
}

/** A short 440 Hz tone on the chosen speaker (where the browser lets a page pick one). */
async function playTone(sinkId: string) {
  const context = new AudioContext();
  const sink = (context as AudioContext & { setSinkId?: (id: string) => Promise<void> }).setSinkId;
  if (sink && sinkId) await sink.call(context, sinkId).catch(() => undefined);
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  gain.gain.value = 0.15;
  oscillator.frequency.value = 440;
  oscillator.connect(gain).connect(context.destination);
  oscillator.start();
  oscillator.stop(context.currentTime + 0.8);
  oscillator.onended = () => void context.close();
}

/**
 * Before joining: pick a camera and microphone, see yourself, watch the microphone meter move,
 * play a test tone. Hands the stream it opened to the call, so the devices are not opened twice.
 */
export function DeviceCheck({
  kind,
  turn,
  onJoin,
  onLeave,
}: {
  kind: CallKind;
  turn: boolean;
  onJoin: (stream: MediaStream) => void;
  onLeave: () => void;
}) {
  const { t } = useTranslation(CALLS_NS);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [camera, setCamera] = useState('');
  const [microphone, setMicrophone] = useState('');
  const [speaker, setSpeaker] = useState('');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const handedOver = useRef(false);
  const level = useMicLevel(stream);

  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    const constraints: MediaStreamConstraints = {
      audio: microphone ? { deviceId: { exact: microphone } } : true,
      video: kind === 'video' ? (camera ? { deviceId: { exact: camera } } : true) : false,
    };
    navigator.mediaDevices
      .getUserMedia(constraints)
      .then(async (media) => {
        if (cancelled) return media.getTracks().forEach((track) => track.stop());
        opened = media;
        setProblem(null);
        setStream(media);
        setDevices(await navigator.mediaDevices.enumerateDevices());
      })
      .catch((error: unknown) => !cancelled && setProblem(mediaProblem(error)));
    return () => {
      cancelled = true;
      if (opened && !handedOver.current) opened.getTracks().forEach((track) => track.stop());
    };
  }, [kind, camera, microphone]);

  useEffect(() => {
    if (preview.current) preview.current.srcObject = stream;
  }, [stream]);

  const options = (kindOf: MediaDeviceKind) => devices.filter((d) => d.kind === kindOf && d.deviceId);
  const picker = (label: string, value: string, set: (v: string) => void, kindOf: MediaDeviceKind, testId: string) =>
    options(kindOf).length > 0 && (
      <label className="block text-sm font-medium">
        {label}
        <select
          data-testid={testId}
          value={value}
          onChange={(e) => set(e.target.value)}
          className="mt-1 block min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3"
        >
          {options(kindOf).map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `${label} ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
    );

  return (
    <section className="mx-auto max-w-lg space-y-4 p-4" data-testid="device-check">
      <h1 className="text-xl font-bold">{kind === 'video' ? t('check.title') : t('check.voiceTitle')}</h1>
      {!turn && (
        <p className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900" data-testid="turn-off">
          {t('check.turnOff')}
        </p>
      )}
      {problem && (
        <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800" data-testid="media-error">
          {t(`errors.${problem}`)}
        </p>
      )}
      {kind === 'video' && (
        <video
          ref={preview}
          aria-label={t('check.preview')}
          autoPlay
          playsInline
          muted
          className="aspect-video w-full rounded-xl bg-slate-900 object-cover"
        />
      )}
      <div>
        <p className="text-sm font-medium">{t('check.level')}</p>
        <div
          className="mt-1 h-3 w-full overflow-hidden rounded-full bg-slate-200"
          role="meter"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(level * 100)}
          data-testid="mic-level"
        >
          <div className="h-full bg-emerald-500 transition-[width]" style={{ width: `${Math.round(level * 100)}%` }} />
        </div>
      </div>
      {kind === 'video' && picker(t('check.camera'), camera, setCamera, 'videoinput', 'camera-picker')}
      {picker(t('check.microphone'), microphone, setMicrophone, 'audioinput', 'microphone-picker')}
      {picker(t('check.speaker'), speaker, setSpeaker, 'audiooutput', 'speaker-picker')}
      <button type="button" className="btn-secondary min-h-11 w-full" onClick={() => void playTone(speaker)}>
        {t('check.testTone')}
      </button>
      <div className="flex gap-3">
        <button type="button" className="btn-secondary min-h-11 flex-1" onClick={onLeave}>
          {t('check.cancel')}
        </button>
        <button
          type="button"
          className="btn-primary min-h-11 flex-1"
          data-testid="join-call"
          disabled={!stream}
          onClick={() => {
            handedOver.current = true;
            onJoin(stream!);
          }}
        >
          {t('check.join')}
        </button>
      </div>
    </section>
  );
}
