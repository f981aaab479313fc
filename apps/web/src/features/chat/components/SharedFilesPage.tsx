import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuthStore } from '../../auth/store';
import { attachmentUrl, fetchSharedFiles, type SharedFile } from '../api';
import { ensureChat, loadRooms } from '../actions';
import { fileKind, formatSize, type FileKind } from '../format';
import { CHAT_NS } from '../i18n';
import { useChatStore } from '../store';
import { BackToRooms, ErrorNote, FILE_ICON, LineIcon, formatTime, useAttachmentUrl, useRoomTitle } from './common';

const KIND_ICON: Record<FileKind, string> = {
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9h.01',
  voice: 'M12 4a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V7a3 3 0 0 0-3-3zM6 12a6 6 0 0 0 12 0M12 18v3',
  pdf: FILE_ICON,
  archive: 'M7 3h10v18H7zM12 3v2M12 7v2M12 11v2M11 15h2v3h-2z',
  file: FILE_ICON,
};
const KIND_COLOUR: Record<FileKind, string> = {
  image: 'bg-sky-50 text-sky-700',
  voice: 'bg-violet-50 text-violet-700',
  pdf: 'bg-red-50 text-red-700',
  archive: 'bg-amber-50 text-amber-700',
  file: 'bg-slate-100 text-slate-600',
};

/** An image's own small picture; other kinds get their icon. */
function Thumbnail({ file }: { file: SharedFile }) {
  const kind = fileKind(file);
  const { url } = useAttachmentUrl(kind === 'image' ? file.id : undefined);
  if (kind === 'image' && url) return <img src={url} alt="" className="size-12 shrink-0 rounded-xl object-cover" />;
  return (
    <span aria-hidden="true" className={`flex size-12 shrink-0 items-center justify-center rounded-xl ${KIND_COLOUR[kind]}`}>
      <LineIcon d={KIND_ICON[kind]} />
    </span>
  );
}

/**
 * Downloads with the access token (attachments are never public): fetched on the first tap only,
 * so a long list does not download every file, then saved under the file's name.
 */
function DownloadLink({ file }: { file: SharedFile }) {
  const { t } = useTranslation(CHAT_NS);
  const [url, setUrl] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'busy' | 'failed'>('idle');
  const anchor = useRef<HTMLAnchorElement>(null);
  return (
    <span className="flex shrink-0 flex-col items-end gap-1">
      <a
        ref={anchor}
        href={url ?? `#download-${file.id}`}
        download={file.fileName}
        aria-label={t('files.download', { name: file.fileName })}
        aria-busy={state === 'busy'}
        className="btn-secondary px-3 py-1.5 text-xs"
        onClick={(e) => {
          if (url) return;
          e.preventDefault();
          if (state === 'busy') return;
          setState('busy');
          attachmentUrl(file.id).then(
            (blobUrl) => {
              setUrl(blobUrl);
              setState('idle');
              // Once the link points at the file, the same tap's intent is carried out.
              requestAnimationFrame(() => anchor.current?.click());
            },
            () => setState('failed'),
          );
        }}
      >
        {state === 'busy' ? t('message.loadingFile') : t('message.download')}
      </a>
      {state === 'failed' && <span className="text-xs text-red-700">{t('message.fileFailed')}</span>}
    </span>
  );
}

/** `/chat/files`: every file shared in my rooms, newest first, with its room, size and date. */
export function SharedFilesPage() {
  const { t, i18n } = useTranslation(CHAT_NS);
  const me = useAuthStore((s) => s.user?.id ?? '');
  const rooms = useChatStore((s) => s.rooms);
  const title = useRoomTitle();
  const [files, setFiles] = useState<SharedFile[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    ensureChat();
    loadRooms().catch(() => {});
    fetchSharedFiles().then(setFiles, () => setFailed(true));
  }, []);

  const roomName = (roomId: string) => {
    const room = rooms?.find((r) => r.id === roomId);
    return room ? title(room, me) : '';
  };

  return (
    <section className="space-y-4">
      <BackToRooms />
      <h1 className="text-2xl font-bold">{t('files.title')}</h1>
      <ErrorNote>{failed ? t('files.loadFailed') : null}</ErrorNote>
      {files && files.length === 0 && <p className="card text-center text-slate-600">{t('files.empty')}</p>}
      {files && files.length > 0 && (
        <ul
          aria-label={t('files.title')}
          className="divide-y divide-slate-100 overflow-hidden rounded-2xl border border-slate-200 bg-white"
        >
          {files.map((file) => {
            const kind = fileKind(file);
            return (
              <li key={file.id} className="flex items-center gap-3 px-4 py-3" data-testid="shared-file" data-kind={kind}>
                <Thumbnail file={file} />
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-semibold text-slate-900">{file.fileName}</span>
                  <span className="block truncate text-xs text-slate-500">
                    {t(`files.kind.${kind}`)} · {formatSize(file.size)} ·{' '}
                    <time dateTime={file.uploadedAt}>{formatTime(file.uploadedAt, i18n.language)}</time>
                  </span>
                  {roomName(file.roomId) && (
                    <Link to={`/chat/${file.roomId}`} className="block truncate text-xs font-medium text-indigo-600 hover:underline">
                      {t('files.room', { room: roomName(file.roomId) })}
                    </Link>
                  )}
                </span>
                <DownloadLink file={file} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
