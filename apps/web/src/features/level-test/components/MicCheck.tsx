import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NS } from '../i18n';
import { listMicrophones, MicSession } from '../audio/microphone';
import { meterLevel } from '../audio/wav';
import { ProblemNote, type Problem } from './common';

/** Above this meter reading (about -39 dBFS) the input is clearly more than room noise. */
const HEARD = 0.35;

/** Live input level of an open microphone, drawn without re-rendering React on every frame. */
export function LevelMeter({ mic, onHeard }: { mic: MicSession; onHeard?: () => void }) {
  const { t } = useTranslation(NS);
  const bar = useRef<HTMLDivElement>(null);
  const heard = useRef(onHeard);
  heard.current = onHeard;
  useEffect(() => {
    let frame = 0;
    const draw = () => {
      const level = meterLevel(mic.level());
      if (bar.current) {
        bar.current.style.width = `${Math.round(level * 100)}%`;
        bar.current.parentElement!.setAttribute('aria-valuenow', String(Math.round(level * 100)));
      }
      if (level > HEARD) heard.current?.();
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [mic]);
  return (
    <div
      role="meter"
      aria-label={t('mic.level')}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={0}
      className="h-3 w-full overflow-hidden rounded-full bg-slate-100"
    >
      <div ref={bar} data-testid="mic-level" className="h-full w-0 rounded-full bg-emerald-500" />
    </div>
  );
}

export function MicCheck({ mic, onMic, onReady }: { mic: MicSession | null; onMic: (mic: MicSession) => void; onReady: () => void }) {
  const { t } = useTranslation(NS);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [heard, setHeard] = useState(false);
  const [opening, setOpening] = useState(false);

  const open = async (deviceId?: string) => {
    setOpening(true);
    setProblem(null);
    try {
      const next = await MicSession.open(deviceId);
      mic?.close();
      setHeard(false);
      onMic(next);
      setDevices(await listMicrophones());
    } catch {
      setProblem({ key: 'mic.denied' });
    } finally {
      setOpening(false);
    }
  };

  return (
    <section className="card mx-auto max-w-2xl space-y-4" aria-labelledby="mic-check-title">
      <h1 id="mic-check-title" className="text-xl font-bold">
        {t('mic.title')}
      </h1>
      <p className="text-slate-700">{t('mic.lead')}</p>
      {mic ? (
        <>
          {devices.length > 1 && (
            <div>
              <label htmlFor="mic-device" className="mb-1.5 block text-sm font-semibold text-slate-700">
                {t('mic.device')}
              </label>
              <select
                id="mic-device"
                className="input"
                value={mic.deviceId ?? ''}
                disabled={opening}
                onChange={(e) => void open(e.target.value)}
              >
                {devices.map((d, n) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label || `${t('mic.device')} ${n + 1}`}
                  </option>
                ))}
              </select>
            </div>
          )}
          <LevelMeter mic={mic} onHeard={() => setHeard(true)} />
          <p className={`text-sm ${heard ? 'text-emerald-700' : 'text-slate-500'}`} aria-live="polite">
            {heard ? t('mic.heard') : t('mic.quiet')}
          </p>
          <button type="button" className="btn-primary" onClick={onReady}>
            {t('mic.ready')}
          </button>
        </>
      ) : (
        <button type="button" className="btn-primary" disabled={opening} onClick={() => void open()}>
          {t('mic.allow')}
        </button>
      )}
      <ProblemNote problem={problem} />
    </section>
  );
}
