import { Fragment, useId } from 'react';
import { LEVELS, type CefrLevel } from '@studymate/contracts';

const LEVEL_IDS = LEVELS.map((l) => l.id) as CefrLevel[];
/** Scores run 1.0..6.99: the integer part is the level (1 = A1 ... 6 = C2). */
const MIN = 1;
const MAX = 7;

export const levelOfScore = (score: number): CefrLevel => LEVEL_IDS[Math.min(5, Math.max(0, Math.floor(score) - 1))]!;

/**
 * Horizontal bars on the CEFR scale, one SVG per row so long labels can wrap at 375 px, with a
 * text twin for screen readers.
 */
export function SubScoreChart({ items, title }: { items: { label: string; score: number }[]; title: string }) {
  const titleId = useId();
  const x = (score: number) => ((Math.min(MAX, Math.max(MIN, score)) - MIN) / (MAX - MIN)) * 100;
  const grid = LEVEL_IDS.map((_, n) => (
    <line key={n} x1={x(n + 1)} x2={x(n + 1)} y1={0} y2={20} stroke="#e2e8f0" strokeWidth={1} vectorEffect="non-scaling-stroke" />
  ));
  return (
    <figure aria-labelledby={titleId}>
      <figcaption id={titleId} className="sr-only">
        {title}
      </figcaption>
      <ul className="sr-only">
        {items.map((i) => (
          <li key={i.label}>{`${i.label}: ${levelOfScore(i.score)} (${i.score.toFixed(1)})`}</li>
        ))}
      </ul>
      <div className="grid grid-cols-[minmax(0,8.5rem)_1fr_2rem] items-center gap-x-2 gap-y-2" aria-hidden="true">
        {items.map((i) => (
          <Fragment key={i.label}>
            <span className="text-xs leading-tight text-slate-600">{i.label}</span>
            <svg viewBox="0 0 100 20" preserveAspectRatio="none" className="h-5 w-full">
              {grid}
              <rect x={0} y={2} width={Math.max(1, x(i.score))} height={16} rx={2} fill="#6366f1" />
            </svg>
            <span className="text-xs font-semibold text-indigo-700">{levelOfScore(i.score)}</span>
          </Fragment>
        ))}
        <span />
        <div className="relative h-4 text-[10px] text-slate-500">
          {LEVEL_IDS.map((id, n) => (
            <span key={id} className="absolute -translate-x-1/2" style={{ left: `${x(n + 1.5)}%` }}>
              {id}
            </span>
          ))}
        </div>
        <span />
      </div>
    </figure>
  );
}

/** Levels of scored attempts over time as a line with dots; the oldest on the left. */
export function HistoryChart({ points, title }: { points: { when: string; label: string; score: number }[]; title: string }) {
  const titleId = useId();
  const width = 320;
  const height = 150;
  const left = 28;
  const bottom = 20;
  const y = (score: number) => (height - bottom) * (1 - (Math.min(MAX, Math.max(MIN, score)) - MIN) / (MAX - MIN));
  const x = (n: number) => (points.length === 1 ? (left + width) / 2 : left + 8 + (n / (points.length - 1)) * (width - left - 16));
  return (
    <figure aria-labelledby={titleId}>
      <figcaption id={titleId} className="mb-2 text-sm font-semibold text-slate-700">
        {title}
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="h-auto w-full"
        role="img"
        aria-label={points.map((p) => `${p.label} ${levelOfScore(p.score)}`).join(', ')}
      >
        {LEVEL_IDS.map((id, n) => (
          <g key={id}>
            {/* Each level's line runs through the middle of its band, and its label sits on it. */}
            <line x1={left} x2={width} y1={y(n + 1.5)} y2={y(n + 1.5)} stroke="#e2e8f0" data-level={id} />
            <text x={0} y={y(n + 1.5)} dominantBaseline="middle" fontSize={10} fill="#64748b" data-level={id}>
              {id}
            </text>
          </g>
        ))}
        {points.length > 1 && (
          <polyline fill="none" stroke="#6366f1" strokeWidth={2} points={points.map((p, n) => `${x(n)},${y(p.score)}`).join(' ')} />
        )}
        {points.map((p, n) => (
          <g key={`${p.when}-${n}`}>
            <circle cx={x(n)} cy={y(p.score)} r={4} fill="#4f46e5" />
            <text x={x(n)} y={height - 4} fontSize={9} fill="#64748b" textAnchor="middle">
              {p.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
