import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AchievementList } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { fetchAchievements } from '../api';
import { PROGRESS_NS } from '../i18n';
import { locale } from './format';
import { ProgressBar } from './ProgressBar';

/** `/achievements`: every achievement with my progress toward it; earned ones first. */
export function AchievementsPage() {
  const { t, i18n } = useTranslation(PROGRESS_NS);
  const { t: tApp } = useTranslation();
  const lang = locale(i18n.resolvedLanguage);
  const [items, setItems] = useState<AchievementList['items'] | null>(null);
  const { problem, run } = useAction(errorProblem);
  useEffect(() => {
    void run(async () => setItems(await fetchAchievements()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const sorted = items ? [...items].sort((a, b) => Number(!!b.awardedAt) - Number(!!a.awardedAt)) : [];
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-bold">{tApp('nav.achievements')}</h1>
      <p className="text-slate-600">{t('achievementsIntro')}</p>
      <FormProblem problem={problem} />
      <ul className="grid gap-3 sm:grid-cols-2">
        {sorted.map((a) => {
          const percent = Math.round((a.value / a.target) * 100);
          return (
            <li key={a.id} data-achievement={a.id} className={`card space-y-2 ${a.awardedAt ? 'border-amber-300 bg-amber-50' : ''}`}>
              <div className="flex items-center justify-between gap-2">
                <h2 className="font-semibold">
                  {a.awardedAt ? '🏅 ' : ''}
                  {t(`items.${a.id}.title`)}
                </h2>
                <span className="text-sm text-slate-500">{t('progressOf', { value: a.value, target: a.target })}</span>
              </div>
              <p className="text-sm text-slate-600">{t(`items.${a.id}.body`)}</p>
              <ProgressBar percent={percent} done={!!a.awardedAt} />
              {a.awardedAt && (
                <p className="text-xs text-amber-800">
                  {t('earned', {
                    date: new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ko-KR', { dateStyle: 'medium' }).format(new Date(a.awardedAt)),
                  })}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
