import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionOccurrence } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import * as api from '../api';
import { SESSIONS_NS } from '../i18n';
import { dayKey, formatClock, formatMonth, monthGrid, thisMonth } from '../time';
import { SessionCard } from './SessionCard';
import { usePersonName } from '../../../lib/names';

const DOT: Record<SessionOccurrence['state'], string> = {
  proposed: 'bg-amber-400',
  booked: 'bg-emerald-500',
  declined: 'bg-slate-300',
  cancelled: 'bg-slate-300',
};

/** A month of my sessions in my zone: a grid of days (each a button), and the chosen day's sessions below it. */
export function MonthView({ zone, version, onChanged }: { zone: string; version: number; onChanged: () => void }) {
  const { t, i18n } = useTranslation(SESSIONS_NS);
  const personName = usePersonName();
  const [month, setMonth] = useState(() => thisMonth(zone));
  const [items, setItems] = useState<SessionOccurrence[] | null>(null);
  const [chosen, setChosen] = useState(() => dayKey(new Date().toISOString(), zone));
  const { problem, run } = useAction(errorProblem);
  const grid = useMemo(() => monthGrid(month), [month]);
  useEffect(() => {
    void run(async () => setItems(await api.fetchSessions(grid.from, grid.to)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [grid, version]);
  const byDay = useMemo(() => {
    const map = new Map<string, SessionOccurrence[]>();
    for (const o of items ?? []) {
      const key = dayKey(o.startsAt, zone);
      map.set(key, [...(map.get(key) ?? []), o]);
    }
    return map;
  }, [items, zone]);
  const today = dayKey(new Date().toISOString(), zone);
  const weekdays = grid.days
    .slice(0, 7)
    .map((d) =>
      new Intl.DateTimeFormat(i18n.resolvedLanguage === 'en' ? 'en-GB' : 'ko-KR', { weekday: 'short', timeZone: zone }).format(
        d.toJSDate(),
      ),
    );
  const inMonth = (items ?? []).filter((o) => dayKey(o.startsAt, zone).startsWith(month.toFormat('yyyy-LL')));

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-2">
        <button
          type="button"
          className="btn-secondary min-w-11"
          aria-label={t('previous')}
          onClick={() => setMonth(month.minus({ months: 1 }))}
        >
          ‹
        </button>
        <h2 className="text-lg font-semibold" data-testid="month-title">
          {formatMonth(month, i18n.resolvedLanguage)}
        </h2>
        <button type="button" className="btn-secondary min-w-11" aria-label={t('next')} onClick={() => setMonth(month.plus({ months: 1 }))}>
          ›
        </button>
      </div>
      <FormProblem problem={problem} />
      <div className="grid grid-cols-7 gap-1 text-center text-xs font-semibold text-slate-500" aria-hidden="true">
        {weekdays.map((w) => (
          <span key={w}>{w}</span>
        ))}
      </div>
      <div className="grid grid-cols-7 gap-1" role="grid" aria-label={formatMonth(month, i18n.resolvedLanguage)}>
        {grid.days.map((day) => {
          const key = day.toFormat('yyyy-LL-dd');
          const sessions = byDay.get(key) ?? [];
          const outside = day.month !== month.month;
          return (
            <button
              key={key}
              type="button"
              role="gridcell"
              aria-selected={chosen === key}
              aria-label={`${key}${sessions.length ? ` · ${sessions.length}` : ''}`}
              data-day={key}
              onClick={() => setChosen(key)}
              className={`flex min-h-14 min-w-0 flex-col items-center gap-1 rounded-lg border p-1 text-sm ${
                chosen === key ? 'border-indigo-500 bg-indigo-50' : 'border-slate-200 bg-white'
              } ${outside ? 'text-slate-400' : 'text-slate-800'}`}
            >
              <span className={key === today ? 'rounded-full bg-indigo-600 px-1.5 text-white' : ''}>{day.day}</span>
              <span className="flex flex-wrap justify-center gap-0.5">
                {sessions.slice(0, 4).map((o) => (
                  <span key={`${o.sessionId}-${o.index}`} className={`size-1.5 rounded-full ${DOT[o.state]}`} />
                ))}
              </span>
              <span className="hidden w-full truncate text-[10px] text-slate-600 md:block">
                {sessions
                  .filter((o) => o.state !== 'declined')
                  .slice(0, 2)
                  .map((o) => `${formatClock(o.startsAt, zone)} ${personName(o.partner.name)}`)
                  .join(', ')}
              </span>
            </button>
          );
        })}
      </div>
      {items && inMonth.length === 0 && <p className="text-center text-sm text-slate-500">{t('emptyMonth')}</p>}
      <div className="space-y-3">
        {(byDay.get(chosen) ?? []).map((o) => (
          <SessionCard key={`${o.sessionId}-${o.index}`} occurrence={o} zone={zone} onChanged={onChanged} />
        ))}
      </div>
    </div>
  );
}
