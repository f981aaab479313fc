import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DataExport } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { formatDateTime } from '../../../lib/dates';
import { downloadExport, fetchLatestExport, requestExport } from '../api';

/** How often the page asks how far the export is while it is built. */
const POLL_MS = 1000;

/** "My data": asks for an export (built as a job on the server), shows its progress, then offers it for a day. */
export function DataExportPanel() {
  const { t, i18n } = useTranslation();
  const [current, setCurrent] = useState<DataExport | null>(null);
  const action = useAction(errorProblem);

  useEffect(() => {
    fetchLatestExport().then(setCurrent, () => undefined);
  }, []);

  const building = current?.status === 'building';
  const id = current?.id;
  useEffect(() => {
    if (!building) return;
    const timer = setInterval(() => {
      fetchLatestExport().then(
        (latest) => latest?.id === id && setCurrent(latest),
        () => undefined,
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [building, id]);

  const percent = Math.round((current?.progress ?? 0) * 100);
  return (
    <div className="space-y-3" data-testid="data-export">
      <p className="text-sm text-slate-500">{t('settings.exportHint')}</p>
      {building && (
        <div className="space-y-1">
          <p className="text-sm text-slate-700" role="status">
            {t('settings.exportBuilding', { percent })}
          </p>
          <div
            role="progressbar"
            aria-label={t('settings.exportProgress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-2 overflow-hidden rounded-full bg-slate-100"
          >
            <div className="h-full bg-indigo-500 transition-[width]" style={{ width: `${percent}%` }} />
          </div>
        </div>
      )}
      {current?.status === 'ready' && (
        <p className="text-sm text-slate-700" role="status">
          {t('settings.exportReady', { until: formatDateTime(current.expiresAt!, i18n.resolvedLanguage) })}
        </p>
      )}
      {current?.status === 'failed' && <p className="text-sm text-red-700">{t('settings.exportFailed')}</p>}
      <div className="flex flex-wrap gap-2">
        {current?.status === 'ready' && (
          <button
            type="button"
            className="btn-primary"
            disabled={action.busy}
            onClick={() => void action.run(() => downloadExport(current.id))}
          >
            {t('settings.exportDownload')}
          </button>
        )}
        {!building && (
          <button
            type="button"
            className="btn-secondary"
            disabled={action.busy}
            onClick={() => void action.run(async () => setCurrent(await requestExport()))}
          >
            {current?.status === 'ready' ? t('settings.exportAgain') : t('settings.exportPrepare')}
          </button>
        )}
      </div>
      <FormProblem problem={action.problem} />
    </div>
  );
}
