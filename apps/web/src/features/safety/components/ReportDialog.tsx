import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Trans, useTranslation } from 'react-i18next';
import { MAX_REPORT_COMMENT, REPORT_REASONS, type ReportReason } from '@studymate/contracts';
import { useModal } from '../../../components/ConfirmDialog';
import { errorProblem, FormProblem, ProblemText, type FieldProblem } from '../../../components/form';
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
  // No reason is chosen for the person: a hasty report would be filed under whatever came first.
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [reasonMissing, setReasonMissing] = useState(false);
  const reasons = useRef<HTMLFieldSetElement>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [problem, setProblem] = useState<FieldProblem>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason) {
      setReasonMissing(true);
      reasons.current?.querySelector('input')?.focus();
      return;
    }
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
            <fieldset
              ref={reasons}
              className="space-y-1"
              aria-invalid={reasonMissing || undefined}
              aria-describedby={reasonMissing ? `${titleId}-reason` : undefined}
            >
              <legend className="mb-1 text-sm font-semibold">{t('report.reason')}</legend>
              {REPORT_REASONS.map((r) => (
                <label key={r} className="flex min-h-11 items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name="reason"
                    value={r}
                    checked={reason === r}
                    onChange={() => {
                      setReason(r);
                      setReasonMissing(false);
                    }}
                  />
                  {t(`report.reasons.${r}`)}
                </label>
              ))}
              <ProblemText id={`${titleId}-reason`} problem={reasonMissing ? { text: t('report.reasonMissing') } : undefined} />
            </fieldset>
            <CommentField value={comment} onChange={setComment} />
            <FormProblem problem={problem} />
          </>
        )}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            className="btn-secondary min-h-11"
            // The thanks replace "Send report" under the pointer: the second click of a double
            // click on it (detail 2) must not dismiss them unread.
            onClick={(e) => e.detail < 2 && onClose()}
          >
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

/** What happened, in up to MAX_REPORT_COMMENT characters, with a counter that says so at the limit (a paste is cut there). */
function CommentField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t, i18n } = useTranslation(SAFETY_NS);
  const id = useId();
  const number = (n: number) => n.toLocaleString(i18n.resolvedLanguage);
  const full = value.length >= MAX_REPORT_COMMENT;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-semibold">
        {t('report.comment')}
      </label>
      <textarea
        id={id}
        className="input mt-1 h-24"
        maxLength={MAX_REPORT_COMMENT}
        aria-describedby={`${id}-count`}
        value={value}
        onChange={(e) => onChange(e.target.value.slice(0, MAX_REPORT_COMMENT))}
      />
      <p
        id={`${id}-count`}
        data-testid="comment-count"
        className={`mt-1 text-right text-xs ${full ? 'font-semibold text-red-700' : 'text-slate-500'}`}
      >
        {full
          ? t('report.commentLimit', { max: number(MAX_REPORT_COMMENT) })
          : t('report.commentCount', { count: number(value.length), max: number(MAX_REPORT_COMMENT) })}
      </p>
    </div>
  );
}
