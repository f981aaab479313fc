import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { useProfileStore } from '../../profile/store';
import { CHAT_NS } from '../i18n';
import { hasHangul, romanize } from '../romanize';

/** Tools for people learning a language: hearing a message, and romanisation under Korean text. */

const STORAGE_KEY = 'studymate.romanized-rooms';
function readRooms(): Record<string, true> {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, true>;
  } catch {
    return {};
  }
}

/** Rooms where I asked for romanisation; kept in this browser, per room. */
const useRomanizedRooms = create<{ rooms: Record<string, true>; toggle: (roomId: string) => void }>()((set, get) => ({
  rooms: readRooms(),
  toggle(roomId) {
    const rooms = { ...get().rooms };
    if (rooms[roomId]) delete rooms[roomId];
    else rooms[roomId] = true;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(rooms));
    set({ rooms });
  },
}));

export const useRomanized = (roomId: string) => useRomanizedRooms((s) => Boolean(s.rooms[roomId]));

/** Whether I am learning Korean (from my profile, loaded once if the page has not yet). */
function useLearnsKorean(): boolean {
  const profile = useProfileStore((s) => s.profile);
  useEffect(() => {
    if (!profile)
      useProfileStore
        .getState()
        .load()
        .catch(() => undefined);
  }, [profile]);
  return profile?.languages?.learns.some((l) => l.language === 'ko') ?? false;
}

/** The header's romanisation switch, shown only to people learning Korean. */
export function RomanizeToggle({ roomId }: { roomId: string }) {
  const { t } = useTranslation(CHAT_NS);
  const on = useRomanized(roomId);
  const toggle = useRomanizedRooms((s) => s.toggle);
  if (!useLearnsKorean()) return null;
  return (
    <button
      type="button"
      aria-pressed={on}
      onClick={() => toggle(roomId)}
      className={`flex min-h-11 w-full items-center gap-3 rounded-lg px-3 text-left text-sm hover:bg-slate-100 ${on ? 'text-indigo-700' : 'text-slate-700'}`}
    >
      <span aria-hidden="true" className="w-6 text-center font-bold">
        가a
      </span>
      {t('learner.romanize')}
    </button>
  );
}

/** The romanised line under a message's Korean text. */
export function Romanization({ text, mine }: { text: string; mine: boolean }) {
  if (!hasHangul(text)) return null;
  return (
    <p lang="ko-Latn" data-testid="romanization" className={`mt-0.5 text-xs italic ${mine ? 'text-indigo-100' : 'text-slate-500'}`}>
      {romanize(text)}
    </p>
  );
}

/** The language a message is written in, as far as speech goes: Korean when it has Hangul, else English. */
const spokenLanguage = (text: string) => (hasHangul(text) ? 'ko' : 'en');

/** The browser's voices; they arrive late in Chromium, so this follows `voiceschanged`. */
function useVoices(): SpeechSynthesisVoice[] {
  const synth = typeof window !== 'undefined' ? window.speechSynthesis : undefined;
  const [voices, setVoices] = useState<SpeechSynthesisVoice[]>(() => synth?.getVoices() ?? []);
  useEffect(() => {
    if (!synth) return;
    const update = () => setVoices(synth.getVoices());
    update();
    synth.addEventListener('voiceschanged', update);
    return () => synth.removeEventListener('voiceschanged', update);
  }, [synth]);
  return voices;
}

/** "Listen": reads the message aloud in its language; hidden when the browser has no voice for it. */
export function ListenButton({ text }: { text: string }) {
  const { t } = useTranslation(CHAT_NS);
  const voices = useVoices();
  const language = spokenLanguage(text);
  const voice = voices.find((v) => v.lang.toLowerCase().startsWith(language));
  if (!voice || !text.trim()) return null;
  const listen = () => {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.9;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  };
  return (
    <button
      type="button"
      aria-label={t('learner.listen')}
      onClick={listen}
      className="-my-3 flex size-11 items-center justify-center rounded-full text-slate-400 hover:bg-slate-100 hover:text-indigo-700"
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="size-4"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d="M11 5 6 9H2v6h4l5 4V5z" />
        <path d="M15.5 8.5a5 5 0 0 1 0 7" />
        <path d="M19 5a10 10 0 0 1 0 14" />
      </svg>
    </button>
  );
}
