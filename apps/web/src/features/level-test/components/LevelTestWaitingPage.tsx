import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { LevelTestProgress } from '@studymate/contracts';
import { httpStatus } from '../../../lib/http';
import { NS } from '../i18n';
import { fetchProgress, problemOf } from '../api';
import { ProblemNote, ProgressBar, Spinner, type Problem } from './common';

/** Scoring takes tens of seconds; polling faster than this only adds load. */
const POLL_MS = 1500;

export function LevelTestWaitingPage() {
  const { attemptId = '' } = useParams();
  const navigate = useNavigate();
  const { t } = useTranslation(NS);
  const [progress, setProgress] = useState<LevelTestProgress | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await fetchProgress(attemptId);
        if (stopped) return;
        setProgress(next);
        setProblem(null);
        if (next.status === 'scored') return navigate(`/level-test/${attemptId}/result`, { replace: true });
        if (next.status === 'draft') return navigate(`/level-test/${attemptId}`, { replace: true });
        if (next.status === 'failed') return; // The user decides when to look again.
      } catch (error) {
        if (stopped) return;
        setProblem(problemOf(error));
        // A dropped connection is usually brief; keep trying unless the test is gone.
        if (httpStatus(error) === 404) return;
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [attemptId, navigate, round]);

  if (!progress && !problem) return <Spinner />;
  const done = progress?.progress.transcribed ?? 0;
  const total = progress?.progress.total ?? 0;
  const failed = progress?.status === 'failed';

  return (
    <section className="card mx-auto max-w-2xl space-y-4" aria-labelledby="waiting-title">
      <h1 id="waiting-title" className="text-xl font-bold">
        {failed ? t('waiting.failed') : t('waiting.title')}
      </h1>
      {failed ? (
        <div className="space-y-3">
          <p role="alert" className="text-sm text-slate-700">
            {t('waiting.failedHint')}
          </p>
          <button type="button" className="btn-secondary" onClick={() => setRound((n) => n + 1)}>
            {t('waiting.retry')}
          </button>
        </div>
      ) : (
        <>
          <p className="text-slate-700">{t('waiting.lead')}</p>
          {progress && (
            <div className="space-y-2" aria-live="polite">
              <ProgressBar value={total ? done / total : 0} label={t('waiting.progress', { done, total })} />
              <p className="text-sm text-slate-600" data-testid="waiting-progress">
                {progress.status === 'submitted' ? t('waiting.queued') : t('waiting.progress', { done, total })}
              </p>
            </div>
          )}
        </>
      )}
      <ProblemNote problem={problem} />
    </section>
  );
}
