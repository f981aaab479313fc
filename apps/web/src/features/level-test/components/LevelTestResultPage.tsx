import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LEVELS, type LevelTestHistory, type LevelTestResult } from '@studymate/contracts';
import { useLabel } from '../../../i18n';
import { httpStatus } from '../../../lib/http';
import { NS, formatWhen } from '../i18n';
import { fetchHistory, fetchResult, problemOf } from '../api';
import { SubScoreChart } from './charts';
import { ProblemNote, Spinner, type Problem } from './common';

const SUB_SCORES = ['fluency', 'vocabularyRange', 'grammaticalComplexity', 'coherence', 'taskAchievement'] as const;

export function LevelTestResultPage() {
  const { attemptId = '' } = useParams();
  const { t, i18n } = useTranslation(NS);
  const label = useLabel();
  const [result, setResult] = useState<LevelTestResult | null>(null);
  const [history, setHistory] = useState<LevelTestHistory | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    fetchResult(attemptId).then(setResult, (error: unknown) =>
      setProblem(httpStatus(error) === 409 ? { key: 'result.notReady' } : problemOf(error)),
    );
    // Only for the "retake from" hint; the page stands without it.
    fetchHistory().then(setHistory, () => undefined);
  }, [attemptId]);

  if (problem)
    return (
      <div className="mx-auto max-w-2xl space-y-3">
        <ProblemNote problem={problem} />
        {'key' in problem && problem.key === 'result.notReady' && (
          <Link className="btn-secondary" to={`/level-test/${attemptId}/waiting`}>
            {t('waiting.title')}
          </Link>
        )}
      </div>
    );
  if (!result) return <Spinner />;

  const english = i18n.resolvedLanguage === 'en';
  const level = LEVELS.find((l) => l.id === result.level)!;
  const strengths = result.feedback.filter((f) => f.kind === 'strength');
  const improve = result.feedback.filter((f) => f.kind === 'improve');
  const nextAt = history?.nextAttemptAt;
  const provisional = !result.verified;
  // Vocabulary, grammar and linking are null when they were not scored (provisional, or unclear words).
  const shown = SUB_SCORES.filter((k) => result.subScores[k] !== null);
  const withheld = shown.length < SUB_SCORES.length;

  // Nothing to list is said with its reason and what to do next, never a bare "none".
  const feedbackList = (items: typeof result.feedback, tone: string, empty: string) =>
    items.length ? (
      <ul className="space-y-2">
        {items.map((f) => (
          <li key={f.code} className={`rounded-xl px-3 py-2 text-sm ${tone}`}>
            {english ? f.en : f.ko}
          </li>
        ))}
      </ul>
    ) : (
      <p className="text-sm text-slate-500" data-testid="feedback-empty">
        {empty}
      </p>
    );

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <section className="card" aria-labelledby="result-title">
        <h1 id="result-title" className="text-xl font-bold">
          {t('result.title')}
        </h1>
        <div className="mt-4 flex items-center gap-4">
          <div
            className={`flex size-20 shrink-0 flex-col items-center justify-center rounded-2xl text-white shadow ${provisional ? 'bg-slate-500' : 'bg-indigo-600'}`}
            data-testid="cefr-badge"
            aria-label={`${t('result.level')}: ${provisional ? `${result.range.low}–${result.range.high}` : result.level}`}
          >
            <span className={`${provisional ? 'text-xl' : 'text-3xl'} font-extrabold leading-none`}>
              {provisional && result.range.low !== result.range.high ? `${result.range.low}–${result.range.high}` : result.level}
            </span>
            <span className="mt-1 text-[10px] font-semibold tracking-wide opacity-80">
              {provisional ? t('result.provisionalBadge') : 'CEFR'}
            </span>
          </div>
          <div className="min-w-0 space-y-1">
            <p className="font-semibold text-slate-900" data-testid="result-verdict">
              {provisional ? t('result.provisionalTitle') : t('result.verifiedTitle', { level: label(level) })}
            </p>
            <p className="text-sm text-slate-600">{t('result.range', { low: result.range.low, high: result.range.high })}</p>
            <p className="text-sm text-slate-600">{t('result.confidence', { percent: Math.round(result.confidence * 100) })}</p>
          </div>
        </div>
        {provisional && (
          <div className="mt-3 space-y-2 rounded-xl bg-amber-50 px-3 py-3 text-sm text-amber-900" data-testid="provisional-note">
            <p>{t('result.provisionalLead')}</p>
            <ul className="list-disc space-y-1 pl-5">
              {result.reasons.map((r) => (
                <li key={r}>{t(`result.advice.${r}`)}</li>
              ))}
            </ul>
            {!nextAt && (
              <Link className="btn-primary" to="/level-test">
                {t('result.retakeNow')}
              </Link>
            )}
          </div>
        )}
      </section>

      <section className="card space-y-3" aria-labelledby="sub-title">
        <h2 id="sub-title" className="text-base font-bold">
          {t('result.subScores')}
        </h2>
        <SubScoreChart
          title={t('result.subScores')}
          items={shown.map((k) => ({ label: t(`result.sub.${k}`), score: result.subScores[k]! }))}
        />
        {withheld && (
          <p className="text-sm text-slate-600" data-testid="withheld-note">
            {result.reasons.includes('language-withheld') ? t('result.withheldWords') : t('result.withheldProvisional')}
          </p>
        )}
      </section>

      <section className="card grid gap-4 sm:grid-cols-2">
        <div className="space-y-2">
          <h2 className="text-base font-bold">{t('result.strengths')}</h2>
          {feedbackList(
            strengths,
            'bg-emerald-50 text-emerald-900',
            t(provisional ? 'result.noStrengthsProvisional' : 'result.noStrengths'),
          )}
        </div>
        <div className="space-y-2">
          <h2 className="text-base font-bold">{t('result.improve')}</h2>
          {feedbackList(improve, 'bg-amber-50 text-amber-900', t(provisional ? 'result.noImproveProvisional' : 'result.noImprove'))}
        </div>
      </section>

      <section className="card space-y-3" aria-labelledby="transcript-title">
        <h2 id="transcript-title" className="text-base font-bold">
          {t('result.transcripts')}
        </h2>
        <ol className="space-y-3">
          {result.answers.map((a, n) => (
            <li key={a.promptId} className="rounded-xl bg-slate-50 p-3">
              <p className="text-xs font-semibold text-indigo-700">{n + 1}</p>
              <p className="mt-1 text-sm text-slate-900" lang="en" data-testid="answer-transcript">
                {a.transcript || <span className="text-slate-400">{t('result.transcriptEmpty')}</span>}
              </p>
              <p className="mt-1 text-xs text-slate-500">
                {t('result.answerMeta', { seconds: Math.round(a.durationSec), speech: Math.round(a.speechSec), count: a.pauseCount })}
              </p>
              {a.lowConfidence && <p className="mt-1 text-xs text-amber-700">{t('result.browserTranscript')}</p>}
            </li>
          ))}
        </ol>
      </section>

      <section className="card space-y-3" aria-labelledby="next-title">
        <h2 id="next-title" className="text-base font-bold">
          {t('result.nextSteps')}
        </h2>
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>{t('result.steps.findMate')}</li>
          {improve.length > 0 && <li>{t('result.steps.practice')}</li>}
          {history && (
            <li>{nextAt ? t('result.steps.retake', { when: formatWhen(nextAt, i18n.language) }) : t('result.steps.retakeNow')}</li>
          )}
        </ul>
        <div className="flex flex-wrap gap-3">
          <Link className="btn-primary" to="/profile">
            {t('result.profile')}
          </Link>
          <Link className="btn-secondary" to="/level-test/history">
            {t('result.history')}
          </Link>
        </div>
      </section>

      <details className="card text-sm text-slate-700">
        <summary className="cursor-pointer font-semibold">{t('result.how.title')}</summary>
        <div className="mt-3 space-y-2">
          <p>{t('result.how.delivery')}</p>
          <p>{t('result.how.language')}</p>
          <p>{t('result.how.trust', { percent: Math.round(result.confidence * 100) })}</p>
          <p className="text-xs text-slate-500">
            {t('result.providers')}: {result.providers.join(', ')} · {t('result.score', { score: result.score.toFixed(2) })} ·{' '}
            {t('result.scoredAt', { when: formatWhen(result.scoredAt, i18n.language) })}
          </p>
        </div>
      </details>
    </div>
  );
}
