import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BlockedPerson } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { Avatar } from '../../chat/components/common';
import { fetchBlocked, unblock } from '../api';
import { MATCHING_NS } from '../i18n';
import { ReportDialog } from '../../safety/components/ReportDialog';
import { SAFETY_NS } from '../../safety/i18n';
import { usePersonName } from '../../../lib/names';

/**
 * The settings section listing the people I blocked, each with unblock and report: their profile
 * is gone once blocked, so this is where a person reports someone they blocked first.
 */
export function BlockedList({ onReported }: { onReported?: () => void }) {
  const { t } = useTranslation(MATCHING_NS);
  const personName = usePersonName();
  const [items, setItems] = useState<BlockedPerson[] | null>(null);
  const [reporting, setReporting] = useState<BlockedPerson | null>(null);
  const { busy, problem, run } = useAction(errorProblem);
  useEffect(() => {
    void run(async () => setItems(await fetchBlocked()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <section className="card" aria-labelledby="blocked-people">
      <h2 id="blocked-people" className="mb-3 text-base font-bold">
        {t('blocked.title')}
      </h2>
      <FormProblem problem={problem} />
      {items?.length === 0 && <p className="text-sm text-slate-500">{t('blocked.empty')}</p>}
      <ul className="divide-y divide-slate-100">
        {items?.map((person) => (
          <li key={person.userId} className="flex items-center gap-3 py-2">
            <Avatar name={personName(person.name)} photoUrl={person.photoUrl} size="size-9" />
            <span className="min-w-0 flex-1 truncate text-sm font-medium">{personName(person.name)}</span>
            <button
              type="button"
              className="btn-secondary px-3 py-1.5"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await unblock(person.userId);
                  setItems(await fetchBlocked());
                })
              }
            >
              {t('blocked.unblock')}
            </button>
            <button type="button" className="btn-secondary px-3 py-1.5 text-red-700" onClick={() => setReporting(person)}>
              {t('report.person', { ns: SAFETY_NS })}
            </button>
          </li>
        ))}
      </ul>
      {reporting && (
        <ReportDialog userId={reporting.userId} name={personName(reporting.name)} onSent={onReported} onClose={() => setReporting(null)} />
      )}
    </section>
  );
}
