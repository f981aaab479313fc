import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlatformFigures } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { fetchFigures } from '../api';
import { ADMIN_NS } from '../i18n';

/** A bar per day, drawn as SVG: enough for a glance at a trend, with the values in its title for screen readers. */
function DayChart({ title, series }: { title: string; series: { day: string; value: number }[] }) {
  const max = Math.max(1, ...series.map((d) => d.value));
  const width = 300;
  const height = 80;
  const bar = width / series.length;
  return (
    <figure className="card space-y-1" data-testid="figure-chart">
      <figcaption className="flex justify-between text-sm font-semibold">
        <span>{title}</span>
        <span className="text-slate-500">{series.at(-1)?.value ?? 0}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${title}: ${series.map((d) => `${d.day} ${d.value}`).join(', ')}`}
        className="h-20 w-full"
      >
        {series.map((d, i) => {
          const h = (d.value / max) * (height - 4);
          return (
            <rect key={d.day} x={i * bar + 1} y={height - h} width={Math.max(1, bar - 2)} height={h} rx={1} className="fill-indigo-500" />
          );
        })}
      </svg>
    </figure>
  );
}

/** `/admin/figures`: sign-ups, daily active people, messages, calls and their minutes, open reports. */
export function FiguresPage() {
  const { t } = useTranslation(ADMIN_NS);
  const [days, setDays] = useState(30);
  const [figures, setFigures] = useState<PlatformFigures | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  useEffect(() => {
    fetchFigures(days).then(setFigures, (error: unknown) => setProblem(errorProblem(error)));
  }, [days]);
  return (
    <div className="space-y-3">
      <div className="flex gap-2">
        {[7, 30, 90].map((d) => (
          <button
            key={d}
            type="button"
            onClick={() => setDays(d)}
            className={`min-h-11 rounded-full px-4 text-sm font-semibold ${d === days ? 'bg-indigo-600 text-white' : 'border border-slate-200 bg-white'}`}
          >
            {t('figures.days', { days: d })}
          </button>
        ))}
      </div>
      <FormProblem problem={problem} />
      {figures && (
        <>
          <p className="card text-sm font-semibold" data-testid="reports-open">
            {t('figures.reportsOpen', { count: figures.reportsOpen })}
            {figures.reportsOpenMedianHours !== null && ` · ${t('figures.medianAge', { hours: figures.reportsOpenMedianHours })}`}
          </p>
          <div className="grid gap-3 md:grid-cols-2">
            <DayChart title={t('figures.signUps')} series={figures.signUps} />
            <DayChart title={t('figures.dailyActive')} series={figures.dailyActive} />
            <DayChart title={t('figures.messages')} series={figures.messages} />
            <DayChart title={t('figures.calls')} series={figures.calls} />
            <DayChart title={t('figures.callMinutes')} series={figures.callMinutes} />
          </div>
        </>
      )}
    </div>
  );
}
