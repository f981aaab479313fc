import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { VOICE_WAVEFORM_BARS, type ChatMessage } from '@studymate/contracts';
import { moveInMenu, usePopover } from '../../../components/popover';
import { apiError, httpStatus } from '../../../lib/http';
import { currentUiLanguage } from '../../../i18n';
import { translateMessage } from '../api';
import { MaskedText } from '../../safety/components/MaskedText';
import { SAFETY_NS } from '../../safety/i18n';
import { usePublicConfig } from '../../auth/api';
import { CHAT_NS } from '../i18n';
import { clock } from '../voice';
import type { OutgoingMessage } from '../store';
import { formatTime, useAttachmentUrl } from './common';
import { ListenButton, Romanization, useRomanized } from './LearnerTools';

export type MessageAction = 'reply' | 'correct' | 'edit' | 'delete' | 'report';

function AttachmentBody({
  attachment,
  senderName,
  onMediaLoad,
}: {
  attachment: NonNullable<ChatMessage['attachment']>;
  senderName: string;
  onMediaLoad: () => void;
}) {
  const { t } = useTranslation(CHAT_NS);
  const { url, failed } = useAttachmentUrl(attachment.id);
  if (failed) return <p className="text-sm opacity-80">{t('message.fileFailed')}</p>;
  if (!url) return <p className="text-sm opacity-80">{t('message.loadingFile')}</p>;
  if (attachment.kind === 'image')
    return (
      <img
        src={url}
        alt={t('message.image', { name: senderName })}
        onLoad={onMediaLoad}
        className="max-h-72 max-w-full rounded-xl object-contain"
      />
    );
  if (attachment.kind === 'voice' && attachment.durationMs !== null)
    return <VoiceNote url={url} durationMs={attachment.durationMs} waveform={attachment.waveform} onLoad={onMediaLoad} />;
  if (attachment.kind === 'voice')
    return <audio controls src={url} aria-label={t('message.voice')} className="h-10 w-60 max-w-full" onLoadedMetadata={onMediaLoad} />;
  return (
    <a href={url} download={attachment.fileName} className="flex items-center gap-2 text-sm font-semibold underline">
      <span aria-hidden="true">📎</span>
      <span className="truncate">{attachment.fileName}</span>
      <span className="shrink-0 font-normal opacity-70">({Math.max(1, Math.round(attachment.size / 1024))} KB)</span>
    </a>
  );
}

/**
 * A voice note with its stored length: play/pause, the loudness outline as bars that fill as it
 * plays, and a tap on the bars seeks. The length comes from the server because a recorded WebM
 * has none (the browser's own player said 0:00 and could not seek).
 */
function VoiceNote({
  url,
  durationMs,
  waveform,
  onLoad,
}: {
  url: string;
  durationMs: number;
  waveform: string | null;
  onLoad: () => void;
}) {
  const { t } = useTranslation(CHAT_NS);
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const levels = (waveform ?? '4'.repeat(VOICE_WAVEFORM_BARS)).split('').map(Number);
  const played = durationMs > 0 ? position / durationMs : 0;
  const name = t('message.voiceName', { length: clock(durationMs) });
  const seek = (fraction: number) => {
    const el = audio.current;
    if (!el) return;
    el.currentTime = (Math.min(1, Math.max(0, fraction)) * durationMs) / 1000;
    setPosition(el.currentTime * 1000);
  };
  return (
    <div className="flex w-64 max-w-full items-center gap-2" data-testid="voice-note">
      <audio
        ref={audio}
        src={url}
        preload="metadata"
        onLoadedMetadata={onLoad}
        onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime * 1000)}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => {
          setPlaying(false);
          setPosition(0);
        }}
      />
      <button
        type="button"
        aria-label={`${playing ? t('message.pause') : t('message.play')}: ${name}`}
        onClick={() => (playing ? audio.current?.pause() : void audio.current?.play())}
        className="flex size-11 shrink-0 items-center justify-center rounded-full bg-white/90 text-indigo-700 shadow-sm"
      >
        <svg viewBox="0 0 24 24" className="size-5" fill="currentColor" aria-hidden="true">
          <path d={playing ? 'M7 5h4v14H7zM13 5h4v14h-4z' : 'M8 5v14l11-7z'} />
        </svg>
      </button>
      <div
        role="slider"
        tabIndex={0}
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={Math.round(durationMs / 1000)}
        aria-valuenow={Math.round(position / 1000)}
        aria-valuetext={`${clock(position)} / ${clock(durationMs)}`}
        className="flex h-11 min-w-0 flex-1 cursor-pointer items-center gap-px"
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          seek((e.clientX - box.left) / box.width);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowRight') seek((position + 5000) / durationMs);
          if (e.key === 'ArrowLeft') seek((position - 5000) / durationMs);
        }}
      >
        {levels.map((level, i) => (
          <span
            key={i}
            className={`flex-1 rounded-full ${i / levels.length < played ? 'bg-current' : 'bg-current opacity-35'}`}
            style={{ height: `${20 + level * 8}%` }}
          />
        ))}
      </div>
      <span className="shrink-0 text-xs tabular-nums opacity-80" data-testid="voice-length">
        {playing || position > 0 ? clock(position) : clock(durationMs)}
      </span>
    </div>
  );
}

