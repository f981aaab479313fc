import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dashboard } from '@studymate/contracts';
import { PROGRESS_NS } from '../i18n';
import { Chart } from './Chart';
import { LEVEL_IDS, locale } from './format';
import { levelTimeAxis } from './level-axis';

/**
 * Levels over time, one stepped line per language through verified results (A1 at the bottom, C2
 * at the top); a provisional result is a hollow dot off the line, named as such under the chart.
 */
export function LevelChart({ points, title, timeZone }: { points: Dashboard['levelHistory']; title: string; timeZone?: string }) {
  const { t, i18n } = useTranslation(PROGRESS_NS);
  const lang = locale(i18n.resolvedLanguage);
  const data = useMemo(() => {
    const x = points.map((p) => Math.floor(Date.parse(p.at) / 1000));
    const languages = [...new Set(points.map((p) => p.language))];
    const colors = ['#4f46e5', '#059669', '#d97706'];
    const levelOf = (p: (typeof points)[number]) => LEVEL_IDS.indexOf(p.level) + 1;
    const series = languages.flatMap((language, i) => {
      const color = colors[i % colors.length]!;
      const of = (verified: boolean) =>
        points.map((p) => (p.language === language && p.verified === verified ? levelOf(p) : (null as unknown as number)));
      return [
        { label: language, color, values: of(true) },
        { label: language, color, values: of(false), hollow: true },
      ];
    });
    return { x, series, xAxis: levelTimeAxis(x, lang, timeZone) };
  }, [points, lang, timeZone]);
  const provisional = points.some((p) => !p.verified);
  return (
    <div className="space-y-1">
      <Chart
        kind="steps"
        x={data.x}
        series={data.series}
        xAxis={data.xAxis}
        yLabels={LEVEL_IDS}
        title={provisional ? `${title}. ${t('provisionalLegend')}` : title}
        height={180}
      />
      {provisional && (
        <p className="text-xs text-slate-500" data-testid="provisional-legend">
          <span aria-hidden="true">○ </span>
          {t('provisionalLegend')}
        </p>
      )}
    </div>
  );
}
