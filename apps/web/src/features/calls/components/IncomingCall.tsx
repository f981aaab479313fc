import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { CallInvite } from '@studymate/contracts';
import { subscribe } from '../../chat/realtime';
import { acceptCall, declineCall } from '../api';
import { CALLS_NS } from '../i18n';

type Ringing = Extract<CallInvite, { type: 'ringing' }>;

/** A call ringing for me, on whatever page I am: accept opens the call page, decline ends it for both. */
export function IncomingCall() {
  const { t } = useTranslation(CALLS_NS);
  const navigate = useNavigate();
  const [ringing, setRinging] = useState<Ringing | null>(null);
  const [gone, setGone] = useState(false);

  useEffect(
    () =>
      subscribe('/user/queue/calls', (body) => {
        const invite = body as CallInvite;
        if (invite.type === 'ringing') {
          setGone(false);
          setRinging(invite);
        } else setRinging((current) => (current?.callId === invite.callId ? null : current));
      }),
    [],
  );
  useEffect(() => {
    if (!ringing) return;
    const timer = setTimeout(() => setRinging(null), Math.max(0, new Date(ringing.expiresAt).getTime() - Date.now()) + 2000);
    return () => clearTimeout(timer);
  }, [ringing]);

  if (!ringing)
    return gone ? (
      <p role="status" className="fixed inset-x-3 top-3 z-50 rounded-xl bg-slate-800 p-3 text-white">
        {t('incoming.gone')}
      </p>
    ) : null;
  return (
    <div
      role="alertdialog"
      aria-live="assertive"
      data-testid="incoming-call"
      className="fixed inset-x-3 top-3 z-50 mx-auto max-w-md rounded-2xl bg-slate-900 p-4 text-white shadow-xl"
    >
      <p className="font-semibold">{t(`incoming.${ringing.kind}`, { name: ringing.from.name })}</p>
      <div className="mt-3 flex gap-3">
        <button
          type="button"
          data-testid="decline-call"
          className="min-h-11 flex-1 rounded-full bg-rose-600 font-medium"
          onClick={() => {
            setRinging(null);
            void declineCall(ringing.callId).catch(() => {});
          }}
        >
          {t('incoming.decline')}
        </button>
        <button
          type="button"
          data-testid="accept-call"
          className="min-h-11 flex-1 rounded-full bg-emerald-600 font-medium"
          onClick={() => {
            const callId = ringing.callId;
            setRinging(null);
            acceptCall(callId)
              .then(() => navigate(`/calls/${callId}`))
              .catch(() => setGone(true));
          }}
        >
          {t('incoming.accept')}
        </button>
      </div>
    </div>
  );
}
