import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** The call pages' own namespace (`useTranslation('calls')`), added when the feature is first imported. */
export const CALLS_NS = 'calls';
i18n.addResourceBundle('ko', CALLS_NS, ko, true, true);
i18n.addResourceBundle('en', CALLS_NS, en, true, true);