/** Original struck through and the correction beside it, each labelled for screen readers. */
function Correction({ original, corrected }: { original: string; corrected: string }) {
  const { t } = useTranslation(CHAT_NS);
  return (
    <div className="grid grid-cols-2 gap-2" data-testid="correction">
      <div className="min-w-0 rounded-lg bg-red-50 px-2 py-1 text-red-800">
        <p className="text-[11px] font-semibold opacity-70">{t('message.original')}</p>
        <del className="break-words">{original}</del>
      </div>
      <div className="min-w-0 rounded-lg bg-emerald-50 px-2 py-1 text-emerald-900">
        <p className="text-[11px] font-semibold opacity-70">{t('message.corrected')}</p>
        <ins className="break-words font-semibold no-underline">{corrected}</ins>
      </div>
    </div>
  );
}

function Translation({ messageId }: { messageId: string }) {
  const { t } = useTranslation(CHAT_NS);
  const [state, setState] = useState<{ text?: string; problem?: string; busy: boolean }>({ busy: false });
  const run = () => {
    setState({ busy: true });
    translateMessage(messageId, currentUiLanguage()).then(
      (text) => setState({ text, busy: false }),
      (error: unknown) =>
        setState({
          busy: false,
          problem:
            httpStatus(error) === 503 || apiError(error)?.code === 'UNAVAILABLE'
              ? t('message.translationUnavailable')
              : t('message.translationFailed'),
        }),
    );
  };
  if (state.text) return <p className="mt-1 border-t border-slate-200 pt-1 text-sm text-slate-600">{state.text}</p>;
  return (
    <span className="text-xs text-slate-500">
      {state.problem ? (
        <span role="status">{state.problem}</span>
      ) : (
        <button type="button" className="font-semibold hover:text-indigo-700" onClick={run} disabled={state.busy}>
          {state.busy ? t('message.translating') : t('message.translate')}
        </button>
      )}
    </span>
  );
}

interface Props {
  message: ChatMessage;
  mine: boolean;
  senderName: string;
  /** Names the sender above the bubble (someone else's, in a group). */
  showSender?: boolean;
  replyName: string | null;
  read: boolean;
  /** A search hit being shown in context. */
  highlighted?: boolean;
  onAction: (action: MessageAction, message: ChatMessage) => void;
  onMediaLoad: () => void;
}

