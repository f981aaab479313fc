import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminPerson } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { otherName } from '../../../lib/names';
import { ADMIN_NS } from '../i18n';

/** A person's history as an administrator reads it: account age, flags, earlier reports and sanctions. */
export function PersonHistory({ person }: { person: AdminPerson }) {
  const { t, i18n } = useTranslation(ADMIN_NS);
  const when = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section className="card space-y-2 text-sm" aria-label={t('person.history', { name: person.displayName })} data-testid="person-history">
      <h2 className="text-base font-bold">{t('person.history', { name: person.displayName })}</h2>
      {otherName(person.displayName, person.publicName) && (
        <p className="text-slate-600">{t('person.publicName', { name: person.publicName })}</p>
      )}
      <p className="text-slate-600">
        {person.email ?? '—'} · {t('person.age', { days: person.accountAgeDays })} ·{' '}
        {t('person.status', { status: t(`accountStatus.${person.status}`) })}
      </p>
      <p className="text-slate-600">
        {t('person.flags', { count: person.flags })} · {t('person.reportsMade', { count: person.reportsMade })}
      </p>
      <h3 className="font-semibold">{t('person.sanctions')}</h3>
      {person.sanctions.length === 0 ? (
        <p className="text-slate-500">{t('person.none')}</p>
      ) : (
        <ul className="list-disc pl-5">
          {person.sanctions.map((s) => (
            <li key={s.id}>
              {t(`action.${s.kind}`)} · {when.format(new Date(s.startsAt))}
              {s.endsAt && ` · ${t('person.until', { date: when.format(new Date(s.endsAt)) })}`}
              {s.liftedAt && ` · ${t('person.lifted')}`} · {s.reason}
            </li>
          ))}
        </ul>
      )}
      <h3 className="font-semibold">{t('person.reportsAgainst')}</h3>
      {person.reportsAgainst.length === 0 ? (
        <p className="text-slate-500">{t('person.none')}</p>
      ) : (
        <ul className="list-disc pl-5">
          {person.reportsAgainst.map((r) => (
            <li key={r.id}>
              {t(`reasons.${r.reason}`)} · {when.format(new Date(r.createdAt))} · {t(`states.${r.state}`)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Action = 'dismiss' | 'warn' | 'suspend' | 'ban';

/** Dismiss, warn, suspend for some days or ban; a reason is always required. */
export function ActionForm({
  actions,
  onSubmit,
}: {
  actions: Action[];
  onSubmit: (action: Action, reason: string, days?: number) => Promise<void>;
}) {
  const { t } = useTranslation(ADMIN_NS);
  const [action, setAction] = useState<Action>(actions[0]!);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState(7);
  const [problem, setProblem] = useState<FieldProblem>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setDone(false);
    try {
      await onSubmit(action, reason.trim(), action === 'suspend' ? days : undefined);
      setDone(true);
    } catch (error) {
      setProblem(errorProblem(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="card space-y-3" onSubmit={(e) => void submit(e)} aria-label={t('action.title')}>
      <h2 className="text-base font-bold">{t('action.title')}</h2>
      <fieldset className="flex flex-wrap gap-3">
        {actions.map((a) => (
          <label key={a} className="flex min-h-11 items-center gap-2 text-sm">
            <input type="radio" name="action" value={a} checked={action === a} onChange={() => setAction(a)} />
            {t(`action.${a}`)}
          </label>
        ))}
      </fieldset>
      {action === 'suspend' && (
        <label className="block text-sm font-semibold">
          {t('action.days')}
          <input
            type="number"
            min={1}
            max={365}
            className="input mt-1 min-h-11"
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
          />
        </label>
      )}
      <label className="block text-sm font-semibold">
        {t('action.reason')}
        <textarea
          className="input mt-1 h-20"
          required
          minLength={3}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <FormProblem problem={problem} />
      <button type="submit" className="btn-primary min-h-11" disabled={busy || reason.trim().length < 3}>
        {t('action.submit')}
      </button>
      {done && (
        <p role="status" className="text-sm text-emerald-700">
          {t('action.done')}
        </p>
      )}
    </form>
  );
}
