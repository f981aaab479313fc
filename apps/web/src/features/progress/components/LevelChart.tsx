import { useMemo } from 'react';
import type { Dashboard } from '@studymate/contracts';
import { Chart } from './Chart';
import { LEVEL_IDS } from './format';

/** Levels over time, one stepped line per language (A1 at the bottom, C2 at the top). */
export function LevelChart({ points, title }: { points: Dashboard['levelHistory']; title: string }) {
  const data = useMemo(() => {
    const x = points.map((p) => Math.floor(Date.parse(p.at) / 1000));
    const languages = [...new Set(points.map((p) => p.language))];
    const colors = ['#4f46e5', '#059669', '#d97706'];
    const series = languages.map((language, i) => ({
      label: language,
      color: colors[i % colors.length]!,
      values: points.map((p) => (p.language === language ? LEVEL_IDS.indexOf(p.level) + 1 : (null as unknown as number))),
    }));
    return { x, series };
  }, [points]);
  return <Chart kind="steps" x={data.x} series={data.series} yLabels={LEVEL_IDS} title={title} height={180} />;
}
