import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SAFETY_NS } from '../i18n';

/** A screened message (or self-introduction) as others first see it: hidden, with "show anyway". */
export function MaskedText({ children, kind = 'message' }: { children: ReactNode; kind?: 'message' | 'intro' }) {
  const { t } = useTranslation(SAFETY_NS);
  const [shown, setShown] = useState(false);
  if (shown) return <>{children}</>;
  return (
    <p className="text-sm italic text-slate-500" data-testid={`masked-${kind}`}>
      {t(kind === 'intro' ? 'masked.introHidden' : 'masked.hidden')}{' '}
      <button type="button" className="min-h-11 font-semibold text-indigo-700 not-italic underline" onClick={() => setShown(true)}>
        {t('masked.show')}
      </button>
    </p>
  );
}
