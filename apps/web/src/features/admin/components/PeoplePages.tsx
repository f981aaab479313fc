import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { AdminPerson } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { fetchPerson, liftSanctions, lookupPeople, sanctionPerson } from '../api';
import { otherName } from '../../../lib/names';
import { ADMIN_NS } from '../i18n';
import { ActionForm, LiftForm, PersonHistory } from './PersonHistory';

/** `/admin/people`: look people up by name, e-mail or id. */
export function PeopleLookup() {
  const { t } = useTranslation(ADMIN_NS);
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Awaited<ReturnType<typeof lookupPeople>> | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!q.trim()) return;
    setProblem(undefined);
    try {
      setItems(await lookupPeople(q.trim()));
    } catch (error) {
      setProblem(errorProblem(error));
    }
  }
  return (
    <div className="space-y-3">
      <form className="flex gap-2" onSubmit={(e) => void submit(e)}>
        <input
          className="input min-h-11 flex-1"
          aria-label={t('people.search')}
          placeholder={t('people.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" className="btn-primary min-h-11">
          {t('people.find')}
        </button>
      </form>
      <FormProblem problem={problem} />
      {items?.length === 0 && <p className="card text-sm text-slate-500">{t('people.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="card divide-y divide-slate-100">
          {items.map((p) => (
            <li key={p.id} className="py-2 text-sm">
              <Link to={`/admin/people/${p.id}`} className="flex min-h-11 flex-wrap items-center gap-2 font-semibold text-indigo-700">
                {p.displayName}
                {otherName(p.displayName, p.publicName) && <span className="font-normal"> ({p.publicName})</span>}{' '}
                <span className="font-normal text-slate-500">
                  {p.email ?? '—'} · {t(`accountStatus.${p.status}`)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** `/admin/people/:userId`: one person's history, a sanction without a report, and lifting one. */
export function PersonAdminPage() {
  const { t } = useTranslation(ADMIN_NS);
  const { userId = '' } = useParams();
  const [person, setPerson] = useState<AdminPerson | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  // Said after a lift, which takes the lift form away with the sanction.
  const [lifted, setLifted] = useState(false);
  const load = useCallback(() => fetchPerson(userId).then(setPerson, (error: unknown) => setProblem(errorProblem(error))), [userId]);
  useEffect(() => void load(), [load]);
  if (!person) return <FormProblem problem={problem} />;
  return (
    <div className="space-y-4">
      {lifted && (
        <p role="status" className="rounded-xl bg-emerald-50 px-4 py-3 text-sm text-emerald-800" data-testid="lift-done">
          {t('lift.done', { name: person.displayName })}
        </p>
      )}
      <PersonHistory person={person} />
      {(person.status === 'suspended' || person.status === 'banned') && (
        <LiftForm
          personName={person.displayName}
          onSubmit={async (reason) => {
            await liftSanctions(person.id, reason);
            setLifted(true);
            await load();
          }}
        />
      )}
      <ActionForm
        actions={['warn', 'suspend', 'ban']}
        personName={person.displayName}
        onSubmit={async (action, reason, days) => {
          setLifted(false);
          await sanctionPerson(person.id, { kind: action as 'warn' | 'suspend' | 'ban', reason, ...(days ? { days } : {}) });
          await load();
        }}
      />
    </div>
  );
}
