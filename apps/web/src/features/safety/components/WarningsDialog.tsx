import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MyStanding } from '@studymate/contracts';
import { acknowledgeWarning, fetchStanding } from '../api';
import { SAFETY_NS } from '../i18n';

/** A warning from the team, shown once after sign-in until the person says they read it. */
export function WarningsDialog() {
  const { t } = useTranslation(SAFETY_NS);
  const [warnings, setWarnings] = useState<MyStanding['warnings']>([]);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    fetchStanding().then(
      (s) => setWarnings(s.warnings),
      () => undefined,
    );
  }, []);
  const current = warnings[0];
  useEffect(() => {
    const el = ref.current;
    if (el && current && !el.open) el.showModal();
  }, [current]);
  if (!current) return null;
  const ok = () => {
    void acknowledgeWarning(current.id).catch(() => undefined);
    ref.current?.close();
    setWarnings((w) => w.slice(1));
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => e.preventDefault()}
      className="m-auto w-[min(26rem,calc(100%-2rem))] rounded-2xl p-0 backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-5">
        <h2 id={titleId} className="text-lg font-bold">
          {t('warning.title')}
        </h2>
        <p className="whitespace-pre-wrap text-sm">{current.reason}</p>
        <div className="flex justify-end">
          <button type="button" className="btn-primary min-h-11" onClick={ok}>
            {t('warning.ok')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
