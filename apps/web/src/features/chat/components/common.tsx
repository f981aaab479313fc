import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage, RoomSummary } from '@studymate/contracts';
import { attachmentUrl } from '../api';
import { CHAT_NS } from '../i18n';

type Member = RoomSummary['members'][number];

/** The people shown for a room: the partner of a direct room, everyone else in a group. */
export function others(room: RoomSummary, me: string): Member[] {
  return room.members.filter((m) => m.id !== me);
}

export function useRoomTitle(): (room: RoomSummary, me: string) => string {
  const { t } = useTranslation(CHAT_NS);
  return (room, me) => {
    if (room.kind === 'group')
      return (
        room.name ??
        others(room, me)
          .map((m) => m.displayName)
          .join(', ')
      );
    const partner = others(room, me)[0];
    if (!partner) return t('rooms.unnamed');
    return partner.deleted ? t('rooms.deletedUser') : partner.displayName;
  };
}

export function usePreview(): (message: ChatMessage) => string {
  const { t } = useTranslation(CHAT_NS);
  return (m) => {
    if (m.deletedAt) return t('preview.deleted');
    if (m.kind === 'image' || m.kind === 'file' || m.kind === 'voice') return t(`preview.${m.kind}`);
    if (m.kind === 'correction') return t('preview.correction', { text: m.body });
    return m.body;
  };
}

export function Avatar({ name, photoUrl, size = 'size-11' }: { name: string; photoUrl: string | null | undefined; size?: string }) {
  // Profile photos are public, unguessable URLs, so a plain <img> is fine here (unlike attachments).
  return photoUrl ? (
    <img src={photoUrl} alt="" className={`${size} shrink-0 rounded-full object-cover`} />
  ) : (
    <span
      aria-hidden="true"
      className={`${size} flex shrink-0 items-center justify-center rounded-full bg-indigo-100 text-base font-semibold text-indigo-700`}
    >
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}

export function formatTime(iso: string, language: string): string {
  const date = new Date(iso);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(language, sameDay ? { hour: 'numeric', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(
    date,
  );
}

/** An attachment's object URL, fetched with the access token (never a token in a URL). */
export function useAttachmentUrl(attachmentId: string | undefined): { url: string | null; failed: boolean } {
  const [state, setState] = useState<{ id?: string; url: string | null; failed: boolean }>({ url: null, failed: false });
  useEffect(() => {
    if (!attachmentId) return;
    let live = true;
    attachmentUrl(attachmentId).then(
      (url) => live && setState({ id: attachmentId, url, failed: false }),
      () => live && setState({ id: attachmentId, url: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [attachmentId]);
  return state.id === attachmentId ? { url: state.url, failed: state.failed } : { url: null, failed: false };
}

/** A 24 px line icon drawn from one SVG path, in the current text colour. */
export function LineIcon({ d }: { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      className="size-6"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      aria-hidden="true"
    >
      <path d={d} />
    </svg>
  );
}
