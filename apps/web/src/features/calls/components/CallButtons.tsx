import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { CallKind } from '@studymate/contracts';
import { startCall } from '../api';
import { CALLS_NS } from '../i18n';

/** Video and voice call buttons for a mate (by id) or the partner of a 1:1 room; they open the call page. */
export function CallButtons({ mateId, roomId, compact }: { mateId?: string; roomId?: string; compact?: boolean }) {
  const { t } = useTranslation(CALLS_NS);
  const navigate = useNavigate();
  const [failed, setFailed] = useState(false);
  const start = (kind: CallKind) => {
    setFailed(false);
    startCall(mateId ? { mateId, kind } : { roomId: roomId!, kind })
      .then((id) => navigate(`/calls/${id}`))
      .catch(() => setFailed(true));
  };
  const style = compact
    ? 'flex size-11 shrink-0 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100'
    : 'btn-secondary min-h-11';
  return (
    <>
      <button type="button" className={style} aria-label={t('start.video')} data-testid="call-video" onClick={() => start('video')}>
        {compact ? <CallIcon d="M3 7h12v10H3zM15 10l6-3v10l-6-3" /> : t('start.video')}
      </button>
      <button type="button" className={style} aria-label={t('start.voice')} data-testid="call-voice" onClick={() => start('voice')}>
        {compact ? <CallIcon d="M5 4h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" /> : t('start.voice')}
      </button>
      {failed && (
        <span role="alert" className="text-sm text-rose-700">
          {t('start.failed')}
        </span>
      )}
    </>
  );
}

function CallIcon({ d }: { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      className="size-6"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={d} />
    </svg>
  );
}
