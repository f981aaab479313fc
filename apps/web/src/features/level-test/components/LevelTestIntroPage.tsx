import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { LevelTestHistory } from '@studymate/contracts';
import { apiError, httpStatus } from '../../../lib/http';
import { useLevelTestOffered } from '../offered';
import { NS, formatWhen } from '../i18n';
import { cooldownUntil, fetchHistory, problemOf, startAttempt } from '../api';
import { canRecord } from '../audio/microphone';
import { ProblemNote, Spinner, type Problem } from './common';

export function LevelTestIntroPage() {
  const { t, i18n } = useTranslation(NS);
  const navigate = useNavigate();
  const [history, setHistory] = useState<LevelTestHistory | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [refusedUntil, setRefusedUntil] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [refused, setRefused] = useState(false);
  const offered = useLevelTestOffered();

  useEffect(() => {
    fetchHistory().then(setHistory, (error: unknown) => setProblem(problemOf(error)));
  }, []);

  if (!history && !problem) return <Spinner />;

  const draft = history?.items.find((i) => i.status === 'draft');
  const inScoring = history?.items.find((i) => i.status === 'submitted' || i.status === 'scoring');
  const nextAt = refusedUntil ?? (draft ? null : (history?.nextAttemptAt ?? null));
  const notOffered = refused || offered === false;

  const start = async () => {
    setStarting(true);
    setProblem(null);
    try {
      const attempt = await startAttempt();
      navigate(`/level-test/${attempt.id}`);
    } catch (error) {
      const until = cooldownUntil(error);
      if (until) setRefusedUntil(until);
      else if (apiError(error)?.code === 'LEVEL_TEST_NOT_OFFERED') setRefused(true);
      // 409: the last test is still being scored; the refreshed history says so and links to it.
      else if (httpStatus(error) === 409) setHistory(await fetchHistory().catch(() => history));
      else setProblem(problemOf(error));
      setStarting(false);
    }
  };

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <section className="card space-y-4">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <p className="text-slate-700">{t('intro.lead')}</p>
        <ul className="space-y-2 text-sm text-slate-700">
          {(['prompts', 'time', 'mic', 'result'] as const).map((k) => (
            <li key={k} className="flex gap-2">
              <span aria-hidden="true" className="mt-1.5 size-2 shrink-0 rounded-full bg-indigo-500" />
              {t(`intro.points.${k}`)}
            </li>
          ))}
        </ul>
        {notOffered && (
          <p role="status" className="rounded-xl bg-slate-100 px-4 py-3 text-sm text-slate-700" data-testid="not-offered">
            {t('intro.notOffered')}
          </p>
        )}
        {!canRecord() && <ProblemNote problem={{ key: 'mic.unsupported' }} />}
        {nextAt && (
          <p role="status" className="rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-800">
            {t('intro.cooldown', { when: formatWhen(nextAt, i18n.language) })}
          </p>
        )}
        {inScoring && (
          <p role="status" className="rounded-xl bg-indigo-50 px-4 py-3 text-sm text-indigo-800">
            {t('intro.scoring')}{' '}
            <Link className="btn-link" to={`/level-test/${inScoring.id}/waiting`}>
              {t('intro.seeScoring')}
            </Link>
          </p>
        )}
        <ProblemNote problem={problem} />
        <div className="flex flex-wrap gap-3">
          {!notOffered && (
            <button
              type="button"
              className="btn-primary"
              disabled={starting || !!nextAt || !!inScoring || !canRecord()}
              onClick={() => void start()}
            >
              {starting ? t('intro.starting') : draft ? t('intro.continue') : t('intro.start')}
            </button>
          )}
          {!!history?.items.length && (
            <Link to="/level-test/history" className="btn-secondary">
              {t('intro.history')}
            </Link>
          )}
        </div>
      </section>
    </div>
  );
}
