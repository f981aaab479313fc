import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '@studymate/contracts';
import { searchRoom } from '../api';
import { CHAT_NS } from '../i18n';
import { ErrorNote, formatTime, LineIcon, SEARCH_ICON, usePreview } from './common';

export interface RoomSearch {
  query: string;
  setQuery: (q: string) => void;
  busy: boolean;
  /** Hits newest first; null before the first search. */
  results: ChatMessage[] | null;
  failed: boolean;
  run: () => void;
  clear: () => void;
}

/** Search in one conversation; the bar sits under the header, the hits over the message list. */
export function useRoomSearch(roomId: string): RoomSearch {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<{ busy: boolean; results: ChatMessage[] | null; failed: boolean }>({
    busy: false,
    results: null,
    failed: false,
  });
  return {
    query,
    setQuery,
    ...state,
    run: () => {
      const q = query.trim().slice(0, 100);
      if (!q) return;
      setState({ busy: true, results: null, failed: false });
      searchRoom(roomId, q).then(
        (results) => setState({ busy: false, results, failed: false }),
        () => setState({ busy: false, results: null, failed: true }),
      );
    },
    clear: () => {
      setQuery('');
      setState({ busy: false, results: null, failed: false });
    },
  };
}

export function SearchBar({ search, onClose }: { search: RoomSearch; onClose: () => void }) {
  const { t } = useTranslation(CHAT_NS);
  return (
    <form
      role="search"
      className="flex items-center gap-2 border-b border-slate-200 px-4 py-2"
      onSubmit={(e) => {
        e.preventDefault();
        search.run();
      }}
    >
      <input
        type="search"
        autoFocus
        className="input min-w-0 flex-1 py-2"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={search.query}
        maxLength={100}
        onChange={(e) => search.setQuery(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      />
      <button
        type="submit"
        className="btn-primary px-3 py-2"
        aria-label={t('search.submit')}
        disabled={search.busy || !search.query.trim()}
      >
        <LineIcon d={SEARCH_ICON} className="size-5" />
      </button>
      <button type="button" className="btn-link shrink-0 px-1" onClick={onClose}>
        {t('search.close')}
      </button>
    </form>
  );
}

/** The hits, over the message list (which keeps its place underneath). */
export function SearchResults({
  search,
  nameOf,
  onPick,
}: {
  search: RoomSearch;
  nameOf: (userId: string) => string;
  onPick: (message: ChatMessage) => void;
}) {
  const { t, i18n } = useTranslation(CHAT_NS);
  const preview = usePreview();
  if (!search.results && !search.failed) return null;
  return (
    <div className="absolute inset-0 z-10 overflow-y-auto bg-white px-4 py-3">
      <ErrorNote>{search.failed ? t('search.failed') : null}</ErrorNote>
      {search.results?.length === 0 && <p className="py-6 text-center text-sm text-slate-500">{t('search.none')}</p>}
      {search.results && search.results.length > 0 && (
        <ul aria-label={t('search.results')} className="divide-y divide-slate-100">
          {search.results.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                data-testid="search-result"
                className="flex w-full flex-col items-start gap-0.5 py-3 text-left hover:bg-slate-50"
                onClick={() => onPick(m)}
              >
                <span className="flex w-full items-baseline justify-between gap-2 text-xs text-slate-500">
                  <span className="truncate font-semibold">{nameOf(m.senderId)}</span>
                  <time dateTime={m.createdAt} className="shrink-0">
                    {formatTime(m.createdAt, i18n.language)}
                  </time>
                </span>
                <span className="line-clamp-2 text-sm break-words text-slate-800">{preview(m)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
