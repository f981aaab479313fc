/** A bar filled to `percent` (0-100), read out as a progress bar. */
export function ProgressBar({ percent, tall = false, done = false }: { percent: number; tall?: boolean; done?: boolean }) {
  return (
    <div
      className={`${tall ? 'h-3' : 'h-2'} overflow-hidden rounded-full bg-slate-100`}
      role="progressbar"
      aria-valuenow={percent}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className={`h-full ${done ? 'bg-amber-500' : 'bg-indigo-500'}`} style={{ width: `${percent}%` }} />
    </div>
  );
}
