import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** The sessions pages' own namespace (`useTranslation('sessions')`), added when the feature is first imported. */
export const SESSIONS_NS = 'sessions';
i18n.addResourceBundle('ko', SESSIONS_NS, ko, true, true);
i18n.addResourceBundle('en', SESSIONS_NS, en, true, true);
