import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminPerson } from '@studymate/contracts';
import { useConfirm, type ConfirmRequest } from '../../../components/ConfirmDialog';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { formatDateTime } from '../../../lib/dates';
import { otherName } from '../../../lib/names';
import { ADMIN_NS } from '../i18n';

/** A person's history as an administrator reads it: account age, flags, earlier reports and sanctions. */
export function PersonHistory({ person }: { person: AdminPerson }) {
  const { t, i18n } = useTranslation(ADMIN_NS);
  const when = (at: string) => formatDateTime(at, i18n.resolvedLanguage);
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
              {t(`action.${s.kind}`)} · {when(s.startsAt)}
              {s.endsAt && ` · ${t('person.until', { date: when(s.endsAt) })}`}
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
              {t(`reasons.${r.reason}`)} · {when(r.createdAt)} · {t(`states.${r.state}`)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Action = 'dismiss' | 'warn' | 'suspend' | 'ban';

/**
 * A form for an administrator's action: its own controls, then the reason every action needs
 * (written to the audit log); `confirm` is asked first when it gives a question.
 */
function ReasonForm({
  title,
  submitLabel,
  confirm,
  onSubmit,
  done,
  children,
}: {
  title: string;
  submitLabel: string;
  confirm: () => ConfirmRequest | null;
  onSubmit: (reason: string) => Promise<void>;
  /** Said once the action is done, while the form is still shown. */
  done?: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation(ADMIN_NS);
  const { dialog, ask } = useConfirm();
  const [reason, setReason] = useState('');
  const [finished, setFinished] = useState(false);
  const { busy, problem, run } = useAction(errorProblem);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setFinished(false);
    const question = confirm();
    if (question && !(await ask(question))) return;
    await run(async () => {
      await onSubmit(reason.trim());
      setReason('');
      setFinished(true);
    });
  }
  return (
    <form className="card space-y-3" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h2 className="text-base font-bold">{title}</h2>
      {children}
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
        {submitLabel}
      </button>
      {finished && done && (
        <p role="status" className="text-sm text-emerald-700">
          {done}
        </p>
      )}
      {dialog}
    </form>
  );
}

/** Dismiss, warn, suspend for some days or ban; a ban (the one action without an end) is confirmed first. */
export function ActionForm({
  actions,
  personName,
  onSubmit,
}: {
  actions: Action[];
  personName: string;
  onSubmit: (action: Action, reason: string, days?: number) => Promise<void>;
}) {
  const { t } = useTranslation(ADMIN_NS);
  const [action, setAction] = useState<Action>(actions[0]!);
  const [days, setDays] = useState(7);
  return (
    <ReasonForm
      title={t('action.title')}
      submitLabel={t('action.submit')}
      confirm={() =>
        action === 'ban'
          ? { title: t('action.banTitle', { name: personName }), body: t('action.banBody'), confirmLabel: t('action.ban'), danger: true }
          : null
      }
      onSubmit={(reason) => onSubmit(action, reason, action === 'suspend' ? days : undefined)}
      done={t('action.done')}
    >
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
    </ReasonForm>
  );
}

/** Ends a suspension or ban early, with a reason like every other action, after a confirmation. */
export function LiftForm({ personName, onSubmit }: { personName: string; onSubmit: (reason: string) => Promise<void> }) {
  const { t } = useTranslation(ADMIN_NS);
  return (
    <ReasonForm
      title={t('lift.title')}
      submitLabel={t('lift.submit')}
      confirm={() => ({
        title: t('lift.confirmTitle', { name: personName }),
        body: t('lift.confirmBody'),
        confirmLabel: t('lift.confirm'),
      })}
      onSubmit={onSubmit}
    />
  );
}
