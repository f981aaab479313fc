import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** The matching pages' own namespace (`useTranslation('matching')`), added when the feature is first imported. */
export const MATCHING_NS = 'matching';
i18n.addResourceBundle('ko', MATCHING_NS, ko, true, true);
i18n.addResourceBundle('en', MATCHING_NS, en, true, true);
