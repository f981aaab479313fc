import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { REPORT_REASONS, type AdminReport, type ReportReason, type ReportState } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { formatDateTime } from '../../../lib/dates';
import { fetchQueue } from '../api';
import { subscribe } from '../../chat/realtime';
import { ADMIN_NS } from '../i18n';
import { usePersonName } from '../../../lib/names';

/** `/admin`: the reports queue, oldest first, filtered by state and reason. */
export function ReportsQueue() {
  const { t, i18n } = useTranslation(ADMIN_NS);
  const personName = usePersonName();
  const [state, setState] = useState<ReportState | ''>('open');
  const [reason, setReason] = useState<ReportReason | ''>('');
  const [items, setItems] = useState<AdminReport[] | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  useEffect(() => {
    setProblem(undefined);
    fetchQueue({ ...(state ? { state } : {}), ...(reason ? { reason } : {}) }).then(setItems, (error: unknown) =>
      setProblem(errorProblem(error)),
    );
  }, [state, reason]);
  // A new report joins the queue on the page at once (the topic is administrators' only).
  useEffect(
    () =>
      subscribe('/sub/admin/reports', (body) => {
        const report = body as AdminReport;
        if ((state && report.state !== state) || (reason && report.reason !== reason)) return;
        setItems((current) => (current && !current.some((r) => r.id === report.id) ? [...current, report] : current));
      }),
    [state, reason],
  );
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-3">
        <label className="text-sm font-semibold">
          {t('queue.state')}
          <select className="input mt-1 min-h-11" value={state} onChange={(e) => setState(e.target.value as ReportState | '')}>
            <option value="">{t('queue.any')}</option>
            {(['open', 'dismissed', 'actioned'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`states.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-semibold">
          {t('queue.reason')}
          <select className="input mt-1 min-h-11" value={reason} onChange={(e) => setReason(e.target.value as ReportReason | '')}>
            <option value="">{t('queue.any')}</option>
            {REPORT_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`reasons.${r}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <FormProblem problem={problem} />
      {items?.length === 0 && <p className="card text-sm text-slate-500">{t('queue.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="card divide-y divide-slate-100">
          {items.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="queue-item">
              <span>
                <span className="font-semibold">
                  {t('queue.by', { reporter: personName(r.reporterName), subject: personName(r.subjectName) })}
                </span>{' '}
                · {t(`reasons.${r.reason}`)} · {formatDateTime(r.createdAt, i18n.resolvedLanguage)} · {t(`states.${r.state}`)}
              </span>
              <Link to={`/admin/reports/${r.id}`} className="btn-secondary flex min-h-11 items-center">
                {t('queue.open')}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
