import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { LevelTestHistory } from '@studymate/contracts';
import { NS, formatWhen } from '../i18n';
import { formatDay } from '../../../lib/dates';
import { fetchHistory, problemOf } from '../api';
import { HistoryChart } from './charts';
import { ProblemNote, Spinner, type Problem } from './common';

export function LevelTestHistoryPage() {
  const { t, i18n } = useTranslation(NS);
  const [history, setHistory] = useState<LevelTestHistory | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    fetchHistory().then(setHistory, (error: unknown) => setProblem(problemOf(error)));
  }, []);

  if (problem) return <ProblemNote problem={problem} />;
  if (!history) return <Spinner />;

  // The server lists newest first; the chart reads left to right in time.
  const scored = history.items.filter((i) => i.status === 'scored' && i.score != null && i.scoredAt).reverse();
  const linkOf = (item: LevelTestHistory['items'][number]) =>
    item.status === 'scored'
      ? `/level-test/${item.id}/result`
      : item.status === 'draft'
        ? `/level-test/${item.id}`
        : `/level-test/${item.id}/waiting`;

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-2xl font-bold">{t('history.title')}</h1>
      {scored.length > 0 && (
        <section className="card">
          <HistoryChart
            title={t('history.chart')}
            points={scored.map((i) => ({ when: i.scoredAt!, label: formatDay(i.scoredAt!, i18n.language), score: i.score! }))}
          />
        </section>
      )}
      <section className="card">
        {history.items.length === 0 ? (
          <p className="text-sm text-slate-500">{t('history.empty')}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {history.items.map((item) => (
              <li key={item.id} className="flex items-center gap-3 py-3">
                <span className="flex size-11 shrink-0 items-center justify-center rounded-xl bg-indigo-50 font-bold text-indigo-700">
                  {item.level ?? '–'}
                </span>
                <div className="min-w-0 flex-1">
                  <p className="text-sm font-semibold text-slate-900">{formatWhen(item.scoredAt ?? item.startedAt, i18n.language)}</p>
                  <p className="text-xs text-slate-500">
                    {t(`history.status.${item.status}`)}
                    {item.verified === false && ` · ${t('history.provisional')}`}
                  </p>
                </div>
                <Link className="btn-link" to={linkOf(item)}>
                  {t('history.open')}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Link className="btn-secondary" to="/level-test">
        {t('history.back')}
      </Link>
    </div>
  );
}
