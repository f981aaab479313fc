import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Statistics, StatisticsRange } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { fetchStatistics } from '../api';
import { PROGRESS_NS } from '../i18n';
import { TakeTestLink } from './TakeTestLink';
import { useLevelTestOffered } from '../../level-test/offered';
import { Chart } from './Chart';
import { duration, languageName, locale, monthLabel, shortDay } from './format';
import { LevelChart } from './LevelChart';
import { usePersonName } from '../../../lib/names';

const RANGES: StatisticsRange[] = ['week', 'month', 'year'];
const CALL_COLOR = '#4f46e5';
const CHAT_COLOR = '#a5b4fc';

/** `/statistics`: practice over a week, a month or the last 12 months. */
export function StatisticsPage() {
  const { t, i18n } = useTranslation(PROGRESS_NS);
  const { t: tApp } = useTranslation();
  const personName = usePersonName();
  const offered = useLevelTestOffered();
  const lang = locale(i18n.resolvedLanguage);
  const [range, setRange] = useState<StatisticsRange>('week');
  const [data, setData] = useState<Statistics | null>(null);
  const { problem, run } = useAction(errorProblem);
  useEffect(() => {
    void run(async () => setData(await fetchStatistics(range)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [range]);

  const chart = useMemo(() => {
    if (!data) return null;
    const labels = data.practice.map((b) =>
      data.range === 'year' ? monthLabel(b.label, lang) : data.range === 'week' ? shortDay(b.label, lang, false) : shortDay(b.label, lang),
    );
    return {
      x: data.practice.map((_, i) => i),
      labels,
      // Bars drawn in order: the total (chat's colour shows above), then calls over it.
      series: [
        { label: t('chat'), color: CHAT_COLOR, values: data.practice.map((b) => b.callMinutes + b.chatMinutes) },
        { label: t('calls'), color: CALL_COLOR, values: data.practice.map((b) => b.callMinutes) },
      ],
    };
  }, [data, lang, t]);

  // A chat day with fewer messages than a minute's credit still counts as practice shown below.
  const empty = data && data.totalMinutes === 0 && data.sessionTypes.chatDays === 0 && data.levelTests.length === 0;
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-bold">{tApp('nav.statistics')}</h1>
      <div role="tablist" className="grid grid-cols-3 gap-1 rounded-xl bg-slate-100 p-1">
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            role="tab"
            aria-selected={range === r}
            onClick={() => setRange(r)}
            className={`min-h-11 rounded-lg text-sm font-semibold ${range === r ? 'bg-white text-indigo-700 shadow-sm' : 'text-slate-600'}`}
          >
            {t(`range.${r}`)}
          </button>
        ))}
      </div>
      <FormProblem problem={problem} />
      {empty && (
        <div className="card space-y-3 text-center">
          <p className="text-slate-600">{t('statsEmpty')}</p>
          <div className="flex flex-wrap justify-center gap-2">
            <Link to="/chat" className="btn-primary">
              {t('goChat')}
            </Link>
            <TakeTestLink />
          </div>
        </div>
      )}
      {data && chart && (
        <>
          <div className="card space-y-2">
            <div className="flex items-baseline justify-between">
              <h2 className="font-semibold">{t('practiceOverTime')}</h2>
              <span className="text-sm text-slate-500">{duration(t, data.totalMinutes)}</span>
            </div>
            <Chart kind="bars" x={chart.x} xLabels={chart.labels} series={chart.series} title={t('practiceOverTime')} />
            <p className="flex gap-4 text-xs text-slate-600">
              <span className="flex items-center gap-1">
                <span className="inline-block h-3 w-3 rounded-sm" style={{ background: CALL_COLOR }} /> {t('calls')}
              </span>
              <span className="flex items-center gap-1">
                <span className="inline-block h-3 w-3 rounded-sm" style={{ background: CHAT_COLOR }} /> {t('chat')}
              </span>
            </p>
          </div>
          <div className="grid gap-3 md:grid-cols-2">
            <div className="card space-y-2">
              <h2 className="font-semibold">{t('sessionTypes')}</h2>
              <dl className="grid grid-cols-3 gap-2 text-center">
                {(
                  [
                    ['video', data.sessionTypes.video],
                    ['voice', data.sessionTypes.voice],
                    ['chatDays', data.sessionTypes.chatDays],
                  ] as const
                ).map(([key, n]) => (
                  <div key={key} className="rounded-lg bg-slate-50 p-2">
                    <dt className="text-xs text-slate-500">{t(key)}</dt>
                    <dd className="text-xl font-bold">{n}</dd>
                  </div>
                ))}
              </dl>
            </div>
            <div className="card space-y-2">
              <h2 className="font-semibold">{t('perLanguage')}</h2>
              {data.perLanguage.length ? (
                <ul className="space-y-1">
                  {data.perLanguage.map((l) => (
                    <li key={l.language} className="flex justify-between text-sm">
                      <span>{languageName(l.language, lang, t('unknownLanguage'))}</span>
                      <span className="font-semibold">{duration(t, l.minutes)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-slate-500">—</p>
              )}
            </div>
          </div>
          <div className="card space-y-2">
            <h2 className="font-semibold">{t('topPartners')}</h2>
            {data.topPartners.length ? (
              <ol className="divide-y divide-slate-100">
                {data.topPartners.map((p) => (
                  <li key={p.userId}>
                    <Link to={`/matching/people/${p.userId}`} className="flex min-h-11 items-center justify-between py-2">
                      <span className="font-medium">{personName(p.name)}</span>
                      <span className="text-sm text-slate-500">{t('partnerLine', { minutes: p.minutes, count: p.calls })}</span>
                    </Link>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="text-sm text-slate-600">{t('noPartners')}</p>
            )}
          </div>
          {(offered || data.levelTests.length > 0) && (
            <div className="card space-y-2">
              <h2 className="font-semibold">{t('levelTests')}</h2>
              {data.levelTests.length ? (
                <LevelChart points={data.levelTests} title={t('levelTests')} />
              ) : (
                <p className="text-sm text-slate-600">{t('noLevels')}</p>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
