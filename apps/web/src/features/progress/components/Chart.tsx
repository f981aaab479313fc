import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
  /** Points only, drawn hollow, with no line through them (provisional results). */
  hollow?: boolean;
}

/**
 * A chart drawn by uPlot (about 50 KB, canvas; this page's chunk only): bars for practice over
 * time, a stepped line for levels. Follows its container's width, so it fits a phone.
 */
export function Chart({
  x,
  series,
  kind,
  height = 200,
  xLabels,
  xAxis,
  yLabels,
  title,
}: {
  /** x values (bucket index, or epoch seconds for a time axis). */
  x: number[];
  series: ChartSeries[];
  kind: 'bars' | 'steps';
  height?: number;
  /** Labels for bucket indexes. */
  xLabels?: string[];
  /** A time axis's own range and ticks (epoch seconds) with their labels, instead of uPlot's automatic ones. */
  xAxis?: { range: [number, number]; splits: number[]; labels: string[] };
  /** Labels for y values (levels). */
  yLabels?: string[];
  title: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const bars = uPlot.paths.bars!({ size: [0.7, 48] });
    const stepped = uPlot.paths.stepped!({ align: 1 });
    const options: Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: !xLabels, ...(xAxis ? { range: xAxis.range } : {}) },
        y: yLabels ? { range: [0, yLabels.length] } : { range: (_u, _min, max) => [0, Math.max(10, max)] },
      },
      axes: [
        xLabels
          ? { values: (_u, splits) => splits.map((s) => xLabels[s] ?? ''), space: 40, grid: { show: false } }
          : xAxis
            ? {
                splits: () => xAxis.splits,
                values: (_u, splits) => splits.map((s) => xAxis.labels[xAxis.splits.indexOf(s)] ?? ''),
                grid: { show: false },
              }
            : { grid: { show: false } },
        yLabels ? { values: (_u, splits) => splits.map((s) => yLabels[s - 1] ?? ''), splits: () => yLabels.map((_, i) => i + 1) } : {},
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: kind === 'bars' ? s.color : undefined,
          width: kind === 'bars' ? 0 : 2,
          paths: s.hollow ? () => null : kind === 'bars' ? bars : stepped,
          points: s.hollow ? { show: true, size: 10, width: 2, stroke: s.color, fill: '#ffffff' } : { show: kind !== 'bars' },
        })),
      ],
    };
    const plot = new uPlot(options, [x, ...series.map((s) => s.values)] as AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, kind, height, xLabels, xAxis, yLabels]);
  return <div ref={box} role="img" aria-label={title} className="w-full overflow-hidden" />;
}
