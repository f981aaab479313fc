import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { SessionOccurrence } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import * as api from '../api';
import { SESSIONS_NS } from '../i18n';
import { followSessionNews } from '../news';
import { useMyZone } from '../time';
import { CalendarFeed } from './CalendarFeed';
import { MonthView } from './MonthView';
import { SessionCard } from './SessionCard';

const DAY = 24 * 3600_000;

/** `/sessions`: my sessions in my zone, as a list (what waits for me, what comes up) or a month; and the calendar subscription. */
export function SessionsPage() {
  const { t } = useTranslation(SESSIONS_NS);
  const zone = useMyZone();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'month' ? 'month' : 'list';
  const focus = params.get('session');
  const [items, setItems] = useState<SessionOccurrence[] | null>(null);
  const [version, setVersion] = useState(0);
  const { problem, run } = useAction(errorProblem);
  const changed = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => followSessionNews(changed), [changed]);
  useEffect(() => {
    if (view !== 'list') return;
    void run(async () => setItems(await api.fetchSessions(new Date(Date.now() - DAY), new Date(Date.now() + 60 * DAY))));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, version]);

  const now = Date.now();
  const waiting = (items ?? []).filter((o) => o.state === 'proposed' && !o.organiser);
  const ahead = (items ?? []).filter(
    (o) => !waiting.includes(o) && Date.parse(o.endsAt) > now && (o.state === 'booked' || o.state === 'proposed' || o.cancelReason),
  );
  // A cancelled or declined one is kept in sight (its reason matters) but apart: it is not coming up.
  const ended = (o: SessionOccurrence) => o.state === 'cancelled' || o.state === 'declined';
  const upcoming = ahead.filter((o) => !ended(o));
  const cancelled = ahead.filter(ended);
  // The occurrence a link named (`?session=`): its first, highlighted once.
  const focused = focus ? items?.find((i) => i.sessionId === focus) : undefined;
  const tab = (active: boolean) =>
    `inline-flex min-h-11 min-w-11 items-center justify-center rounded-xl px-3 py-2 text-sm font-semibold ${active ? 'bg-indigo-600 text-white' : 'border border-slate-200 bg-white text-slate-700'}`;

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <Link to="/schedule" className="btn-primary">
          {t('book')}
        </Link>
      </div>
      <p className="text-sm text-slate-500" data-testid="my-zone">
        {t('inZone', { zone })}
      </p>
      <nav aria-label={t('views.label')} className="flex gap-2">
        <button type="button" className={tab(view === 'list')} aria-pressed={view === 'list'} onClick={() => setParams({})}>
          {t('views.list')}
        </button>
        <button
          type="button"
          className={tab(view === 'month')}
          aria-pressed={view === 'month'}
          onClick={() => setParams({ view: 'month' })}
        >
          {t('views.month')}
        </button>
      </nav>
      <FormProblem problem={problem} />
      {view === 'month' ? (
        <MonthView key={zone} zone={zone} version={version} onChanged={changed} />
      ) : (
        <>
          {items && waiting.length === 0 && upcoming.length === 0 && cancelled.length === 0 && (
            <div className="card space-y-3 text-center">
              <p className="text-slate-600">{t('empty')}</p>
              <Link to="/schedule" className="btn-primary">
                {t('book')}
              </Link>
            </div>
          )}
          {[
            { title: t('waiting'), list: waiting, id: 'waiting' },
            { title: t('upcoming'), list: upcoming, id: 'upcoming' },
            { title: t('cancelledList'), list: cancelled, id: 'cancelled' },
          ].map(
            ({ title, list, id }) =>
              list.length > 0 && (
                <div key={id} className={`space-y-3 ${id === 'cancelled' ? 'opacity-75' : ''}`} data-testid={`sessions-${id}`}>
                  <h2 className="text-lg font-semibold">{title}</h2>
                  {list.map((o) => (
                    <SessionCard key={`${o.sessionId}-${o.index}`} occurrence={o} zone={zone} onChanged={changed} focused={o === focused} />
                  ))}
                </div>
              ),
          )}
        </>
      )}
      <CalendarFeed />
    </section>
  );
}
