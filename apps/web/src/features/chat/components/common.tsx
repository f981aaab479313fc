import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { MAX_GROUP_MEMBERS, type ChatMessage, type RoomSummary } from '@studymate/contracts';
import { apiError, httpStatus } from '../../../lib/http';
import { attachmentUrl } from '../api';
import { presenceLabel } from '../format';
import { CHAT_NS } from '../i18n';
import { useChatStore } from '../store';
import { formatRecent } from '../../../lib/dates';
import { usePersonName } from '../../../lib/names';

type Member = RoomSummary['members'][number];

/** The people shown for a room: the partner of a direct room, everyone else in a group. */
export function others(room: RoomSummary, me: string): Member[] {
  return room.members.filter((m) => m.id !== me);
}

export function useRoomTitle(): (room: RoomSummary, me: string) => string {
  const { t } = useTranslation(CHAT_NS);
  const personName = usePersonName();
  return (room, me) => {
    if (room.kind === 'group')
      return (
        room.name ??
        others(room, me)
          .map((m) => personName(m.displayName))
          .join(', ')
      );
    const partner = others(room, me)[0];
    if (!partner) return t('rooms.unnamed');
    return personName(partner.displayName);
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

export function Avatar({
  name,
  photoUrl,
  size = 'size-11',
  presenceOf,
}: {
  name: string;
  photoUrl: string | null | undefined;
  size?: string;
  /** Shows this person's presence as a dot on the picture. */
  presenceOf?: string;
}) {
  if (presenceOf)
    return (
      <span className="relative shrink-0">
        <Avatar name={name} photoUrl={photoUrl} size={size} />
        <PresenceDot userId={presenceOf} className="absolute right-0 bottom-0 ring-2 ring-white" />
      </span>
    );
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

/** A message's moment: the time today, the day otherwise (the app's one date format per language). */
export const formatTime = (iso: string, language: string): string => formatRecent(iso, language);

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

export const FILE_ICON = 'M7 3h7l5 5v13H7zM14 3v5h5';
export const SEARCH_ICON = 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4';
export const MEMBERS_ICON = 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20c0-3.3 2.7-5 6-5s6 1.7 6 5M16 5.5a3 3 0 0 1 0 5.5M18 15c2 .6 3 2.2 3 5';
export const CALENDAR_ICON = 'M4 6h16v14H4zM4 10h16M9 3v4M15 3v4';

/** A 24 px line icon drawn from one SVG path, in the current text colour. */
export function LineIcon({ d, className = 'size-6' }: { d: string; className?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      className={className}
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

/** Re-renders every `ms` so relative times ("5 min ago") stay true. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** "Online", "Away", "Last seen 5 min ago" for one person, live from the presence topic. */
export function usePresenceText(userId: string | undefined): { status: 'online' | 'away' | 'offline'; text: string } | null {
  const { t } = useTranslation(CHAT_NS);
  const presence = useChatStore((s) => (userId ? s.presence[userId] : undefined));
  const now = useNow();
  if (!userId || !presence) return null;
  const label = presenceLabel(presence.status, presence.lastSeenAt, now);
  return { status: presence.status, text: t(`presence.${label.key}`, label.values ?? {}) };
}

const DOT: Record<'online' | 'away' | 'offline', string> = {
  online: 'bg-emerald-500',
  away: 'bg-amber-400',
  offline: 'bg-slate-300',
};

export function PresenceDot({ userId, className = '' }: { userId: string; className?: string }) {
  const presence = usePresenceText(userId);
  if (!presence) return null;
  return (
    <span
      role="img"
      aria-label={presence.text}
      title={presence.text}
      data-testid="presence-dot"
      data-presence={presence.status}
      className={`block size-3 rounded-full ${DOT[presence.status]} ${className}`}
    />
  );
}

/** A refusal from the group endpoints in words: full, not allowed, gone, or just "try again". */
export function useGroupError(): (error: unknown) => string {
  const { t } = useTranslation(CHAT_NS);
  return (error) => {
    const code = apiError(error)?.code;
    const status = httpStatus(error);
    if (code === 'CONFLICT' || status === 409) return t('group.full', { max: MAX_GROUP_MEMBERS });
    if (code === 'VALIDATION_FAILED' && /at most/.test(apiError(error)?.message ?? ''))
      return t('group.tooMany', { max: MAX_GROUP_MEMBERS });
    if (code === 'FORBIDDEN' || status === 403) return t('group.forbidden');
    if (code === 'NOT_FOUND' || status === 404) return t('group.notFound');
    return t('group.failed');
  };
}

/** A red box for a problem the person should read; announced to screen readers. */
/** The "back to my chats" link at the top of the chat pages. */
export function BackToRooms() {
  const { t } = useTranslation(CHAT_NS);
  return (
    <Link to="/chat" className="btn-link">
      ← {t('conversation.back')}
    </Link>
  );
}

export function ErrorNote({ children }: { children: string | null }) {
  if (!children) return null;
  return (
    <p role="alert" className="rounded-xl bg-red-50 p-3 text-sm text-red-700">
      {children}
    </p>
  );
}
