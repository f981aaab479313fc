import { useEffect } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Mate } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { unmatch } from '../api';
import { MATCHING_NS } from '../i18n';
import { followMatchingNews, loadMates, useMatchingStore } from '../store';
import { BlockButton, PartnerCardView } from './PartnerCardView';
import { CallButtons } from '../../calls/components/CallButtons';
import { useConfirm } from '../../../components/ConfirmDialog';
import { formatDate } from '../../../lib/dates';

/** What a mate's card offers: presence, chat, book, call, unmatch, block. `onChanged` runs after an unmatch or a block. */
export function MateActions({ mate, onChanged }: { mate: Mate; onChanged: () => void }) {
  const { t, i18n } = useTranslation(MATCHING_NS);
  const { busy, problem, run } = useAction(errorProblem);
  const confirm = useConfirm();
  const since = formatDate(mate.since, i18n.resolvedLanguage);
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-500">
        <span className={mate.presence === 'online' ? 'font-semibold text-emerald-600' : ''}>{t(`mates.presence.${mate.presence}`)}</span>
        {' · '}
        {t('mates.since', { date: since })}
      </p>
      <FormProblem problem={problem} />
      <div className="flex flex-wrap items-center gap-3">
        {mate.roomId && (
          <Link to={`/chat/${mate.roomId}`} className="btn-primary">
            {t('mates.chat')}
          </Link>
        )}
        <Link to={`/schedule?mate=${mate.partner.userId}`} className="btn-secondary">
          {t('mates.book')}
        </Link>
        <CallButtons mateId={mate.partner.userId} />
        <button
          type="button"
          className="btn-secondary"
          disabled={busy}
          onClick={() => {
            void confirm
              .ask({ title: t('mates.unmatchConfirm', { name: mate.partner.name }), confirmLabel: t('mates.unmatch'), danger: true })
              .then((yes) =>
                yes
                  ? run(async () => {
                      await unmatch(mate.partner.userId);
                      onChanged();
                    })
                  : undefined,
              );
          }}
        >
          {t('mates.unmatch')}
        </button>
        <BlockButton partner={mate.partner} onBlocked={onChanged} />
      </div>
      {confirm.dialog}
    </div>
  );
}

/** `/mates`: my partners with presence and compatibility; chat, unmatch, block. */
export function MatesPage() {
  const { t, i18n } = useTranslation(MATCHING_NS);
  const mates = useMatchingStore((s) => s.mates);
  const { problem, run } = useAction(errorProblem);
  useEffect(() => {
    void run(loadMates);
    return followMatchingNews();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [i18n.resolvedLanguage]);
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-bold">{t('mates.title')}</h1>
      <FormProblem problem={problem} />
      {mates?.length === 0 && (
        <div className="card space-y-3 text-center">
          <p className="text-slate-600">{t('mates.empty')}</p>
          <Link to="/matching" className="btn-primary">
            {t('mates.find')}
          </Link>
        </div>
      )}
      <ul className="grid gap-4 md:grid-cols-2">
        {mates?.map((m) => (
          <li key={m.partner.userId}>
            <PartnerCardView partner={m.partner} actions={<MateActions mate={m} onChanged={() => void loadMates()} />} />
          </li>
        ))}
      </ul>
    </section>
  );
}
