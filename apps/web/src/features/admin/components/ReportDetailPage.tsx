import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { EVIDENCE_REQUEST_KIND, type AdminReportDetail } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { formatDateTime } from '../../../lib/dates';
import { actOnReport, fetchReport } from '../api';
import { ADMIN_NS } from '../i18n';
import { ActionForm, PersonHistory } from './PersonHistory';
import { usePersonName } from '../../../lib/names';

/** `/admin/reports/:id`: the report, the conversation copied as evidence, the person's history, and the actions. */
export function ReportDetailPage() {
  const { t, i18n } = useTranslation(ADMIN_NS);
  const personName = usePersonName();
  const { reportId = '' } = useParams();
  const [detail, setDetail] = useState<AdminReportDetail | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  const load = useCallback(() => fetchReport(reportId).then(setDetail, (error: unknown) => setProblem(errorProblem(error))), [reportId]);
  useEffect(() => void load(), [load]);
  const when = (at: string) => formatDateTime(at, i18n.resolvedLanguage);
  if (!detail) return <FormProblem problem={problem} />;
  const { report, evidence, subject } = detail;
  return (
    <div className="space-y-4">
      <Link to="/admin" className="btn-link">
        ← {t('report.back')}
      </Link>
      <section className="card space-y-1 text-sm">
        <h2 className="text-base font-bold">
          {t('queue.by', { reporter: personName(report.reporterName), subject: personName(report.subjectName) })}
        </h2>
        <p>
          {t(`reasons.${report.reason}`)} · {when(report.createdAt)} · <span data-testid="report-state">{t(`states.${report.state}`)}</span>
        </p>
        <p className="text-slate-600">
          {t('report.comment')}: {report.comment || t('report.noComment')}
        </p>
      </section>
      <section className="card space-y-2" aria-label={t('report.evidence')}>
        <h2 className="text-base font-bold">{t('report.evidence')}</h2>
        {evidence.length === 0 && <p className="text-sm text-slate-500">{t('report.noEvidence')}</p>}
        <ol className="space-y-1 text-sm">
          {evidence.map((m) => (
            <li
              key={m.messageId}
              data-testid="evidence-message"
              data-reported={m.reported || undefined}
              className={`rounded-lg px-2 py-1 ${m.reported ? 'bg-red-50 ring-2 ring-red-300' : ''}`}
            >
              <span className="font-semibold">{personName(m.senderName)}</span>{' '}
              <span className="text-xs text-slate-400">{when(m.createdAt)}</span>
              {m.kind === EVIDENCE_REQUEST_KIND && (
                <span className="ml-1 rounded-full bg-amber-100 px-2 text-xs font-semibold text-amber-800">
                  {t('report.requestMessage')}
                </span>
              )}
              {m.reported && <span className="ml-1 text-xs font-semibold text-red-700">{t('report.reported')}</span>}
              {m.editedAt && <span className="ml-1 text-xs text-slate-400">({t('report.edited')})</span>}
              {m.deletedAt && <span className="ml-1 text-xs text-slate-400">({t('report.deleted')})</span>}
              <p className="whitespace-pre-wrap break-words">{m.body}</p>
            </li>
          ))}
        </ol>
      </section>
      <PersonHistory person={subject} />
      {report.state === 'open' && (
        <ActionForm
          actions={['dismiss', 'warn', 'suspend', 'ban']}
          personName={subject.displayName}
          onSubmit={async (action, reason, days) => {
            await actOnReport(report.id, { action, reason, ...(days ? { days } : {}) });
            await load();
          }}
        />
      )}
    </div>
  );
}