export function MessageBubble({
  message,
  mine,
  senderName,
  showSender = false,
  replyName,
  read,
  highlighted = false,
  onAction,
  onMediaLoad,
}: Props) {
  const { t, i18n } = useTranslation(CHAT_NS);
  const { open: menuOpen, setOpen: setMenuOpen, root: menuRoot, trigger: menuButton } = usePopover<HTMLLIElement>();
  const menu = useRef<HTMLDivElement>(null);
  // Opening the menu puts focus on its first item; the arrow keys move on from there.
  useEffect(() => {
    if (menuOpen) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [menuOpen]);
  const deleted = Boolean(message.deletedAt);
  const textual = message.kind === 'text' || message.kind === 'correction';
  // Offered only where the server has a translator; elsewhere it could only fail.
  const canTranslate = usePublicConfig()?.features.translation ?? false;
  const actions: MessageAction[] = deleted
    ? []
    : mine
      ? textual
        ? ['reply', 'edit', 'delete']
        : ['reply', 'delete']
      : textual
        ? ['reply', 'correct', 'report']
        : ['reply', 'report'];

  let content: ReactNode;
  if (deleted) content = <p className="italic opacity-70">{t('message.deleted')}</p>;
  else if (message.kind === 'correction' && message.originalText)
    content = <Correction original={message.originalText} corrected={message.body} />;
  else if (message.attachment)
    content = <AttachmentBody attachment={message.attachment} senderName={senderName} onMediaLoad={onMediaLoad} />;
  else content = <p className="whitespace-pre-wrap break-words">{message.body}</p>;
  const romanized = useRomanized(message.roomId);
  // Screening found abusive words: hidden from the recipient until they choose to see it.
  if (message.screened && !mine && !deleted) content = <MaskedText>{content}</MaskedText>;

  return (
    <li
      ref={menuRoot}
      className={`flex flex-col rounded-2xl transition-colors ${mine ? 'items-end' : 'items-start'} ${highlighted ? 'bg-amber-100 p-1' : ''}`}
      data-testid="message"
      data-seq={message.seq}
      data-mine={mine}
      data-highlighted={highlighted || undefined}
    >
      {showSender && (
        <p
          className="max-w-[85%] truncate px-3 pb-0.5 text-xs font-semibold text-slate-600"
          data-testid="message-sender"
          title={senderName}
        >
          {senderName}
        </p>
      )}
      <div className={`flex max-w-[85%] items-end gap-1 ${mine ? 'flex-row-reverse' : ''}`}>
        <div
          className={`min-w-0 rounded-2xl px-3 py-2 text-[15px] leading-snug ${
            mine ? 'rounded-br-md bg-indigo-600 text-white' : 'rounded-bl-md border border-slate-200 bg-white text-slate-900'
          } ${message.kind === 'correction' && !deleted ? '!bg-white !text-slate-900 border border-slate-200' : ''}`}
        >
          {message.replyTo && !deleted && message.kind !== 'correction' && (
            <blockquote
              className={`mb-1 border-l-2 pl-2 text-xs ${mine ? 'border-indigo-200 text-indigo-100' : 'border-slate-300 text-slate-500'}`}
            >
              {replyName && <span className="block font-semibold">{replyName}</span>}
              <span className="line-clamp-2">{message.replyTo.excerpt}</span>
            </blockquote>
          )}
          {content}
          {romanized && textual && !deleted && <Romanization text={message.body} mine={mine && message.kind !== 'correction'} />}
        </div>
        {actions.length > 0 && (
          <button
            ref={menuButton}
            type="button"
            aria-label={t('message.actions')}
            aria-haspopup="menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen((o) => !o)}
            className="-my-2 flex size-11 shrink-0 items-center justify-center rounded-full text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
          >
            ⋯
          </button>
        )}
      </div>
      {menuOpen && (
        <div ref={menu} role="menu" aria-label={t('message.actions')} className="mt-1 flex flex-wrap gap-1" onKeyDown={moveInMenu}>
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={`min-h-11 rounded-full border px-4 py-1 text-sm font-semibold ${
                action === 'delete' || action === 'report' ? 'border-red-200 text-red-700' : 'border-slate-200 text-slate-700'
              } bg-white hover:bg-slate-50`}
              onClick={() => {
                setMenuOpen(false);
                onAction(action, message);
              }}
            >
              {action === 'report' ? t('report.message', { ns: SAFETY_NS }) : t(`message.${action}`)}
            </button>
          ))}
        </div>
      )}
      <p className="mt-0.5 flex items-center gap-2 px-1 text-[11px] text-slate-400">
        {canTranslate && !mine && textual && !deleted && <Translation messageId={message.id} />}
        {textual && !deleted && <ListenButton text={message.body} />}
        {message.editedAt && !deleted && <span>{t('message.edited')}</span>}
        <time dateTime={message.createdAt}>{formatTime(message.createdAt, i18n.language)}</time>
        {read && <span className="font-semibold text-indigo-600">{t('message.read')}</span>}
      </p>
    </li>
  );
}

/** A message of mine the server has not confirmed yet. */
export function PendingBubble({ entry, onRetry, onDiscard }: { entry: OutgoingMessage; onRetry: () => void; onDiscard: () => void }) {
  const { t } = useTranslation(CHAT_NS);
  const failed = entry.status === 'failed';
  let content: ReactNode;
  if (entry.preview?.kind === 'image' && entry.preview.localUrl)
    content = <img src={entry.preview.localUrl} alt="" className="max-h-72 max-w-full rounded-xl object-contain" />;
  else if (entry.preview) content = <p className="text-sm">📎 {entry.preview.fileName}</p>;
  else if (entry.body.kind === 'correction' && entry.body.originalText)
    content = <Correction original={entry.body.originalText} corrected={entry.body.body} />;
  else content = <p className="whitespace-pre-wrap break-words">{entry.body.body}</p>;
  return (
    <li className="flex flex-col items-end" data-testid="pending-message" data-status={entry.status}>
      <div
        className={`max-w-[85%] min-w-0 rounded-2xl rounded-br-md px-3 py-2 text-[15px] leading-snug ${
          failed ? 'border border-red-300 bg-red-50 text-red-900' : 'bg-indigo-400 text-white'
        }`}
      >
        {entry.replyExcerpt && (
          <blockquote className="mb-1 border-l-2 border-indigo-200 pl-2 text-xs line-clamp-2">{entry.replyExcerpt}</blockquote>
        )}
        {content}
      </div>
      <p className="mt-0.5 flex gap-2 px-1 text-[11px]">
        {failed ? (
          <>
            <span className="text-red-700" title={entry.error}>
              {t('message.failed')}
            </span>
            <button type="button" className="font-semibold text-indigo-700" onClick={onRetry}>
              {t('message.retry')}
            </button>
            <button type="button" className="font-semibold text-slate-500" onClick={onDiscard}>
              {t('message.discard')}
            </button>
          </>
        ) : (
          <span className="text-slate-400">{t('message.sending')}</span>
        )}
      </p>
    </li>
  );
}
