import i18n from '../../i18n';
import { formatDayTime } from '../../lib/dates';
import ko from './i18n/ko.json';
import en from './i18n/en.json';

// The level test loads lazily, so it brings its own strings instead of growing the app catalog.
export const NS = 'levelTest';
if (!i18n.hasResourceBundle('ko', NS)) {
  i18n.addResourceBundle('ko', NS, ko);
  i18n.addResourceBundle('en', NS, en);
}

/** Formats an instant for people in the UI language (e.g. "11월 27일 오후 3:00"). */
export const formatWhen = (iso: string, language: string): string => formatDayTime(iso, language);
