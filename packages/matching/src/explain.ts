// Reasons as text in the viewer's language. The labels come from the catalogue in
// packages/contracts; an id it does not know is shown as it is.
import { COMMUNICATION_METHODS, LANGUAGES, MOTIVATIONS, PARTNER_STYLES, TOPICS, WEEKDAYS } from '@studymate/contracts';
import { CEFR_LEVELS, type Reason, type SharedWindow, type TimeOfWeek } from './types.js';

export type Locale = 'ko' | 'en';

type Catalogue = readonly { id: string | number; ko: string; en: string }[];

const label = (list: Catalogue, id: string | number, locale: Locale): string => list.find((e) => e.id === id)?.[locale] ?? String(id);

/** English labels start lower-case inside a sentence, except acronyms ("IT"). */
const inSentence = (text: string): string => (/^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text);

/** Whether the last syllable of a Korean word ends in a consonant (batchim), which picks 과/와 and 을/를. */
function hasBatchim(word: string): boolean {
  const code = word.charCodeAt(word.length - 1);
  if (code >= 0xac00 && code <= 0xd7a3) return (code - 0xac00) % 28 !== 0;
  return /[LMNRlmnr0136789]$/.test(word); // Latin letters and digits as Koreans read them aloud
}

/** (으)로: 로 after a vowel or ㄹ, 으로 after any other final consonant. */
function instrumental(word: string): string {
  const code = word.charCodeAt(word.length - 1);
  const rieul = code >= 0xac00 && code <= 0xd7a3 && (code - 0xac00) % 28 === 8;
  return word + (hasBatchim(word) && !rieul ? '으로' : '로');
}

const particle = (word: string, withFinal: string, withoutFinal: string) => word + (hasBatchim(word) ? withFinal : withoutFinal);

function listEn(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "여행, 음식과 영화를": the last two joined by 과/와, the object particle after the last. */
function objectListKo(items: string[]): string {
  if (items.length === 1) return particle(items[0]!, '을', '를');
  const head = items.slice(0, -2);
  const [a, b] = items.slice(-2) as [string, string];
  return [...head, `${particle(a, '과', '와')} ${particle(b, '을', '를')}`].join(', ');
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/** "Tue 20:00-21:30"; a window ending at midnight ends at 24:00, a longer one names its end day. */
function span(from: TimeOfWeek, to: TimeOfWeek, locale: Locale, withDay = true): string {
  const day = (d: number) => label(WEEKDAYS, d, locale);
  const start = withDay ? `${day(from.day)} ${clock(from.minute)}` : clock(from.minute);
  let end = `${day(to.day)} ${clock(to.minute)}`;
  if (to.day === from.day) end = clock(to.minute);
  else if (to.day === (from.day % 7) + 1 && to.minute === 0) end = '24:00';
  return `${start}-${end}`;
}

function duration(minutes: number, locale: Locale): string {
  if (minutes < 60) return locale === 'ko' ? `${minutes}분` : `${minutes} min`;
  const hours = Math.round((minutes / 60) * 2) / 2;
  return locale === 'ko' ? `${hours}시간` : `${hours} h`;
}

function windowText(w: SharedWindow, locale: Locale): string {
  const sameDay = w.viewer.from.day === w.partner.from.day;
  const mine = span(w.viewer.from, w.viewer.to, locale);
  const theirs = span(w.partner.from, w.partner.to, locale, !sameDay);
  return locale === 'ko' ? `내 시간 ${mine}, 상대 시간 ${theirs}` : `${mine} your time, ${theirs} theirs`;
}

export function formatReason(reason: Reason, locale: Locale): string {
  switch (reason.code) {
    case 'shared-topics': {
      const names = reason.topics.map((t) => label(TOPICS, t, locale));
      return locale === 'ko' ? `${objectListKo(names)} 둘 다 좋아해요` : `both like ${listEn(names.map(inSentence))}`;
    }
    case 'shared-motivations': {
      const names = reason.motivations.map((m) => label(MOTIVATIONS, m, locale));
      return locale === 'ko'
        ? `배우는 이유가 같아요: ${names.join(', ')}`
        : `learning for the same reasons: ${listEn(names.map(inSentence))}`;
    }
    case 'availability': {
      const windows = reason.windows.map((w) => windowText(w, locale)).join(locale === 'ko' ? ' / ' : '; ');
      return locale === 'ko'
        ? `둘 다 시간이 되는 때가 주 ${duration(reason.minutes, locale)}: ${windows}`
        : `${duration(reason.minutes, locale)} a week when you are both free: ${windows}`;
    }
    case 'level': {
      const language = label(LANGUAGES, reason.language, locale);
      const tested = reason.verified ? (locale === 'ko' ? ' (레벨 테스트)' : ' (level test)') : '';
      if (reason.level === 'native') return locale === 'ko' ? `${language} 원어민` : `native ${language} speaker`;
      const met = CEFR_LEVELS.indexOf(reason.level) >= CEFR_LEVELS.indexOf(reason.wanted);
      if (locale === 'ko') {
        return met
          ? `${language} ${reason.level}${tested}, 원하는 수준이에요`
          : `${language} ${reason.level}${tested} (원하는 수준은 ${reason.wanted})`;
      }
      return met
        ? `${reason.level} in ${language}${tested}, the level you asked for`
        : `${reason.level} in ${language}${tested} (you asked for ${reason.wanted})`;
    }
    case 'same-method': {
      const method = label(COMMUNICATION_METHODS, reason.method, locale);
      return locale === 'ko' ? `둘 다 ${instrumental(method)} 대화하고 싶어해요` : `you both prefer ${inSentence(method)}`;
    }
    case 'partner-style': {
      const names = reason.styles.map((s) => label(PARTNER_STYLES, s, locale));
      return locale === 'ko'
        ? `원하는 대화 방식이 같아요: ${names.join(', ')}`
        : `you want the same kind of exchange: ${listEn(names.map(inSentence))}`;
    }
    case 'active-recently':
      return locale === 'ko' ? '최근에 활동했어요' : 'active recently';
    case 'like-accepted-before':
      return locale === 'ko' ? '전에 수락한 상대들과 비슷해요' : 'like the partners you said yes to before';
  }
}

export const formatReasons = (reasons: readonly Reason[], locale: Locale): string[] => reasons.map((r) => formatReason(r, locale));
