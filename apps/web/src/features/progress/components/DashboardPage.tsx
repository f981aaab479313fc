import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Dashboard } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { fetchDashboard } from '../api';
import { PROGRESS_NS } from '../i18n';
import { duration, languageName, locale, shortDay } from './format';
import { LevelChart } from './LevelChart';
import { TakeTestLink } from './TakeTestLink';
import { useLevelTestOffered } from '../../level-test/offered';
import { ProgressBar } from './ProgressBar';
import { formatWhen, JoinSessionButton } from '../../sessions';
import { usePersonName } from '../../../lib/names';

function Tile({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="card">
      <p className="text-sm text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-bold text-slate-900">{value}</p>
      {hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

/** The home page: what I practised, my streak, partners, next session, levels and this week's goal. */
export function DashboardPage() {
  const { t, i18n } = useTranslation(PROGRESS_NS);
  const { t: tApp } = useTranslation();
  const personName = usePersonName();
  const offered = useLevelTestOffered();
  const lang = locale(i18n.resolvedLanguage);
  const [data, setData] = useState<Dashboard | null>(null);
  const { problem, run } = useAction(errorProblem);
  // Join's own outcome, shown in the next-session card beside the button, not at the foot of the page.
  const join = useAction(errorProblem);
  useEffect(() => {
    void run(async () => setData(await fetchDashboard()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (!data) return <FormProblem problem={problem} />;
  const fresh = data.totalMinutes === 0 && data.streak.best === 0;
  const goalPercent = Math.min(100, Math.round((data.weeklyGoal.minutes / Math.max(1, data.weeklyGoal.goalMinutes)) * 100));
  return (
    <section className="space-y-4" data-testid="dashboard">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{tApp('home.greeting', { name: data.name })}</h1>
        <div className="flex flex-wrap items-center gap-2">
          {data.verifiedLevels.length
            ? data.verifiedLevels.map((v) => (
                <span key={v.language} className="rounded-full bg-indigo-50 px-3 py-1 text-sm font-semibold text-indigo-700">
                  {t('level', { language: languageName(v.language, lang, ''), level: v.level })}
                </span>
              ))
            : // The test assesses English speaking: nobody else is told of a level they cannot get.
              offered && (
                <>
                  <span className="text-sm text-slate-500">{t('noLevel')}</span>
                  <TakeTestLink />
                </>
              )}
        </div>
      </header>

      {fresh && (
        <div className="card space-y-3 text-center">
          <p className="font-semibold">{t('emptyTitle')}</p>
          <p className="text-slate-600">{t('emptyBody')}</p>
          <div className="flex flex-wrap justify-center gap-2">
            <Link to="/chat" className="btn-primary">
              {t('goChat')}
            </Link>
            <Link to="/matching" className="btn-secondary">
              {t('findPartner')}
            </Link>
          </div>
        </div>
      )}

      <div className="grid grid-cols-2 gap-3 md:grid-cols-3">
        <div data-testid="total-practice">
          <Tile label={t('total')} value={duration(t, data.totalMinutes)} />
        </div>
        <Tile label={t('month')} value={duration(t, data.monthMinutes)} />
        <div data-testid="streak">
          <Tile
            label={t('streak')}
            value={t('streakDays', { count: data.streak.current })}
            hint={`${t('best', { count: data.streak.best })} · ${data.streak.today ? t('streakToday') : t('streakNotYet')}`}
          />
        </div>
        <Tile label={t('partners')} value={String(data.activePartners)} hint={t('partnersHint')} />
        <Tile label={t('sessionsWeek')} value={String(data.sessionsThisWeek)} />
      </div>
      <p className="text-xs text-slate-500">
        {t('chatCredit', { per: data.chatCredit.messagesPerMinute, max: data.chatCredit.maxMinutesPerDay })}
      </p>

      <div className="card space-y-3">
        <div className="flex items-baseline justify-between">
          <h2 className="font-semibold">{t('weeklyGoal')}</h2>
          <span className="text-sm text-slate-500">
            {t('goalOfDays', { minutes: data.weeklyGoal.minutes, goal: data.weeklyGoal.goalMinutes, daily: data.weeklyGoal.dailyMinutes })}
          </span>
        </div>
        <ProgressBar percent={goalPercent} tall />
        <ol className="grid grid-cols-7 gap-1 text-center text-xs">
          {data.weeklyGoal.days.map((d) => (
            <li key={d.day} className={`rounded-lg py-2 ${d.met ? 'bg-emerald-100 text-emerald-800' : 'bg-slate-50 text-slate-500'}`}>
              <span className="block font-medium">{shortDay(d.day, lang, false)}</span>
              {d.minutes}
            </li>
          ))}
        </ol>
      </div>

      <div className="card space-y-2">
        <h2 className="font-semibold">{t('nextSession')}</h2>
        {data.nextSession ? (
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p>
              {t('sessionWith', {
                kind: t(data.nextSession.kind === 'voice' ? 'voice' : 'video'),
                name: personName(data.nextSession.partner.name),
              })}
              <br />
              <span className="text-sm text-slate-500">
                {/* As the sessions page writes it. */}
                {formatWhen(data.nextSession.startsAt, data.timeZone, i18n.resolvedLanguage)}
              </span>
            </p>
            <div className="flex flex-wrap items-center gap-2">
              <Link to={`/sessions?session=${data.nextSession.sessionId}`} className="btn-secondary">
                {t('sessionDetails')}
              </Link>
              <JoinSessionButton
                sessionId={data.nextSession.sessionId}
                booked
                startsAt={data.nextSession.startsAt}
                endsAt={Date.parse(data.nextSession.startsAt) + data.nextSession.minutes * 60_000}
                busy={join.busy}
                run={join.run}
              />
            </div>
            <div className="basis-full">
              <FormProblem problem={join.problem} />
            </div>
          </div>
        ) : (
          <div className="space-y-2">
            <p className="text-sm text-slate-600">{t('noSession')}</p>
            {/* Proposals waiting for an answer are not booked yet: they are on the sessions page. */}
            <Link to="/sessions" className="btn-secondary">
              {t('allSessions')}
            </Link>
          </div>
        )}
      </div>

      <div className="card space-y-2">
        <h2 className="font-semibold">{t('recentMates')}</h2>
        {data.recentMates.length ? (
          <ul className="divide-y divide-slate-100">
            {data.recentMates.map((m) => (
              <li key={m.userId}>
                <Link to={`/matching/people/${m.userId}`} className="flex min-h-11 items-center gap-3 py-2">
                  {m.photoUrl ? (
                    <img src={m.photoUrl} alt="" className="h-9 w-9 rounded-full object-cover" />
                  ) : (
                    <span className="flex h-9 w-9 items-center justify-center rounded-full bg-indigo-100 font-semibold text-indigo-700">
                      {personName(m.name).slice(0, 1)}
                    </span>
                  )}
                  <span className="font-medium">{personName(m.name)}</span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <div className="space-y-2">
            <p className="text-sm text-slate-600">{t('noMates')}</p>
            <Link to="/matching" className="btn-secondary">
              {t('findPartner')}
            </Link>
          </div>
        )}
      </div>

      {(offered || data.levelHistory.length > 0) && (
        <div className="card space-y-2">
          <h2 className="font-semibold">{t('levelHistory')}</h2>
          {data.levelHistory.length ? (
            <LevelChart points={data.levelHistory} title={t('levelHistory')} timeZone={data.timeZone} />
          ) : (
            <div className="space-y-2">
              <p className="text-sm text-slate-600">{t('noLevels')}</p>
              <TakeTestLink />
            </div>
          )}
        </div>
      )}
      <FormProblem problem={problem} />
    </section>
  );
}
