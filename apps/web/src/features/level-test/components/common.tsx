import { useTranslation } from 'react-i18next';
import { NS } from '../i18n';

export type Problem = { key: string } | { text: string };

export function ProblemNote({ problem }: { problem: Problem | null }) {
  const { t } = useTranslation(NS);
  if (!problem) return null;
  return (
    <p role="alert" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-700">
      {'key' in problem ? t(problem.key) : problem.text}
    </p>
  );
}

export function Spinner() {
  const { t } = useTranslation();
  return (
    <div className="flex justify-center py-16" role="status" aria-live="polite">
      <span className="size-8 animate-spin rounded-full border-4 border-indigo-200 border-t-indigo-600" />
      <span className="sr-only">{t('common.loading')}</span>
    </div>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      className="h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
    >
      <div className="h-full rounded-full bg-indigo-600 transition-[width] duration-300" style={{ width: `${percent}%` }} />
    </div>
  );
}
