import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Trans, useTranslation } from 'react-i18next';
import { REPORT_REASONS, type ReportReason } from '@studymate/contracts';
import { useModal } from '../../../components/ConfirmDialog';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { sendReport } from '../api';
import { SAFETY_NS } from '../i18n';

/** Reporting a person or one of their messages: a reason and an optional comment; the server keeps the conversation as evidence. */
export function ReportDialog({
  userId,
  name,
  messageId,
  onSent,
  onClose,
}: {
  userId: string;
  name: string;
  messageId?: string;
  /** The report was stored (the dialog stays open with its thank-you). */
  onSent?: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation(SAFETY_NS);
  const ref = useModal();
  const titleId = useId();
  const [reason, setReason] = useState<ReportReason>('harassment');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [problem, setProblem] = useState<FieldProblem>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await sendReport({ userId, reason, comment: comment.trim(), ...(messageId ? { messageId } : {}) });
      setSent(true);
      onSent?.();
    } catch (error) {
      setProblem(errorProblem(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto w-[min(28rem,calc(100%-2rem))] rounded-2xl p-0 backdrop:bg-slate-900/40"
    >
      <form className="space-y-4 p-5" onSubmit={(e) => void submit(e)}>
        <h2 id={titleId} className="text-lg font-bold">
          {t('report.title', { name })}
        </h2>
        {sent ? (
          <p role="status" className="text-sm text-slate-700">
            {/* Names the section as Settings shows it, and leads there (the dialog closes on the way). */}
            <Trans
              t={t}
              i18nKey="report.sent"
              values={{ section: t('mine.title') }}
              components={{ reports: <Link to="/settings#safety" className="font-semibold text-indigo-700 underline" onClick={onClose} /> }}
            />
          </p>
        ) : (
          <>
            <p className="text-sm text-slate-600">{t('report.intro', { name })}</p>
            <fieldset className="space-y-1">
              <legend className="mb-1 text-sm font-semibold">{t('report.reason')}</legend>
              {REPORT_REASONS.map((r) => (
                <label key={r} className="flex min-h-11 items-center gap-2 text-sm">
                  <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                  {t(`report.reasons.${r}`)}
                </label>
              ))}
            </fieldset>
            <label className="block text-sm font-semibold">
              {t('report.comment')}
              <textarea className="input mt-1 h-24" maxLength={1000} value={comment} onChange={(e) => setComment(e.target.value)} />
            </label>
            <FormProblem problem={problem} />
          </>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary min-h-11" onClick={onClose}>
            {sent ? t('report.done') : t('report.cancel')}
          </button>
          {!sent && (
            <button type="submit" className="btn-primary min-h-11" disabled={busy}>
              {t('report.send')}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
