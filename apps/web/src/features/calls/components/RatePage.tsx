import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { CallView } from '@studymate/contracts';
import { httpStatus } from '../../../lib/http';
import { fetchCall, rateCall } from '../api';
import { CALLS_NS } from '../i18n';
import { usePersonName } from '../../../lib/names';
import { ReportDialog } from '../../safety/components/ReportDialog';
import { SAFETY_NS } from '../../safety/i18n';
import { CallOutcome } from './CallPage';

/** `/calls/:callId/rate`: after hanging up, rate the partner 1-5, tick "talk again", add a private note. */
export function RatePage() {
  const { callId = '' } = useParams();
  const { t } = useTranslation(CALLS_NS);
  const { t: tApp } = useTranslation();
  const personName = usePersonName();
  const [call, setCall] = useState<CallView | null>(null);
  const [stars, setStars] = useState(0);
  const [talkAgain, setTalkAgain] = useState(false);
  const [note, setNote] = useState('');
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | 'failed'>('idle');
  const [reporting, setReporting] = useState(false);

  // Why there is no call to rate: none by that id for me, or the server could not be asked.
  const [missing, setMissing] = useState<'notFound' | 'network' | 'failed' | null>(null);

  useEffect(() => {
    // The end reaches the server a moment after the page changes; ask until it is recorded.
    let cancelled = false;
    const load = async (attempt: number) => {
      const view = await fetchCall(callId).catch((error: unknown) => {
        const status = httpStatus(error);
        if (!cancelled) setMissing(status === 404 ? 'notFound' : status === null ? 'network' : 'failed');
        return null;
      });
      if (cancelled || !view) return;
      if (view.state !== 'ended' && attempt < 10) return void setTimeout(() => void load(attempt + 1), 300);
      setCall(view);
      if (view.myRating) {
        setStars(view.myRating.stars);
        setTalkAgain(view.myRating.talkAgain);
        setNote(view.myRating.note ?? '');
      }
    };
    void load(0);
    return () => {
      cancelled = true;
    };
  }, [callId]);

  if (missing)
    return (
      <CallOutcome
        outcome={missing}
        message={
          missing === 'notFound' ? t('errors.notFound') : tApp(missing === 'network' ? 'common.errorNetwork' : 'common.errorGeneric')
        }
      />
    );
  if (!call) return <p className="p-6 text-center text-slate-500">{tApp('common.loading')}</p>;
  const seconds = call.connectedSeconds ?? 0;
  return (
    <section className="mx-auto max-w-lg space-y-4 p-6" data-testid="rate-call" data-connected-seconds={seconds}>
      <h1 className="text-xl font-bold">{t('rate.title', { name: personName(call.partner.name) })}</h1>
      <p className="text-slate-600" data-testid="call-duration">
        {t('rate.duration', { minutes: Math.floor(seconds / 60), seconds: seconds % 60 })}
      </p>
      <div className="flex gap-1" role="radiogroup" aria-label={t('rate.title', { name: personName(call.partner.name) })}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={stars === n}
            aria-label={t('rate.stars', { count: n })}
            onClick={() => setStars(n)}
            className={`size-11 text-3xl ${n <= stars ? 'text-amber-400' : 'text-slate-300'}`}
          >
            ★
          </button>
        ))}
      </div>
      <label className="flex min-h-11 items-center gap-3">
        <input type="checkbox" className="size-5" checked={talkAgain} onChange={(e) => setTalkAgain(e.target.checked)} />
        {t('rate.talkAgain')}
      </label>
      <label className="block text-sm font-medium">
        {t('rate.note')}
        <textarea
          value={note}
          maxLength={1000}
          onChange={(e) => setNote(e.target.value)}
          className="mt-1 block min-h-24 w-full rounded-lg border border-slate-300 p-2"
        />
      </label>
      {state === 'saved' && (
        <p role="status" className="text-emerald-700">
          {t('rate.saved')}
        </p>
      )}
      {state === 'failed' && (
        <p role="alert" className="text-rose-700">
          {t('rate.failed')}
        </p>
      )}
      <div className="flex gap-3">
        <Link to="/mates" className="btn-secondary inline-flex min-h-11 flex-1 items-center justify-center">
          {t('rate.skip')}
        </Link>
        <button
          type="button"
          className="btn-primary min-h-11 flex-1"
          disabled={stars === 0 || state === 'saving'}
          onClick={() => {
            setState('saving');
            rateCall(callId, { stars, talkAgain, ...(note.trim() ? { note: note.trim() } : {}) })
              .then(() => setState('saved'))
              .catch(() => setState('failed'));
          }}
        >
          {t('rate.save')}
        </button>
      </div>
      {/* A call leaves no messages to report from: the person is reported here, with their 1:1 as evidence. */}
      <button type="button" className="min-h-11 text-sm font-semibold text-red-700 underline" onClick={() => setReporting(true)}>
        {t('report.person', { ns: SAFETY_NS })}
      </button>
      {reporting && <ReportDialog userId={call.partner.userId} name={personName(call.partner.name)} onClose={() => setReporting(false)} />}
    </section>
  );
}
