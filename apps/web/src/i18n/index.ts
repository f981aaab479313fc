import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { Labelled } from '@studymate/contracts';
import ko from './ko.json';
import en from './en.json';

export const UI_LANGUAGES = ['ko', 'en'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

const STORAGE_KEY = 'studymate.uiLanguage';

function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value);
}

function rememberedLanguage(): UiLanguage {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isUiLanguage(stored)) return stored;
  } catch {
    // Storage can be blocked (private mode); Korean is the default either way.
  }
  return 'ko';
}

void i18n.use(initReactI18next).init({
  resources: { ko: { translation: ko }, en: { translation: en } },
  lng: rememberedLanguage(),
  fallbackLng: 'ko',
  supportedLngs: [...UI_LANGUAGES],
  interpolation: { escapeValue: false }, // React already escapes.
});
document.documentElement.lang = i18n.language;

export function setUiLanguage(lng: UiLanguage): void {
  void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Not remembered, but still switched for this visit.
  }
}

export function currentUiLanguage(): UiLanguage {
  return isUiLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'ko';
}

/** Picks the catalog label (ko/en, from contracts) for the current UI language. */
export function useLabel(): (entry: Labelled<string | number>) => string {
  const { i18n: instance } = useTranslation();
  const english = instance.resolvedLanguage === 'en';
  return (entry) => (english ? entry.en : entry.ko);
}

export default i18n;
