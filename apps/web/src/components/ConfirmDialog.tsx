import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ConfirmRequest {
  title: string;
  body?: string;
  confirmLabel: string;
  /** A destructive choice gets the red button. */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  answer: (yes: boolean) => void;
}

/**
 * A `<dialog>` shown as a modal while it is on the page. It leaves the page when answered, and
 * focus would fall to <body>: it goes back to what opened it (a Block button), where a keyboard
 * user left off.
 */
export function useModal() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (el && !el.open) el.showModal();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return ref;
}

/**
 * The app's one confirmation: a modal `<dialog>` in the app's style instead of the browser's
 * `confirm()`, which cannot be styled or translated and blocks the page. Render `dialog` once;
 * `ask()` resolves true when the person confirms, false on cancel or Escape.
 */
export function useConfirm(): { dialog: ReactNode; ask: (request: ConfirmRequest) => Promise<boolean> } {
  const [pending, setPending] = useState<Pending | null>(null);
  const ask = useCallback(
    (request: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        setPending({
          ...request,
          answer: (yes) => {
            setPending(null);
            resolve(yes);
          },
        });
      }),
    [],
  );
  return { dialog: pending ? <ConfirmDialog {...pending} /> : null, ask };
}

function ConfirmDialog({ title, body, confirmLabel, danger, answer }: Pending) {
  const { t } = useTranslation();
  const ref = useModal();
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        answer(false);
      }}
      className="m-auto w-[min(26rem,calc(100%-2rem))] rounded-2xl p-0 backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-5">
        <h2 id={titleId} className="text-lg font-bold">
          {title}
        </h2>
        {body && <p className="text-sm text-slate-600">{body}</p>}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary min-h-11" onClick={() => answer(false)}>
            {t('common.cancel')}
          </button>
          <button type="button" className={`${danger ? 'btn-danger' : 'btn-primary'} min-h-11`} onClick={() => answer(true)} autoFocus>
            {confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
